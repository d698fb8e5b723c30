import { parse } from 'csv-parse/sync';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exportRows, formatBytes, type RawRecord } from '../../src/export/index.js';
import { gunzipSync } from 'node:zlib';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App, type PluginViewProps } from '../../src/ui/App.js';
import { ExportDialog } from '../../src/ui/ExportDialog.js';
import { cancelAllExports, dialogReducer, downloadActivity, ExportSession, initialDialogState, resolveExportPath, type ExportFn } from '../../src/ui/exportModel.js';
import { displayWidth } from '../../src/term/width.js';
import { makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { EventStore as Store } from '../../src/store/eventStore.js';
import { fitStatusMessage, statusText, type StatusMessage } from '../../src/ui/statusMessage.js';

const NOW = Date.UTC(2026, 10, 26, 2, 15, 0);
const STAMP = '20261126T021500Z';

let dir = '';
let open: Harness[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trailtop-export-dialog-'));
});

afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
  rmSync(dir, { recursive: true, force: true });
});

/** JSON records without the files: each row's own id, so order and count can be checked. */
function fakeRecords(delayMs = 0): (rows: readonly EventRow[], start: number, end: number) => Promise<RawRecord[]> {
  return async (rows, start, end) => {
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
    return rows.slice(start, end).map((r) => ({ eventID: r.id, eventName: r.name }));
  };
}

function sessionWith(delayMs = 0): ExportSession {
  const run: ExportFn = (options) => exportRows({ ...options, readRecords: fakeRecords(delayMs) });
  return new ExportSession(run);
}

/**
 * A session whose export does not open its file until it is cancelled or `release()` is called: it
 * cannot end while a test presses keys, however loaded the machine (a CSV export reads no record
 * for a delay to hold it up).
 */
function heldSession(): { session: ExportSession; release(): void } {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const run: ExportFn = (options) => {
    const cancelled = new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
    return exportRows({
      ...options,
      openFile: async (file) => {
        await Promise.race([cancelled, released]);
        return openFile(file, 'wx');
      },
    });
  };
  return { session: new ExportSession(run), release: () => release() };
}

interface Mounted {
  h: Harness;
  p: PluginViewProps;
  session: ExportSession;
}

function mount(rows: EventRow[], session = sessionWith(), columns = 100, height = 25, extra: Partial<PluginViewProps> = {}): Mounted {
  const store = new EventStore(0);
  const p: PluginViewProps = {
    ...extra,
    store,
    rows,
    queryText: 'name:Event1*',
    zone: 'utc',
    width: columns,
    height,
    onClose: vi.fn(),
    setQuery: vi.fn(),
    setStatus: vi.fn(),
  };
  const h = renderApp(<ExportDialog {...p} session={session} cwd={dir} now={() => NOW} env={{}} />, columns, height + 1);
  open.push(h);
  return { h, p, session };
}

/** Ink attaches a view's key listener in an effect, after its first frame. */
async function settle(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 30));
}

function lines(frame: string): string[] {
  return frame.split('\n');
}

function statusCalls(p: PluginViewProps): string[] {
  return (p.setStatus as ReturnType<typeof vi.fn>).mock.calls.map((c) => statusText(c[0] as StatusMessage));
}

