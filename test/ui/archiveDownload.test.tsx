/**
 * `d` on the --db dashboard: the download dialog over the archive. Each file
 * is compared byte for byte with what `trailtop export --db --filter QUERY`
 * writes (the CLI, run for real on the same archive), in the list's order;
 * a cancel leaves no file, an existing file is overwritten only when asked,
 * a target in the followed folder or on the archive's own files is refused,
 * and Ctrl-O writes the marked events only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower, FollowStatus } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CTRL_U = '\u0015';
const CTRL_O = '\u000f';

function trailtop(args: string[]): Buffer {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`trailtop ${args.join(' ')} exited ${String(run.status)}: ${run.stderr.toString()}`);
  return run.stdout;
}

/** 3,000 calls a minute apart; every fifth denied; values a spreadsheet or a terminal would act on. */
function records(): object[] {
  return Array.from({ length: 3000 }, (_, k) => ({
    eventVersion: '1.08',
    eventID: `ev-${String(k).padStart(5, '0')}`,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 60_000).toISOString().replace('.000Z', 'Z'),
    eventName: k % 2 ? 'GetObject' : 'PutObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userAgent: k % 7 ? 'aws-cli/2' : 'evil\u001b[2Jagent',
    userIdentity: { type: 'IAMUser', userName: k % 3 ? 'alice' : '=HYPERLINK("http://x")' },
    ...(k % 5 === 0 ? { errorCode: 'AccessDenied' } : {}),
  }));
}

/** What a dashboard uses of a follower, with the folder it follows. */
class FakeFollower {
  current: FollowStatus = { phase: 'watching', progress: null, eventsAdded: 0, bad: [], error: null, folderGone: false };
  constructor(readonly folder: string) {}
  subscribe(): () => void {
    return () => undefined;
  }
}