describe('dialog state', () => {
  it('cycles CSV, JSON, JSON lines and back; the default name follows until the path is edited', () => {
    let s = initialDialogState(NOW);
    expect(s.path).toBe(`trailtop-${STAMP}.csv`);
    s = dialogReducer(s, { type: 'cycleFormat', step: 1 });
    expect([s.format, s.path]).toEqual(['json', `trailtop-${STAMP}.json`]);
    s = dialogReducer(s, { type: 'cycleFormat', step: 1 });
    expect([s.format, s.path]).toEqual(['jsonl', `trailtop-${STAMP}.jsonl`]);
    s = dialogReducer(s, { type: 'cycleFormat', step: -1 });
    s = dialogReducer(s, { type: 'cycleFormat', step: -1 });
    s = dialogReducer(s, { type: 'cycleFormat', step: -1 });
    expect(s.format).toBe('jsonl');
    s = dialogReducer(s, { type: 'setPath', text: 'mine.txt' });
    s = dialogReducer(s, { type: 'cycleFormat', step: 1 });
    expect([s.format, s.path, s.pathEdited]).toEqual(['csv', 'mine.txt', true]);
  });

  it('strips control characters typed or pasted into the path', () => {
    const s = dialogReducer(initialDialogState(NOW), { type: 'setPath', text: 'x\u001b[31mb\u0007.csv' });
    expect(s.path).toBe('x[31mb.csv');
  });

  it('applies DEL bytes (several backspaces in one chunk) as backspaces', () => {
    const s = dialogReducer(initialDialogState(NOW), { type: 'setPath', text: 'report.csvx\u007f\u007f\u007f\u007f\u007f.json' });
    expect(s.path).toBe('report.json');
  });

  it('moves a typed name\'s format extension along with the format', () => {
    let s = dialogReducer(initialDialogState(NOW), { type: 'setPath', text: 'x.csv' });
    s = dialogReducer(s, { type: 'cycleFormat', step: 1 });
    expect([s.format, s.path]).toEqual(['json', 'x.json']);
    s = dialogReducer(s, { type: 'cycleFormat', step: 1 });
    expect([s.format, s.path]).toEqual(['jsonl', 'x.jsonl']);
  });

  it('keeps a typed .gz when the format moves the extension, and reads the format before it', () => {
    let s = dialogReducer(initialDialogState(NOW), { type: 'setPath', text: 'x.json.gz' });
    expect([s.format, s.path]).toEqual(['json', 'x.json.gz']);
    s = dialogReducer(s, { type: 'cycleFormat', step: 1 });
    expect([s.format, s.path]).toEqual(['jsonl', 'x.jsonl.gz']);
    s = dialogReducer(s, { type: 'setPath', text: 'y.csv.gz' });
    expect(s.format).toBe('csv');
  });

  // The file is written under the trimmed name (resolveExportPath): a pasted `x.json ` wrote CSV into x.json.
  it('reads the format off the name as it is written, trailing spaces trimmed', () => {
    const s = dialogReducer(initialDialogState(NOW), { type: 'setPath', text: 'x.json.gz  ' });
    expect(s.format).toBe('json');
    expect(resolveExportPath(s.path, '/data')).toBe('/data/x.json.gz');
  });

  it('takes the format a typed extension names, as export -o does (x.csv never holds JSON lines)', () => {
    let s = dialogReducer(initialDialogState(NOW), { type: 'cycleFormat', step: -1 });
    expect(s.format).toBe('jsonl');
    s = dialogReducer(s, { type: 'setPath', text: 'x.csv' });
    expect([s.format, s.path]).toEqual(['csv', 'x.csv']);
    s = dialogReducer(s, { type: 'setPath', text: 'x.json' });
    expect(s.format).toBe('json');
    s = dialogReducer(s, { type: 'setPath', text: 'x.NDJSON' });
    expect(s.format).toBe('jsonl');
    // No extension it knows: the chosen format stays.
    s = dialogReducer(s, { type: 'setPath', text: 'x.txt' });
    expect([s.format, s.path]).toEqual(['jsonl', 'x.txt']);
  });

  it('resolves relative paths from the folder it started in', () => {
    expect(resolveExportPath('out.csv', '/data')).toBe('/data/out.csv');
    expect(resolveExportPath('/abs/x.json', '/data')).toBe('/abs/x.json');
  });
});

describe('download progress for the header', () => {
  it('reports ↓ and a rising percentage while running, and clears it at the end', async () => {
    expect(downloadActivity(null)).toBe('↓ 0% (d)');
    const notes: string[] = [];
    const session = sessionWith(1);
    await session.start({ rows: makeRows(3000), format: 'jsonl', path: path.join(dir, 'x.jsonl'), overwrite: false, setStatus: () => {}, setActivity: (t) => notes.push(t) });
    expect(notes[0]).toBe('↓ 0% (d)');
    expect(notes[notes.length - 1]).toBe('');
    const percents = notes.slice(0, -1).map((t) => Number(/^↓ (\d+)% \(d\)$/.exec(t)![1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[percents.length - 1]).toBe(100);
  });
});

describe('a gzipped download', () => {
  // The status said the text's size (143 MiB) for a 14 MiB .gz file.
  it('is written gzipped, and the status names the file\'s size beside the text\'s', async () => {
    const statuses: StatusMessage[] = [];
    const target = path.join(dir, 'x.jsonl.gz');
    await sessionWith().start({ rows: makeRows(300), format: 'jsonl', path: target, overwrite: false, setStatus: (s) => statuses.push(s), setActivity: () => {} });
    const bytes = readFileSync(target);
    expect([...bytes.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const text = gunzipSync(bytes);
    expect(text.toString('utf8').trimEnd().split('\n')).toHaveLength(300);
    const last = statuses.at(-1)!;
    expect(typeof last === 'string' ? last : last.before).toBe(`Saved 300 events (${formatBytes(text.length)}, ${formatBytes(bytes.length)} gzipped) to `);
  });
});

describe('download dialog', () => {
  it('shows the count, the default path, and switches format with Tab and arrows', async () => {
    const { h } = mount(makeRows(12));
    let frame = await h.waitFor((f) => f.includes('Download events'));
    expect(frame).toContain('Download 12 events');
    expect(frame).toContain('name:Event1*');
    expect(frame).toContain(`trailtop-${STAMP}.csv`);
    expect(frame).toContain(path.join(dir, `trailtop-${STAMP}.csv`));
    expect(frame).toContain('(•) CSV');
    expect(frame).toContain('neutralises');
    await settle();
    frame = await h.press(KEYS.tab, (f) => f.includes('(•) JSON '));
    expect(frame).toContain(`trailtop-${STAMP}.json`);
    expect(frame).not.toContain('neutralises');
    frame = await h.press(KEYS.down, (f) => f.includes('(•) JSON lines'));
    expect(frame).toContain(`trailtop-${STAMP}.jsonl`);
    frame = await h.press(KEYS.up, (f) => f.includes('(•) JSON '));
    frame = await h.press(KEYS.up, (f) => f.includes('(•) CSV'));
    expect(frame).toContain(`trailtop-${STAMP}.csv`);
  });

  it('exports exactly the rows given, in their order, and reports the saved path', async () => {
    // The list's rows: a filtered, newest-first subset, not the store.
    const rows = makeRows(40).filter((_, i) => i % 3 === 0).reverse();
    const { h, p } = mount(rows);
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    const frame = await h.press(KEYS.enter, (f) => f.includes('Saved'));
    const target = path.join(dir, `trailtop-${STAMP}.csv`);
    expect(frame).toContain(`Saved ${rows.length} events as CSV`);
    expect(frame).toContain(target);
    const records = parse(readFileSync(target, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(records.map((r) => r['Event ID'])).toEqual(rows.map((r) => r.id));
    expect(statusCalls(p).some((s) => s.includes(`Saved ${rows.length} events`) && s.includes(target))).toBe(true);

    // y copies the path (OSC 52), n starts a fresh form without the CSV warning (shown once per session).
    await h.press('y', () => h.stdout.clipboard.length > 0);
    const payload = /\]52;c;([A-Za-z0-9+/=]+)/.exec(h.stdout.clipboard[0]!)![1]!;
    expect(Buffer.from(payload, 'base64').toString('utf8')).toBe(target);
    const fresh = await h.press('n', (f) => f.includes('Enter download'));
    expect(fresh).not.toContain('neutralises');
  });

  it('n starts the new form in the folder the last download went to, and the format still picks the extension', async () => {
    const evidence = path.join(dir, 'evidence');
    mkdirSync(evidence);
    const { h } = mount(makeRows(3));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press(`\u0015${evidence}/first.csv`, (f) => f.includes('first.csv'));
    await h.press(KEYS.enter, (f) => f.includes('Saved 3 events'));
    const fresh = await h.press('n', (f) => f.includes('Enter download'));
    const field = (f: string): string => /File {4}(.*?)\s*│/.exec(f)?.[1] ?? '?';
    expect(field(fresh)).toContain(`evidence/trailtop-${STAMP}.csv`);
    const json = await h.press(KEYS.tab, (f) => f.includes('(•) JSON '));
    expect(field(json)).toContain(`evidence/trailtop-${STAMP}.json`);
    await h.press(KEYS.enter, (f) => f.includes('Saved 3 events'));
    expect(readdirSync(evidence).sort()).toEqual(['first.csv', `trailtop-${STAMP}.json`]);
  });

  it('writes in the list\'s order (oldest first after o) and, with Ctrl-O, only the marked events', async () => {
    const rows = makeRows(10).reverse();
    const marks = new Set([rows[2]!.id, rows[6]!.id, 'not-in-the-list']);
    const { h } = mount(rows, sessionWith(), 100, 25, { order: 'oldest', marks });
    let frame = await h.waitFor((f) => f.includes('Download events'));
    expect(frame).toContain('Download 10 events');
    expect(frame).toContain('oldest first');
    expect(frame).toContain('( ) marked only (2)');
    await settle();
    expect(frame).toContain('Ctrl-O marked only: off');
    frame = await h.press('\u000f', (f) => f.includes('(•) marked only (2)'));
    expect(frame).toContain('Download 2 marked events');
    // The hint says the state, not the same offer as before.
    expect(frame).toContain('Ctrl-O marked only: on');
    expect(frame).not.toContain('marked only: off');
    frame = await h.press(KEYS.enter, (f) => f.includes('Saved'));
    const target = path.join(dir, `trailtop-${STAMP}.csv`);
    const records = parse(readFileSync(target, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    // Oldest first: rows[6] is older than rows[2] in the newest-first list.
    expect(records.map((r) => r['Event ID'])).toEqual([rows[6]!.id, rows[2]!.id]);
  });

  it('refuses a marked-only download with no marked event in the list', async () => {
    const { h } = mount(makeRows(4), sessionWith(), 100, 25, { marks: new Set() });
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press('\u000f', (f) => f.includes('(•) marked only (0)'));
    const frame = await h.press(KEYS.enter, (f) => f.includes('No marked event'));
    expect(frame).not.toContain('Saved');
  });

  it('fits its border inside a 50x12 terminal, dropping the least needed lines, and keeps the question', async () => {
    const target = path.join(dir, `trailtop-${STAMP}.csv`);
    writeFileSync(target, 'keep me');
    // 50x12: the dashboard leaves the dialog 8 lines.
    const { h } = mount(makeRows(5), sessionWith(), 50, 8);
    const frame = await h.waitFor((f) => f.includes('Download events'));
    const boxed = (f: string): string[] => lines(f).filter((l) => l.trim() !== '');
    const check = (f: string): void => {
      const shown = boxed(f);
      expect(shown.length).toBeLessThanOrEqual(8);
      expect(shown[0]).toMatch(/^╭─+╮$/);
      expect(shown[shown.length - 1]).toMatch(/^╰─+╯$/);
      expect(shown.slice(1, -1).every((l) => /^│.*│$/.test(l))).toBe(true);
      expect(lines(f).every((l) => displayWidth(l) <= 50)).toBe(true);
    };
    check(frame);
    expect(frame).toContain('File    ');
    expect(frame).toContain('Enter download');
    // The CSV warning starts, even when its end has no room.
    expect(frame).toContain('⚠ CSV values');
    await settle();
    const asked = await h.press(KEYS.enter, (f) => f.includes(`Overwrite trailtop-${STAMP}.csv? y/n`));
    check(asked);
  });

  it('cuts a long path from its start, so the file being overwritten or saved is named', async () => {
    const sub = 'aaaaaaaaaa/bbbbbbbbbb/cccccccccc/dddddddddd';
    mkdirSync(path.join(dir, sub), { recursive: true });
    const target = path.join(dir, sub, 'out.csv');
    writeFileSync(target, 'keep me');
    const { h, p } = mount(makeRows(5), sessionWith(), 50, 20);
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press('\u0015', (f) => !f.includes(`trailtop-${STAMP}.csv`));
    await h.press(`${sub}/out.csv`, (f) => f.includes('dddd/out.csv'));
    const asked = await h.press(KEYS.enter, (f) => f.includes('Overwrite out.csv? y/n'));
    const fileLine = lines(asked).find((l) => l.includes('File    '))!;
    expect(fileLine).toMatch(/File {4}…[a-z/]*\/out\.csv/);
    expect(lines(asked).every((l) => displayWidth(l) <= 50)).toBe(true);
    const saved = await h.press('y', (f) => f.includes('Saved 5 events'));
    expect(saved).toMatch(/ {2}…[a-z/]*\/out\.csv/);
    expect(lines(saved).every((l) => displayWidth(l) <= 50)).toBe(true);
    const status = (p.setStatus as ReturnType<typeof vi.fn>).mock.calls.at(-1)![0] as StatusMessage;
    expect(statusText(status)).toContain(target);
    expect(fitStatusMessage(status, 50)).toMatch(/^Saved 5 events \(.*\) to ….*\/out\.csv$/);
  });

  it('never overwrites an existing file without y', async () => {
    const target = path.join(dir, `trailtop-${STAMP}.csv`);
    writeFileSync(target, 'keep me');
    const { h } = mount(makeRows(5));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    const frame = await h.press(KEYS.enter, (f) => f.includes(`Overwrite trailtop-${STAMP}.csv? y/n`));
    expect(frame).toContain('That file already exists.');
    expect(frame).toContain(target);
    // Any other key leaves the question open.
    h.stdin.write('x');
    await settle();
    expect(h.frame()).toContain(`Overwrite trailtop-${STAMP}.csv? y/n`);
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    await h.press('n', (f) => f.includes('Not overwritten'));
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    await h.press(KEYS.enter, (f) => f.includes(`Overwrite trailtop-${STAMP}.csv? y/n`));
    await h.press(KEYS.escape, (f) => f.includes('Not overwritten'));
    expect(readFileSync(target, 'utf8')).toBe('keep me');
    await h.press(KEYS.enter, (f) => f.includes(`Overwrite trailtop-${STAMP}.csv? y/n`));
    await h.press('y', (f) => f.includes('Saved 5 events'));
    expect(readFileSync(target, 'utf8')).toMatch(/^"Event ID"/);
  });

  it('shows progress while running; c cancels and leaves no file and no temp file', async () => {
    const rows = makeRows(3000);
    const { h, p } = mount(rows, sessionWith(25));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press(KEYS.tab, (f) => f.includes('(•) JSON '));
    const running = await h.press(KEYS.enter, (f) => /\d+% [\d,]+\/3,000 events/.test(f));
    expect(running).toContain('Downloading 3,000 events as JSON');
    expect(running).toMatch(/\[[#.]+\]/);
    expect(running).toMatch(/(\d+(\.\d)? (B|KiB|MiB)).*\/s .* left/);
    expect(running).toContain('Esc/c cancel');
    await h.press('c', (f) => f.includes('Download cancelled'));
    // The dialog is usable again, and nothing is on disk.
    expect(h.frame()).toContain('Enter download');
    await vi.waitFor(() => expect(readdirSync(dir)).toEqual([]), { timeout: 20_000 });
    expect(statusCalls(p).some((s) => s.includes('cancelled'))).toBe(true);
  });

  it('Esc while running cancels too', async () => {
    const { h } = mount(makeRows(3000), sessionWith(25));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press(KEYS.down, (f) => f.includes('(•) JSON '));
    await h.press(KEYS.enter, (f) => f.includes('Downloading'));
    await h.press(KEYS.escape, (f) => f.includes('Download cancelled'));
    await vi.waitFor(() => expect(readdirSync(dir)).toEqual([]), { timeout: 20_000 });
  });

  it('b hides the dialog; the download goes on and its end reaches the status line', async () => {
    const rows = makeRows(1500);
    const session = sessionWith(10);
    const { h, p } = mount(rows, session);
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press(KEYS.tab, (f) => f.includes('(•) JSON '));
    await h.press(KEYS.enter, (f) => f.includes('Downloading'));
    h.stdin.write('b');
    await vi.waitFor(() => expect(p.onClose).toHaveBeenCalled(), { timeout: 20_000 });
    // The dashboard unmounts the dialog; the session carries on.
    h.cleanup();
    open = open.filter((x) => x !== h);
    expect(session.running).toBe(true);
    const target = path.join(dir, `trailtop-${STAMP}.json`);
    await vi.waitFor(() => expect(statusCalls(p).some((s) => s.includes('d then y copies the path'))).toBe(true), { timeout: 20_000 });
    const written = JSON.parse(readFileSync(target, 'utf8')) as { Records: Array<{ eventID: string }> };
    expect(written.Records.map((r) => r.eventID)).toEqual(rows.map((r) => r.id));

    // Reopening shows the finished download, and y copies its path.
    const again = mount(rows, session);
    const frame = await again.h.waitFor((f) => f.includes('Saved 1,500 events as JSON'));
    expect(frame).toContain(target);
    // A second open after it was seen starts a fresh form.
    again.h.cleanup();
    open = open.filter((x) => x !== again.h);
    const third = mount(rows, session);
    await third.h.waitFor((f) => f.includes('Enter download'));
  });

  it('quitting the dashboard cancels a hidden download and leaves no temp file', async () => {
    const session = sessionWith(20);
    const setStatus = vi.fn();
    const ended = session.start({ rows: makeRows(3000), format: 'json', path: path.join(dir, 'late.json'), overwrite: false, setStatus });
    await vi.waitFor(() => expect(readdirSync(dir).length).toBe(1)); // the temp file
    await cancelAllExports();
    expect((await ended).status).toBe('cancelled');
    expect(readdirSync(dir)).toEqual([]);
    expect(session.running).toBe(false);
  });

  it('reports a failure in one line and stays usable', async () => {
    const { h } = mount(makeRows(3));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    // A folder where the file should go.
    const folder = path.join(dir, `trailtop-${STAMP}.csv`);
    mkdirSync(folder);
    const frame = await h.press(KEYS.enter, (f) => f.includes('Download failed'));
    expect(frame).toContain('is a folder');
    expect(frame).toContain('Enter download');
    expect(existsSync(folder)).toBe(true);
  });

  it('refuses a file inside the log folder being read, as export -o does, and writes nothing there', async () => {
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const { h } = mount(makeRows(3), sessionWith(), 100, 25, { folder: logs });
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    // `..` does not get past: the path is compared as a real path.
    await h.press(`\u0015logs/sub/../out.json`, (f) => f.includes('logs/sub/../out.json'));
    const frame = await h.press(KEYS.enter, (f) => f.includes('Not written'));
    expect(frame.replace(/[\s│]+/g, ' ')).toContain('is inside the log folder being read');
    expect(frame).toContain('Enter download');
    expect(readdirSync(logs)).toEqual([]);
    // Outside it, the same form writes.
    await h.press(`\u0015out.json`, (f) => !f.includes('Not written') && f.includes('out.json'));
    await h.press(KEYS.enter, (f) => f.includes('Saved 3 events'));
    expect(existsSync(path.join(dir, 'out.json'))).toBe(true);
    expect(readdirSync(logs)).toEqual([]);
  });

  // The path was resolved before it was checked, which drops a trailing `/`: `newdir/` was written as a file called newdir.
  it('refuses a file name ending in / (a folder, not a file), and writes nothing', async () => {
    const { h } = mount(makeRows(3));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press(`\u0015newdir/`, (f) => f.includes('newdir/'));
    const frame = await h.press(KEYS.enter, (f) => f.includes('Not written'));
    expect(frame.replace(/[\s│]+/g, ' ')).toContain('newdir/ names a folder, not a file');
    expect(frame).toContain('Enter download');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('Ctrl-W deletes the word (or folder) before the cursor, Ctrl-U everything before it; ← moves the cursor', async () => {
    const { h } = mount(makeRows(3));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    // The default name ends in .csv; Ctrl-U clears it (the cursor is at the end), and the field takes new text.
    const field = (f: string): string => /File {4}(.*?)\s*│/.exec(f)?.[1] ?? '?';
    let frame = await h.press('\u0015', (f) => !f.includes(`trailtop-${STAMP}.csv`));
    expect(field(frame)).toBe('▏');
    frame = await h.press('out/sub/report.csv', (f) => f.includes('out/sub/report.csv'));
    frame = await h.press('\u0017', (f) => !f.includes('report.csv'));
    expect(field(frame)).toBe('out/sub/▏');
    frame = await h.press('\u0017', (f) => !f.includes('out/sub'));
    expect(field(frame)).toBe('out/▏');
    // In the middle of the text: only what is before the cursor goes.
    await h.press('x.csv', (f) => f.includes('out/x.csv'));
    frame = await h.press(`${KEYS.left}${KEYS.left}${KEYS.left}${KEYS.left}${KEYS.left}\u0015`, (f) => !f.includes('out/x.csv') && f.includes('x.csv'));
    expect(field(frame)).toBe('▏x.csv');
    expect(frame).toContain(path.join(dir, 'x.csv'));
  });

  it('takes y, n, c and b typed in the form as file name text, not as commands', async () => {
    const { h, p } = mount(makeRows(4));
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    const frame = await h.press('ycnb', (f) => f.includes(`trailtop-${STAMP}.csvycnb`));
    expect(frame).toContain('Enter download');
    expect(p.onClose).not.toHaveBeenCalled();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('download dialog in the dashboard', () => {
  function mountApp(rows: EventRow[], session = sessionWith()): Harness {
    const store = new Store(0);
    store.add(rows);
    store.flush();
    const Export = (p: PluginViewProps) => <ExportDialog {...p} session={session} cwd={dir} now={() => NOW} env={{}} />;
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ export: Export }} />, 100, 30);
    open.push(h);
    return h;
  }

  it('writes the default file name to the home folder when the dashboard was opened on the folder it would land in', async () => {
    // `trailtop` with no DIR reads the current folder, where the default name would go: relative names start at home.
    const home = path.join(dir, 'home');
    mkdirSync(home);
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    const store = new Store(0);
    store.add(makeRows(2));
    store.flush();
    const Export = (p: PluginViewProps) => <ExportDialog {...p} session={sessionWith()} cwd={logs} home={home} now={() => NOW} env={{}} />;
    const h = renderApp(<App store={store} folder={logs} watching={false} env={{ NO_COLOR: '1' }} views={{ export: Export }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events') && f.replace(/[\s│]+/g, '').includes(path.join(home, `trailtop-${STAMP}.csv`).replace(/\s+/g, '')));
    await settle();
    await h.press(KEYS.enter, (f) => f.includes('Saved 2 events'));
    expect(readdirSync(home)).toEqual([`trailtop-${STAMP}.csv`]);
    expect(readdirSync(logs)).toEqual([]);
  });

  it('says 1 event, not 1 events, for a list of one', async () => {
    const h = mountApp(makeRows(1));
    await h.waitFor((f) => f.includes('Enter details'));
    const frame = await h.press('d', (f) => f.includes('Download events'));
    expect(frame).toContain('Download 1 event:');
  });

  it('gets the keys typed in the same chunk as the d that opened it', async () => {
    const h = mountApp(makeRows(6));
    await h.waitFor((f) => f.includes('Enter details'));
    // Tab picks JSON, then the letters go to the file name.
    const frame = await h.press(`d${KEYS.tab}.x`, (f) => f.includes(`trailtop-${STAMP}.json.x`));
    expect(frame).toContain('(•) JSON ');
  });

  it('shows a hidden download in the header as ↓ and its percentage until it ends', async () => {
    const rows = makeRows(1500);
    const { session, release } = heldSession();
    const h = mountApp(rows, session);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    await h.press(KEYS.enter, (f) => f.includes('Downloading'));
    const hidden = await h.press('b', (f) => !f.includes('Download events') && /↓ \d+% \(d\)/.test(f.split('\n')[0]!));
    expect(session.running).toBe(true);
    // Right after the watch state, so narrow terminals that cut the header's end still show it.
    expect(hidden.split('\n')[0]).toMatch(/^trailtop {2}\S [a-z ]+ {2}↓ \d+% \(d\) {2}1,500 events {2}following/);
    // Gone from the header once the download ends; the status line says where it went.
    release();
    const done = await h.waitFor((f) => f.includes('Saved 1,500 events'));
    expect(done.split('\n')[0]).not.toContain('↓');
  });

  it('a download hidden with b, reopened with d and cancelled leaves the form on its file, not a new default name', async () => {
    // Held until cancelled: a loaded machine finished the 1,500-event CSV before the keys came.
    const { session } = heldSession();
    const h = mountApp(makeRows(1500), session);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    await h.press('\u0015mine.csv', (f) => f.includes('File    mine.csv'));
    await h.press(KEYS.enter, (f) => f.includes('Downloading'));
    await h.press('b', (f) => !f.includes('Download events'));
    await h.press('d', (f) => f.includes('Downloading'));
    const frame = await h.press('c', (f) => f.includes('Download cancelled; no file was written.'));
    expect(frame).toContain(`File    ${path.join(dir, 'mine.csv')}`);
    expect(frame).not.toContain(`trailtop-${STAMP}`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('types q into the file name, and quits with q once the download is done', async () => {
    const store = new Store(0);
    store.add(makeRows(6));
    store.flush();
    const quit = vi.fn();
    const session = sessionWith();
    const Export = (p: PluginViewProps) => <ExportDialog {...p} session={session} cwd={dir} now={() => NOW} env={{}} />;
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ export: Export }} onQuit={quit} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    await h.press('q', (f) => f.includes(`trailtop-${STAMP}.csvq`));
    expect(quit).not.toHaveBeenCalled();
    await h.press(KEYS.backspace, (f) => !f.includes('.csvq'));
    await h.press(KEYS.enter, (f) => f.includes('Saved 6 events'));
    h.stdin.write('q');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
  });

  it('opens the help at the download keys with ? once done, and comes back to the finished download', async () => {
    const h = mountApp(makeRows(6));
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    await h.press(KEYS.enter, (f) => f.includes('Saved 6 events'));
    const help = await h.press('?', (f) => f.includes(' Help') && f.includes('Download dialog (d)'));
    expect(help).toContain('copy the saved file path');
    expect(help).toContain('cancel the running download');
    // Back to the same dialog, still showing the saved file; its keys work again.
    await h.press(KEYS.escape, (f) => !f.includes(' Help') && f.includes('Saved 6 events as CSV'));
    await h.press('n', (f) => f.includes('Enter download'));
  });
});

describe('quitting while a download runs', () => {
  // QA: q with a download hidden (b) quit at once, the download lost without a word.
  function mountQuit(rows: EventRow[], session: ExportSession): { h: Harness; quit: ReturnType<typeof vi.fn> } {
    const store = new Store(0);
    store.add(rows);
    store.flush();
    const quit = vi.fn();
    const Export = (p: PluginViewProps) => <ExportDialog {...p} session={session} cwd={dir} now={() => NOW} env={{}} />;
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ export: Export }} onQuit={quit} />, 80, 24);
    open.push(h);
    return { h, quit };
  }

  async function startDownload(h: Harness): Promise<void> {
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    // JSON: it reads the records, which take as long as the test wants (slowSession).
    await h.press(KEYS.tab, (f) => f.includes('(•) JSON '));
    await h.press(KEYS.enter, (f) => f.includes('Downloading'));
  }

  /** A download that runs until cancelled: reading its records waits for the abort. */
  const slowSession = (): ExportSession =>
    new ExportSession((options) =>
      exportRows({
        ...options,
        readRecords: async (rows, start, end) => {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 20_000);
            options.signal?.addEventListener('abort', () => {
              clearTimeout(timer);
              resolve();
            });
          });
          return rows.slice(start, end).map((r) => ({ eventID: r.id, eventName: r.name }));
        },
      }),
    );

  const question = /A download is running \(\d+%\): quit and cancel it\? y\/n/;

  it('hidden: q asks; n and Esc go back with the download going on; y cancels it and quits, leaving no file', async () => {
    const session = slowSession();
    const { h, quit } = mountQuit(makeRows(3000), session);
    await startDownload(h);
    await h.press('b', (f) => !f.includes('Download events'));
    let frame = await h.press('q', (f) => question.test(f));
    expect(quit).not.toHaveBeenCalled();
    // The question fits the status line at 80 columns.
    expect(lines(frame).find((l) => question.test(l))!.length).toBeLessThanOrEqual(80);
    // Other keys do not answer it.
    h.stdin.write('j');
    await settle();
    expect(h.frame()).toMatch(question);
    frame = await h.press('n', (f) => !question.test(f));
    expect(session.running).toBe(true);
    await h.press('q', (f) => question.test(f));
    await h.press(KEYS.escape, (f) => !question.test(f));
    expect(quit).not.toHaveBeenCalled();
    await h.press('q', (f) => question.test(f));
    h.stdin.write('y');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
    await session.settled;
    expect(session.getSnapshot().status).toBe('cancelled');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('shown: q in the running dialog asks too; n leaves the dialog as it was', async () => {
    const session = slowSession();
    const { h, quit } = mountQuit(makeRows(3000), session);
    await startDownload(h);
    await h.press('q', (f) => question.test(f));
    expect(quit).not.toHaveBeenCalled();
    const frame = await h.press('n', (f) => !question.test(f));
    expect(frame).toContain('Downloading');
    // The dialog has its keys again: c cancels.
    await h.press('c', (f) => f.includes('Download cancelled'));
    expect(quit).not.toHaveBeenCalled();
    // Nothing runs now: q (out of the file name) quits at once.
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    h.stdin.write('q');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
  });

  // The too-small note says q quits, but with the dialog open q did nothing there (the dialog, not on screen,
  // never saw it), and a c typed meanwhile waited for the dialog and cancelled the download once the window grew.
  it('too small to draw the dialog: other keys are dropped, q asks on that screen, n goes on, q y cancels and quits', async () => {
    const session = slowSession();
    const { h, quit } = mountQuit(makeRows(3000), session);
    await startDownload(h);
    // The note wraps at 30 columns.
    const says = (text: string) => (f: string) => f.replace(/\s+/g, ' ').includes(text);
    h.stdout.resize(30, 6);
    await h.waitFor(says('too small (30x6, need 40x8); q quits'));
    // The dialog's key listener goes with the effects after that frame.
    await settle();
    h.stdin.write('c');
    await settle();
    expect(session.running).toBe(true);
    await h.press('q', says('too small (30x6, need 40x8). A download is running'));
    expect(quit).not.toHaveBeenCalled();
    await h.press('n', says('q quits'));
    h.stdout.resize(80, 24);
    await h.waitFor((f) => f.includes('Downloading'));
    expect(session.running).toBe(true);
    h.stdout.resize(30, 6);
    await h.waitFor(says('q quits'));
    await settle();
    await h.press('q', says('quit and cancel it? y/n'));
    h.stdin.write('y');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
    await session.settled;
    expect(session.getSnapshot().status).toBe('cancelled');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('too small, q quits from the download form too (it typed a q into the file name, unseen)', async () => {
    const { h, quit } = mountQuit(makeRows(3), sessionWith());
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    h.stdout.resize(30, 6);
    await h.waitFor((f) => f.includes('too small'));
    await settle();
    h.stdin.write('q');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
  });

  it('q y in one burst cancels and quits', async () => {
    const session = slowSession();
    const { h, quit } = mountQuit(makeRows(3000), session);
    await startDownload(h);
    h.stdin.write('qy');
    await vi.waitFor(() => expect(quit).toHaveBeenCalledTimes(1), { timeout: 20_000 });
    await session.settled;
    expect(session.getSnapshot().status).toBe('cancelled');
  });

  it('the way out names the download it cancelled', async () => {
    // The first records are held back until the cancel is under way: still running then, however loaded the machine.
    let reached!: () => void;
    const reading = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const readRecords = fakeRecords();
    const session = new ExportSession((options) =>
      exportRows({
        ...options,
        readRecords: async (rows, start, end) => {
          reached();
          await gate;
          return readRecords(rows, start, end);
        },
      }),
    );
    // JSON, as CSV is written from the rows alone and never reads a record.
    const started = session.start({ rows: makeRows(3000), format: 'json', path: path.join(dir, 'late.json'), overwrite: false, setStatus: () => {} });
    await reading;
    const cancelled = cancelAllExports();
    release();
    expect(await cancelled).toEqual([path.join(dir, 'late.json')]);
    await started;
  });
});

describe('a download error at 80 columns', () => {
  // QA: `Download failed: /tmp/qa/dl/link.csv is not a regular file (a symbolic link…` hid the reason's end.
  it('is wrapped in the dialog, read whole', async () => {
    const link = path.join(dir, 'link.csv');
    symlinkSync(path.join(dir, 'elsewhere.csv'), link);
    const { h } = mount(makeRows(5), sessionWith(), 80, 23);
    await h.waitFor((f) => f.includes('Download events'));
    await settle();
    await h.press('\u0015', (f) => !f.includes(`trailtop-${STAMP}.csv`));
    await h.press(link, (f) => f.includes('link.csv'));
    const frame = await h.press(KEYS.enter, (f) => f.includes('Download failed'));
    expect(lines(frame).every((l) => displayWidth(l) <= 80)).toBe(true);
    // The dialog's lines, borders off, read as one text.
    const text = lines(frame)
      .map((l) => l.replace(/^│ ?/, '').replace(/ *│$/, '').trim())
      .join(' ');
    expect(text).toContain(`Download failed: ${link} is not a regular file (a symbolic link); trailtop only replaces regular files`);
    expect(frame).not.toMatch(/symbolic link…/);
  });

  it('is wrapped on the status line when the dialog was hidden', async () => {
    const store = new Store(0);
    store.add(makeRows(3));
    store.flush();
    const reason = `${path.join(dir, 'a-rather-long-folder-name', 'and-a-long-file-name.csv')} could not be written: the disk is full (ENOSPC) after 3 events`;
    let fail: (error: Error) => void = () => {};
    const session = new ExportSession(() => new Promise((_, reject) => (fail = reject)));
    const Export = (p: PluginViewProps) => <ExportDialog {...p} session={session} cwd={dir} now={() => NOW} env={{}} />;
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ export: Export }} />, 80, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('d', (f) => f.includes('Download events'));
    await settle();
    await h.press(KEYS.enter, (f) => f.includes('Downloading'));
    await h.press('b', (f) => !f.includes('Download events'));
    fail(new Error(reason));
    const frame = await h.waitFor((f) => f.includes('Download failed'));
    const all = lines(frame);
    expect(all.length).toBeLessThanOrEqual(23);
    expect(all.every((l) => displayWidth(l) <= 80)).toBe(true);
    const text = all
      .slice(all.findIndex((l) => l.startsWith('Download failed')))
      .map((l) => l.replace(/\s+UTC\s*$/, '').trim())
      .join(' ');
    expect(text).toContain('ENOSPC) after 3 events');
  });
});