describe('d on the --db dashboard', () => {
  const scratch = tempFolder('trailtop-dbdownload-');
  const logs = join(scratch.dir, 'logs');
  const db = join(scratch.dir, 'trail.duckdb');
  const out = join(scratch.dir, 'out');
  let session: ArchiveSession;
  let h: Harness;
  /** Extra wait between pages (ms): long enough to cancel in the middle. */
  let slowPages = 0;
  let quits = 0;

  beforeAll(async () => {
    mkdirSync(logs);
    mkdirSync(out);
    const all = records();
    for (let k = 0; k * 500 < all.length; k++) writeFileSync(join(logs, `part-${k}.json`), recordsJson(all.slice(k * 500, (k + 1) * 500)));
    trailtop(['archive', logs, '--db', db, '--quiet']);
    session = await ArchiveSession.open(db);
    const download = session.download.bind(session);
    session.download = (target, options) =>
      download(target, {
        ...options,
        betweenPages: async () => {
          await options.betweenPages?.();
          if (slowPages > 0) await new Promise((done) => setTimeout(done, slowPages));
        },
      });
    const follower = new FakeFollower(logs) as unknown as ArchiveFollower;
    h = renderApp(<ArchiveApp session={session} dbPath={db} env={{ NO_COLOR: '1' }} onQuit={() => void quits++} follower={follower} />, 100, 30);
    await h.waitFor((f) => f.includes('3,000 events'), 30_000);
    await h.press('/error:AccessDenied' + KEYS.enter, (f) => f.includes('600 matching'));
  }, 120_000);

  afterAll(async () => {
    h?.cleanup();
    await session?.close();
    scratch.remove();
  });

  /** d, the file name typed over the default one (after `keys`), Enter, and the dialog closed once saved. */
  async function download(path: string, keys = ''): Promise<Buffer> {
    await h.press('d', (f) => f.includes('Download events'));
    await h.press(keys + CTRL_U + path + KEYS.enter, (f) => f.includes('Saved'));
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    return readFileSync(path);
  }

  it('writes the CSV export --db writes for the query, newest first', async () => {
    await h.press('d', (f) => f.includes('Download events'));
    await h.press(CTRL_U + join(out, 'denied.csv') + KEYS.enter, (f) => f.includes('Saved 600 events as CSV'));
    // ? opens the help at the dialog's keys; Esc comes back to the dialog as it was.
    const help = await h.press('?', (f) => f.includes(' Help'));
    expect(help.split('\n')[help.split('\n').findIndex((l) => l.startsWith(' Help')) + 1]).toBe('─ Download dialog (d)');
    await h.press(KEYS.escape, (f) => f.includes('Saved 600 events as CSV') && !f.includes(' Help'));
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    const file = readFileSync(join(out, 'denied.csv'));
    const expected = trailtop(['export', '--db', db, '--filter', 'error:AccessDenied', '--format', 'csv', '-o', '-']);
    expect(file.length).toBeGreaterThan(10_000);
    expect(file.equals(expected)).toBe(true);
  });

  it('writes the JSON export --db --order oldest writes after o', async () => {
    await h.press('o', (f) => f.includes('oldest first'));
    const file = await download(join(out, 'denied.json'));
    const expected = trailtop(['export', '--db', db, '--filter', 'error:AccessDenied', '--format', 'json', '--order', 'oldest', '-o', '-']);
    expect(file.equals(expected)).toBe(true);
    await h.press('o', (f) => f.includes('newest first'));
  });

  it('Ctrl-O writes only the marked events, as export writes them', async () => {
    await h.press('g', (f) => f.includes('row 1 '));
    await h.press('m', (f) => f.includes('Marked'));
    await h.press('jj', (f) => f.includes('row 3 '));
    await h.press('m', (f) => f.includes('Marked'));
    await h.press('d', (f) => f.includes('Download events'));
    let frame = await h.press(CTRL_O, (f) => f.includes('marked only (2)') && f.includes('Download 2 marked events'));
    expect(frame).toContain('Ctrl-O marked only: on');
    const path = join(out, 'marked.jsonl');
    frame = await h.press(CTRL_U + path + KEYS.enter, (f) => f.includes('Saved'));
    expect(frame).toContain('Saved 2 events as JSON lines');
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    const lines = trailtop(['export', '--db', db, '--filter', 'error:AccessDenied', '--format', 'jsonl', '-o', '-']).toString('utf8').split('\n');
    expect(readFileSync(path, 'utf8')).toBe(`${lines[0]}\n${lines[2]}\n`);
  });

  it('asks before overwriting a file; n keeps it, y replaces it', async () => {
    const path = join(out, 'existing.csv');
    writeFileSync(path, 'keep me\n');
    await h.press('d', (f) => f.includes('Download events'));
    await h.press(CTRL_U + path + KEYS.enter, (f) => f.includes('Overwrite existing.csv? y/n'));
    await h.press('n', (f) => f.includes('Not overwritten'));
    expect(readFileSync(path, 'utf8')).toBe('keep me\n');
    await h.press(KEYS.enter, (f) => f.includes('Overwrite existing.csv? y/n'));
    await h.press('y', (f) => f.includes('Saved'));
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    expect(readFileSync(path).equals(trailtop(['export', '--db', db, '--filter', 'error:AccessDenied', '--format', 'csv', '-o', '-']))).toBe(true);
  });

  it('Esc while it runs cancels it: no file, no temp file', async () => {
    slowPages = 2_000;
    try {
      const path = join(out, 'cancelled.json');
      await h.press('d', (f) => f.includes('Download events'));
      await h.press(CTRL_U + path + KEYS.enter, (f) => f.includes('Downloading 600 events'));
      await h.press(KEYS.escape, (f) => f.includes('Download cancelled'));
      expect(existsSync(path)).toBe(false);
      expect(readdirSync(out).filter((name) => name.includes('trailtop-'))).toEqual([]);
      await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    } finally {
      slowPages = 0;
    }
  });

  it('q while a hidden download runs asks first: n goes on, y cancels it (no file) and quits', async () => {
    slowPages = 2_000;
    try {
      const path = join(out, 'quit.csv');
      await h.press('d', (f) => f.includes('Download events'));
      await h.press(CTRL_U + path + KEYS.enter, (f) => f.includes('Downloading 600 events'));
      // b hides the dialog; the download goes on, said at the end of the header.
      await h.press('b', (f) => !f.includes('Download events') && /↓ \d+% \(d\)$/.test(f.split('\n')[0]!));
      await h.press('q', (f) => /A download is running \(\d+%\): quit and cancel it\? y\/n/.test(f));
      await h.press('n', (f) => !f.includes('quit and cancel it'));
      expect(quits).toBe(0);
      await h.press('q', (f) => f.includes('quit and cancel it'));
      await h.press('y', () => quits === 1);
      await h.waitFor((f) => f.includes('Download cancelled') && !/↓ \d+%/.test(f));
      expect(existsSync(path)).toBe(false);
      expect(readdirSync(out).filter((name) => name.includes('trailtop-'))).toEqual([]);
    } finally {
      slowPages = 0;
    }
  });

  // The too-small note says q quits, but with the dialog open q was kept for it and typed into the file name once
  // the window grew; so was any other key (c cancelled the download).
  it('too small with the download dialog open: q asks on that screen, n goes on; other keys are dropped, not kept for the dialog', async () => {
    slowPages = 2_000;
    const says = (text: string) => (f: string) => f.replace(/\s+/g, ' ').includes(text);
    const settle = () => new Promise((done) => setTimeout(done, 50));
    try {
      const path = join(out, 'small.csv');
      const before = quits;
      await h.press('d', (f) => f.includes('Download events'));
      await h.press(CTRL_U + path + KEYS.enter, (f) => f.includes('Downloading 600 events'));
      h.stdout.resize(30, 6);
      await h.waitFor(says('too small (30x6, need 40x8); q quits'));
      await settle();
      h.stdin.write('c');
      await settle();
      await h.press('q', says('too small (30x6, need 40x8). A download is running'));
      expect(quits).toBe(before);
      await h.press('n', says('q quits'));
      h.stdout.resize(100, 30);
      await h.waitFor((f) => f.includes('Downloading 600 events'));
      await h.press('c', (f) => f.includes('Download cancelled'));
      // Nothing runs now: q on the small screen quits at once, and is not typed into the file name.
      h.stdout.resize(30, 6);
      await h.waitFor(says('q quits'));
      await settle();
      h.stdin.write('q');
      await h.waitFor(() => quits === before + 1);
      h.stdout.resize(100, 30);
      const frame = await h.waitFor((f) => f.includes('Download events'));
      expect(frame).toContain('small.csv');
      expect(frame).not.toContain('small.csvq');
      await h.press(KEYS.escape, (f) => !f.includes('Download events'));
      expect(existsSync(path)).toBe(false);
    } finally {
      slowPages = 0;
    }
  });

  it('q in the findings view while a hidden download runs asks first too; n stays in the view', async () => {
    slowPages = 2_000;
    try {
      const path = join(out, 'quit-findings.csv');
      const before = quits;
      await h.press('d', (f) => f.includes('Download events'));
      await h.press(CTRL_U + path + KEYS.enter, (f) => f.includes('Downloading 600 events'));
      await h.press('b', (f) => !f.includes('Download events') && /↓ \d+% \(d\)$/.test(f.split('\n')[0]!));
      await h.press('!', (f) => f.includes('Findings'));
      await h.press('q', (f) => f.includes('quit and cancel it? y/n'));
      expect(quits).toBe(before);
      // Esc answers the question; the view, not listening meanwhile, stays open.
      const frame = await h.press(KEYS.escape, (f) => !f.includes('quit and cancel it'));
      expect(frame).toContain('Findings');
      expect(quits).toBe(before);
      await h.press(KEYS.escape, (f) => !f.includes('Findings'));
      await h.press('d', (f) => f.includes('Download events'));
      await h.press(KEYS.escape, (f) => f.includes('Download cancelled'));
      await h.press(KEYS.escape, (f) => !f.includes('Download events'));
      expect(existsSync(path)).toBe(false);
    } finally {
      slowPages = 0;
    }
  });

  it('refuses a file in the followed folder and the archive own files', async () => {
    await h.press('d', (f) => f.includes('Download events'));
    let frame = await h.press(CTRL_U + join(logs, 'x.csv') + KEYS.enter, (f) => f.includes('Not written'));
    expect(frame).toContain('inside the log folder being read');
    frame = await h.press(CTRL_U + db + KEYS.enter, (f) => f.includes('is the archive itself'));
    frame = await h.press(CTRL_U + `${db}.wal` + KEYS.enter, (f) => f.includes("is the archive's write-ahead log"));
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    expect(existsSync(join(logs, 'x.csv'))).toBe(false);
    expect(readdirSync(logs).filter((name) => !name.startsWith('part-'))).toEqual([]);
  });
});
