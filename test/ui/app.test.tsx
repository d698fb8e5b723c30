import chalk from 'chalk';
import { Text, useInput } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { guardKeyInput } from '../../src/term/keyInput.js';
import { displayWidth } from '../../src/term/width.js';
import { App, type AppController, type PluginViewProps } from '../../src/ui/App.js';
import { buildDetail } from '../../src/ui/detailModel.js';
import { ExportDialog } from '../../src/ui/ExportDialog.js';
import { KEYMAP } from '../../src/ui/keys.js';
import { makeRow, makeRows, refreshText } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];

afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function storeWith(rows: EventRow[]): EventStore {
  const store = new EventStore(0);
  store.add(rows);
  store.flush();
  return store;
}

function mount(store: EventStore, columns = 100, rows = 30, props: Partial<Parameters<typeof App>[0]> = {}): Harness {
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={PLAIN} {...props} />, columns, rows);
  open.push(h);
  return h;
}

function lines(frame: string): string[] {
  return frame.split('\n');
}

/** The list line carrying the cursor mark. */
function selectedLine(frame: string): string {
  return lines(frame).find((line) => line.startsWith('›')) ?? '';
}

function fitsTerminal(frame: string, columns: number, rows: number): boolean {
  const ls = lines(frame);
  return ls.length <= rows - 1 && ls.every((line) => displayWidth(line) <= columns);
}

describe('event list windowing', () => {
  it('keeps the selected row visible while moving through 100k rows, rendering only a window', async () => {
    const store = storeWith(makeRows(100_000));
    const h = mount(store, 100, 30);
    await h.waitFor((f) => selectedLine(f).includes('Event99999 '));
    // The frame holds a window of rows, not 100k of them.
    expect(lines(h.frame()).length).toBeLessThanOrEqual(29);

    for (let i = 0; i < 40; i++) h.stdin.write('j');
    await h.waitFor((f) => selectedLine(f).includes('Event99959 '));

    await h.press(KEYS.pageDown, (f) => !selectedLine(f).includes('Event99959 '));
    const afterPage = Number(/Event(\d+) /.exec(selectedLine(h.frame()))![1]);
    expect(afterPage).toBeLessThan(99959);
    expect(afterPage).toBeGreaterThan(99959 - 30);

    await h.press('G', (f) => selectedLine(f).includes('Event0 '));
    expect(fitsTerminal(h.frame(), 100, 30)).toBe(true);
    await h.press('k', (f) => selectedLine(f).includes('Event1 '));
    await h.press('g', (f) => selectedLine(f).includes('Event99999 '));
  });

  it('marks error and Insights rows with a character that survives NO_COLOR', async () => {
    const base = Date.UTC(2024, 0, 1);
    const store = storeWith([
      makeRow({ id: 'ok', name: 'PlainCall', time: base }),
      makeRow({ id: 'err', name: 'DeniedCall', errorCode: 'AccessDenied', time: base + 1000 }),
      makeRow({
        id: 'ins',
        name: '',
        eventType: 'AwsCloudTrailInsight',
        time: base + 2000,
        insight: {
          state: 'Start',
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          insightType: 'ApiCallRateInsight',
          errorCode: '',
          baselineAverage: 0.02,
          insightAverage: 14,
          insightDuration: 1,
          baselineDuration: 10079,
          attributions: [],
        },
      }),
    ]);
    const h = mount(store);
    const frame = await h.waitFor((f) => f.includes('DeniedCall'));
    const line = (text: string) => lines(frame).find((l) => l.includes(text)) ?? '';
    expect(line('DeniedCall')[1]).toBe('!');
    expect(line('RunInstances')[1]).toBe('◆');
    expect(line('PlainCall')[1]).toBe(' ');
  });
});

describe('follow mode', () => {
  it('shows new events at the top while following, and holds the cursor with an "N new" marker once scrolled away', async () => {
    const start = Date.UTC(2024, 0, 1);
    const store = storeWith(makeRows(50, start));
    const h = mount(store);
    await h.waitFor((f) => selectedLine(f).includes('Event49 '));

    store.add([makeRow({ id: 'fresh-1', name: 'FreshOne', time: start + 100_000 })]);
    store.flush();
    await h.waitFor((f) => selectedLine(f).includes('FreshOne'));

    await h.press('j', (f) => selectedLine(f).includes('Event49 '));
    store.add([
      makeRow({ id: 'fresh-2', name: 'FreshTwo', time: start + 200_000 }),
      makeRow({ id: 'fresh-3', name: 'FreshThree', time: start + 300_000 }),
    ]);
    store.flush();
    const frame = await h.waitFor((f) => f.includes('2 new'));
    // The cursor stayed on its event; the new ones are above it.
    expect(selectedLine(frame)).toContain('Event49 ');

    await h.press('f', (f) => selectedLine(f).includes('FreshThree'));
    expect(h.frame()).not.toContain(' new');
  });

  it('follows again after reading the newest event and closing its details without moving', async () => {
    const start = Date.UTC(2024, 0, 1);
    const store = storeWith(makeRows(10, start));
    const h = mount(store);
    await h.waitFor((f) => selectedLine(f).includes('Event9 '));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    await h.press(KEYS.escape, (f) => !f.includes('Event details'));
    store.add([makeRow({ id: 'after-close', name: 'AfterClose', time: start + 100_000 })]);
    store.flush();
    const frame = await h.waitFor((f) => selectedLine(f).includes('AfterClose'));
    expect(frame).not.toContain(' new');
  });
});

describe('detail panel', () => {
  it('opens with Enter, closes with Enter on the same event and with Esc', async () => {
    const store = storeWith(makeRows(20));
    const h = mount(store);
    await h.waitFor((f) => f.includes('Event19'));
    let frame = await h.press(KEYS.enter, (f) => f.includes('Event details'));
    expect(frame).toContain('Request ID');
    expect(frame).toContain('Resources referenced (1)');
    expect(frame).toContain('AWS::EC2::Instance');
    frame = await h.press(KEYS.enter, (f) => !f.includes('Event details'));
    expect(selectedLine(frame)).toContain('Event19');
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    await h.press(KEYS.escape, (f) => !f.includes('Event details'));
  });

  it('shows the panel beside the list at 200 columns and full width at 80', async () => {
    const wide = mount(storeWith(makeRows(20)), 200, 40);
    await wide.waitFor((f) => f.includes('Event19'));
    let frame = await wide.press(KEYS.enter, (f) => f.includes('Event details'));
    expect(frame).toContain('Event name');
    expect(lines(frame).some((l) => l.includes('Event18') && l.includes('Event details') === false)).toBe(true);
    expect(fitsTerminal(frame, 200, 40)).toBe(true);

    const narrow = mount(storeWith(makeRows(20)), 80, 24);
    await narrow.waitFor((f) => f.includes('Event19'));
    frame = await narrow.press(KEYS.enter, (f) => f.includes('Event details'));
    expect(frame).not.toContain('Event18');
    expect(fitsTerminal(frame, 80, 24)).toBe(true);
  });

  it('scrolls long details with PgDn/PgUp while the arrows step through events', async () => {
    const rows = makeRows(3);
    rows[2]!.resources = Array.from({ length: 8 }, (_, i) => ({ type: 'AWS::S3::Bucket', name: `bucket-number-${i}`, arn: '', accountId: '' }));
    const h = mount(storeWith(rows), 80, 24);
    await h.waitFor((f) => f.includes('Event2'));
    let frame = await h.press(KEYS.enter, (f) => f.includes('Event details'));
    expect(frame).not.toContain('bucket-number-7');
    await h.press(KEYS.pageDown, (f) => !f.includes('Event time '));
    // Links are wrapped whole, so the panel takes a few pages.
    for (let i = 0; i < 6 && !frame.includes('bucket-number-7'); i++) frame = await h.press(KEYS.pageDown);
    expect(frame).toContain('bucket-number-7');
    expect(frame).not.toContain('Event time ');
    frame = await h.press(KEYS.pageUp, (f) => !f.includes('bucket-number-7'));
    for (let i = 0; i < 6 && !frame.includes('Event time '); i++) frame = await h.press(KEYS.pageUp);
    expect(frame).toContain('Event time ');
    frame = await h.press(KEYS.down, (f) => f.includes('Event1') && !f.includes('bucket-number'));
    expect(fitsTerminal(frame, 80, 24)).toBe(true);
  });

  it('copies the selected link with OSC 52 and jumps to the resource timeline with r', async () => {
    const rows = makeRows(5);
    rows[4]!.resources = [{ type: 'AWS::S3::Bucket', name: 'prod-bucket', arn: 'arn:aws:s3:::prod-bucket', accountId: '' }];
    refreshText(rows[4]!);
    const store = storeWith(rows);
    const h = mount(store);
    await h.waitFor((f) => f.includes('Event4'));
    await h.press(KEYS.enter, (f) => f.includes('prod-bucket'));
    // Nothing is selected until Tab; y says so.
    await h.press('y', (f) => f.includes('No link selected'));
    // Tab walks the summary values down to the event's console link, then the bucket, then the bucket's console link.
    const selected = (f: string) => lines(f).find((l) => l.startsWith(' ›')) ?? '';
    for (let i = 0; i < 30 && !selected(h.frame()).includes('cloudtrailv2'); i++) await h.press(KEYS.tab);
    expect(selected(h.frame())).toContain('cloudtrailv2');
    await h.press(KEYS.tab, (f) => selected(f).includes('prod-bucket') && selected(f).includes('Resource'));
    await h.press(KEYS.tab, (f) => selected(f).includes('s3.console'));
    await h.press('y', (f) => f.includes('Copied'));
    const copied = h.stdout.clipboard.at(-1)!;
    const payload = /\]52;c;([A-Za-z0-9+/=]+)/.exec(copied)![1]!;
    expect(Buffer.from(payload, 'base64').toString()).toContain('s3.console.aws.amazon.com/s3/buckets/prod-bucket');

    const frame = await h.press('r', (f) => f.includes('resource:"arn:aws:s3:::prod-bucket"') && f.includes('1 of 5 events'));
    expect(frame).not.toContain('Event details');
    expect(frame).not.toContain('Event3');
  });
});

describe('JSON view', () => {
  it('shows the original record, sanitised, scrolls, and copies the whole JSON', async () => {
    const store = storeWith(makeRows(3));
    // JSON escaping covers C0 controls but leaves C1 controls and bidi overrides raw: the sanitiser must catch those.
    const record: Record<string, unknown> = { eventName: 'Event2', userAgent: '\u001b]52;c;SGk=\u0007evil \u009b2J \u202etxt', nested: {} };
    for (let i = 0; i < 60; i++) (record.nested as Record<string, number>)[`k${i}`] = i;
    const h = mount(store, 100, 30, { readRecord: async () => record });
    await h.waitFor((f) => f.includes('Event2'));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    let frame = await h.press('v', (f) => f.includes('"eventName"'));
    expect(frame).toContain('\\u001b]52;c;SGk=\\u0007evil \\x9b2J \\u202etxt');
    expect(frame).not.toContain('\u001b');
    expect(frame).not.toContain('\u009b');
    expect(frame).not.toContain('\u202e');
    expect(frame).not.toContain('"k40"');
    frame = await h.press('G', (f) => f.includes('"k59"'));
    await h.press('g', (f) => f.includes('"eventName"'));
    await h.press('y', (f) => f.includes('Copied the event JSON'));
    const payload = /\]52;c;([A-Za-z0-9+/=]+)/.exec(h.stdout.clipboard.at(-1)!)![1]!;
    expect(JSON.parse(Buffer.from(payload, 'base64').toString())).toEqual(record);
    // Esc goes back where the JSON view was opened from (the details), then to the list.
    await h.press(KEYS.escape, (f) => !f.includes('"eventName"') && f.includes('Event details'));
    const back = await h.press(KEYS.escape, (f) => !f.includes('Event details'));
    expect(selectedLine(back)).toContain('Event2');
  });
});

describe('links and copies at their limits', () => {
  it('wraps links in OSC 8 where the terminal supports it, keeping the URL as text', async () => {
    const h = mount(storeWith(makeRows(2)), 120, 30, { env: { NO_COLOR: '1', FORCE_HYPERLINK: '1' } });
    await h.waitFor((f) => f.includes('Event1'));
    const frame = await h.press(KEYS.enter, (f) => f.includes('Event details'));
    expect(frame).toMatch(/\u001b\]8;;https:\/\/us-east-1\.console\.aws\.amazon\.com\/ec2\/[^\u001b]+\u001b\\https:\/\/us-east-1\.console/);
  });

  it('wraps a long link whole at 80x24, every line of it marked, instead of cutting it', async () => {
    const rows = makeRows(3);
    const bucket = `audit-logs-${'x'.repeat(40)}-archive`;
    rows[2]!.resources = [{ type: 'AWS::S3::Bucket', name: bucket, arn: `arn:aws:s3:::${bucket}`, accountId: '' }];
    const links = buildDetail(rows[2]!, 'utc').links;
    const config = links.find((l) => l.kind === 'config')!.url!;
    expect(config.length).toBeGreaterThan(120);
    const h = mount(storeWith(rows), 80, 24);
    await h.waitFor((f) => f.includes('Event2'));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    // Tab through to the Config timeline link (the last one).
    let frame = '';
    for (let i = 0; i < links.length; i++) frame = await h.press(KEYS.tab);
    frame = await h.waitFor((f) => lines(f).some((l) => l.includes('Config') && l.startsWith(' ›')));
    expect(fitsTerminal(frame, 80, 24)).toBe(true);
    const marked = lines(frame).filter((l) => l.startsWith(' ›'));
    expect(marked.length).toBeGreaterThanOrEqual(3);
    // The marked lines hold the whole URL, in order, with no ellipsis.
    expect(marked.map((l) => l.slice(19).trimEnd()).join('')).toBe(config);
    expect(marked.join('')).not.toContain('…');
  });

  it('says so on the status line when the JSON is too big to copy', async () => {
    const big = { eventName: 'Big', blob: 'x'.repeat(200_000) };
    const h = mount(storeWith(makeRows(2)), 100, 30, { readRecord: async () => big });
    await h.waitFor((f) => f.includes('Event1'));
    await h.press('v', (f) => f.includes('"eventName"'));
    await h.press('y', (f) => f.includes('Not copied'));
    expect(h.stdout.clipboard).toHaveLength(0);
  });
});

describe('query bar', () => {
  it('filters as you type, keeps a valid query on Enter, shows parse errors while the last valid query stays applied', async () => {
    const store = storeWith(makeRows(30));
    const h = mount(store);
    await h.waitFor((f) => f.includes('Event29'));
    await h.press('/');
    for (const ch of 'name:Event1*') h.stdin.write(ch);
    let frame = await h.waitFor((f) => f.includes('11 of 30 events'));
    expect(frame).not.toContain('Event29');
    await h.press(KEYS.enter, (f) => f.includes('Enter details'));

    await h.press('/');
    for (const ch of ' badfield:x') h.stdin.write(ch);
    frame = await h.waitFor((f) => f.includes("unknown field 'badfield'"));
    expect(frame).toContain('11 of 30 events');
    await h.press(KEYS.escape, (f) => !f.includes('badfield'));
    expect(h.frame()).toContain('name:Event1*');
  });

  it('applies a valid draft at once but shows a parse error only once typing pauses', async () => {
    const store = storeWith(makeRows(30));
    const h = mount(store);
    await h.waitFor((f) => f.includes('Event29'));
    await h.press('/');
    h.stdin.write('name:Event1*');
    await h.waitFor((f) => f.includes('11 of 30 events'));
    h.stdin.write(' user:');
    // A half-typed term is not flagged while typing may still go on...
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.frame()).not.toContain('empty value for user:');
    // ...but is once it has stood still past the delay, with the last valid query still applied.
    const frame = await h.waitFor((f) => f.includes('empty value for user:'));
    expect(frame).toContain('11 of 30 events');
    h.stdin.write('nobody');
    await h.waitFor((f) => f.includes('No events match') && !f.includes('empty value for user:'));
  });

  it('says Enter and m found no event on an empty list, rather than ignoring the keys', async () => {
    const h = mount(storeWith(makeRows(30)));
    await h.waitFor((f) => f.includes('Event29'));
    await h.press('/');
    h.stdin.write('name:NoSuchCall');
    await h.press(KEYS.enter, (f) => f.includes('No events match'));
    await h.press(KEYS.enter, (f) => f.includes('No event to open'));
    await h.press('m', (f) => f.includes('No event to mark'));
  });

  it('survives a pasted colour code and a device-status request, which Ink 6.8 reads as unnamed Ctrl keys', async () => {
    const h = mount(storeWith(makeRows(30)));
    guardKeyInput(h.stdin); // as run.tsx guards process.stdin
    await h.waitFor((f) => f.includes('Event29'));
    await h.press('/');
    h.stdin.write('\u001b[31mname:Event1*\u001b[0m');
    await h.waitFor((f) => f.includes('11 of 30 events'));
    h.stdin.write('\u001b[6n');
    await h.press(KEYS.enter, (f) => f.includes('Enter details'));
    expect(h.frame()).toContain('Query / name:Event1*');
  });

  it('treats DEL bytes as backspaces and drops other control characters', async () => {
    const store = storeWith(makeRows(30));
    const h = mount(store);
    await h.waitFor((f) => f.includes('Event29'));
    await h.press('/');
    h.stdin.write('Event2x');
    h.stdin.write('\u007f\u007f\u007f'); // three backspaces in one chunk
    h.stdin.write('\u001b[31m'.slice(1)); // an escape sequence minus ESC: printable, kept
    h.stdin.write('\u0007');
    const frame = await h.waitFor((f) => f.includes('Query / Even[31m'));
    expect(frame).not.toContain('\u0007');
  });

  it('deletes a word with Ctrl-W and up to the cursor with Ctrl-U', async () => {
    const h = mount(storeWith(makeRows(5)));
    await h.waitFor((f) => f.includes('Enter details'));
    await h.press('/user:alice name:x', (f) => f.includes('Query / user:alice name:x'));
    let frame = await h.press('\u0017', (f) => !f.includes('name:x'));
    expect(frame).toContain('Query / user:alice ');
    // "user:alic|e ": only what is before the cursor goes, and the cursor lands at the start.
    frame = await h.press(`${KEYS.left}${KEYS.left}\u0015`, (f) => !f.includes('user:ali'));
    expect(frame).toMatch(/^Query \/ ▏e\s*$/m);
  });

  it('says which values a fuzzy word matched while editing', async () => {
    const rows = makeRows(6).map((row, i) => refreshText(Object.assign(row, { name: i % 2 ? 'AssumeRole' : 'GetObject' })));
    const h = mount(storeWith(rows));
    await h.waitFor((f) => f.includes('GetObject'));
    await h.press('/');
    for (const ch of 'assumrole') h.stdin.write(ch);
    const frame = await h.waitFor((f) => f.includes('assumrole ~ AssumeRole') && f.includes('3 of 6 events'));
    expect(frame).not.toContain('GetObject');
  });

  it('can be set programmatically through the controller', async () => {
    const store = storeWith(makeRows(30));
    let controller: AppController | null = null;
    const h = mount(store, 100, 30, { onController: (c: AppController) => (controller = c) });
    await h.waitFor((f) => f.includes('Event29'));
    controller!.setQuery('name:Event7');
    await h.waitFor((f) => f.includes('1 of 30 events'));
  });
});

describe('help overlay', () => {
  it('lists every key of the keymap', async () => {
    const h = mount(storeWith(makeRows(3)), 160, 200);
    await h.waitFor((f) => f.includes('Event2'));
    const frame = await h.press('?', (f) => f.includes('Help'));
    for (const binding of KEYMAP) {
      expect(frame).toContain(`${binding.label} `);
      expect(frame).toContain(binding.description);
    }
    await h.press(KEYS.escape, (f) => !f.includes(' Help'));
  });

  it('names every key a binding answers to in its label or description (= zooms in, Ctrl-F pages down ...)', () => {
    const NAMED: Record<string, string> = { upArrow: '↑', downArrow: '↓', leftArrow: '←', rightArrow: '→', pageUp: 'PgUp', pageDown: 'PgDn', home: 'Home', end: 'End', return: 'Enter', escape: 'Esc', tab: 'Tab' };
    const unnamed: string[] = [];
    for (const binding of KEYMAP) {
      const text = `${binding.label} ${binding.description}`;
      for (const spec of binding.keys) {
        const name = spec.named ? `${spec.shift ? 'S-' : ''}${NAMED[spec.named]}` : spec.ctrl ? `Ctrl-${spec.char!.toUpperCase()}` : spec.char === ' ' ? 'Space' : spec.char!;
        if (!text.includes(name)) unnamed.push(`${binding.action}: ${name}`);
      }
    }
    expect(unnamed).toEqual([]);
  });
});

describe('layout', () => {
  it('fits 80x24 without Region and Source IP, and shows them at 200 columns', async () => {
    const narrow = mount(storeWith(makeRows(40)), 80, 24);
    let frame = await narrow.waitFor((f) => f.includes('Event39'));
    expect(fitsTerminal(frame, 80, 24)).toBe(true);
    expect(frame).not.toContain('Source IP');
    expect(frame).toContain('Event time');

    const wide = mount(storeWith(makeRows(40)), 200, 60);
    frame = await wide.waitFor((f) => f.includes('Event39'));
    expect(fitsTerminal(frame, 200, 60)).toBe(true);
    expect(frame).toContain('Region');
    expect(frame).toContain('Source IP');
    expect(frame).toContain('203.0.113.7');
  });

  it('shows the year in the short times at 80 columns when the list spans years, and not otherwise', async () => {
    // Three events either side of a new year, newest first: 2024-01-01 00:00:01 ... 2023-12-31 23:59:58.
    const rows = makeRows(6, Date.UTC(2023, 11, 31, 23, 59, 56));
    const h = mount(storeWith(rows), 80, 24);
    const frame = await h.waitFor((f) => f.includes('Event5'));
    expect(fitsTerminal(frame, 80, 24)).toBe(true);
    const times = lines(frame).filter((l) => /Event\d/.test(l)).map((l) => l.slice(2, 18));
    expect(times).toEqual(['2024-01-01 00:00', '2024-01-01 00:00', '2023-12-31 23:59', '2023-12-31 23:59', '2023-12-31 23:59', '2023-12-31 23:59']);
    // Narrowed to one year by a query: the short form with seconds again.
    const narrowed = await h.press('/name:Event1\r', (f) => !f.includes('Event5') && f.includes('Event1'));
    expect(lines(narrowed).find((l) => /^[› ]. ?\d.*Event1/.test(l))!.slice(2, 16)).toBe('12-31 23:59:57');
  });

  it('counts one event in the singular and keeps AccessDenied whole at 80 columns', async () => {
    const h = mount(storeWith([makeRow({ errorCode: 'AccessDenied' })]), 80, 24);
    const frame = await h.waitFor((f) => f.includes('1 event '));
    expect(frame).not.toContain('1 events');
    expect(selectedLine(frame)).toContain('AccessDenied');
  });

  it('says so when the terminal is too small, within its size', async () => {
    const h = mount(storeWith(makeRows(5)), 30, 6);
    const frame = await h.waitFor((f) => f.includes('too small'));
    expect(lines(frame).length).toBeLessThanOrEqual(5);
  });

  // The too-small note replaces the whole screen, which unmounted the download dialog: back at a usable
  // size it came back with a fresh default name, the typed one, the format and the marked-only choice lost.
  it('keeps the download form as typed through a window too small to draw it; Esc then starts the next one fresh', async () => {
    const h = mount(storeWith(makeRows(5)), 100, 30, { views: { export: ExportDialog } });
    await h.waitFor((f) => f.includes('Event4'));
    await h.press('d', (f) => f.includes('Download events'));
    await h.press('\u0015evidence/case-42.csv', (f) => f.includes('case-42.csv'));
    await h.press(KEYS.tab, (f) => f.includes('case-42.json'));
    h.stdout.resize(30, 6);
    await h.waitFor((f) => f.includes('too small'));
    h.stdout.resize(100, 30);
    let frame = await h.waitFor((f) => f.includes('Download events'));
    expect(frame).toContain('evidence/case-42.json');
    expect(frame).toMatch(/\(•\) JSON /);
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    frame = await h.press('d', (f) => f.includes('Download events'));
    expect(frame).not.toContain('case-42');
    expect(frame).toMatch(/\(•\) CSV /);
  });

  it('redraws within the new size when the terminal shrinks', async () => {
    const h = mount(storeWith(makeRows(40)), 120, 40);
    await h.waitFor((f) => f.includes('Event39'));
    h.stdout.resize(80, 24);
    const frame = await h.waitFor((f) => lines(f).length <= 23);
    expect(fitsTerminal(frame, 80, 24)).toBe(true);
  });
});

describe('terminal safety and colour', () => {
  const hostile = '\u001b[2J\u001b]52;c;ZXZpbA==\u0007curl/7 \u202eevil';

  it('shows escape sequences from a log as harmless text in the list and the details', async () => {
    const store = storeWith([makeRow({ id: 'bad', name: 'Hostile', actor: hostile, userAgent: hostile })]);
    const h = mount(store, 120, 30);
    let frame = await h.waitFor((f) => f.includes('Hostile'));
    expect(frame).not.toContain('\u001b');
    expect(frame).toContain('\\x1b[2J');
    frame = await h.press(KEYS.enter, (f) => f.includes('User agent'));
    expect(frame).not.toContain('\u001b');
    expect(frame).not.toContain('\u202e');
    expect(frame).toContain('\\x1b]52;c;ZXZpbA==\\x07curl/7 \\u202eevil');
  });

  it('keeps rows with wide characters within the terminal width', async () => {
    const row = makeRow({
      id: 'wide',
      name: 'Wide',
      actor: '山田太郎山田太郎山田太郎',
      resources: [{ type: 'AWS::S3::Bucket', name: '🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀バケット', arn: '', accountId: '' }],
    });
    const h = mount(storeWith([row, ...makeRows(3)]), 80, 20);
    const frame = await h.waitFor((f) => f.includes('Wide'));
    expect(fitsTerminal(frame, 80, 20)).toBe(true);
    expect(frame).toContain('山田');
    expect(frame).toContain('…');
  });

  it('emits no escape codes at all with NO_COLOR, and colours without it', async () => {
    const previous = chalk.level;
    chalk.level = 3;
    try {
      const rows = () => [makeRow({ id: 'e', name: 'Failing', errorCode: 'AccessDenied' }), ...makeRows(3)];
      const plain = mount(storeWith(rows()), 100, 20, { env: { NO_COLOR: '1' } });
      let frame = await plain.waitFor((f) => f.includes('Failing'));
      frame = await plain.press(KEYS.enter, (f) => f.includes('Event details'));
      expect(frame).not.toContain('\u001b');

      const coloured = mount(storeWith(rows()), 100, 20, { env: {} });
      frame = await coloured.waitFor((f) => f.includes('Failing'));
      expect(frame).toContain('\u001b[');
    } finally {
      chalk.level = previous;
    }
  });
});

describe('time zone', () => {
  it('shows UTC by default and toggles to local time with t', async () => {
    // Wide enough for the full time beside every column.
    const h = mount(storeWith([makeRow({ id: 'tz', name: 'Zoned', time: Date.UTC(2024, 2, 5, 14, 21, 0) })]), 160, 20);
    let frame = await h.waitFor((f) => f.includes('Zoned'));
    expect(frame).toContain('2024-03-05 14:21:00');
    expect(frame).toMatch(/UTC\s*$/m);
    // The machine's zone, whatever it is (TZ may name one, not only UTC).
    frame = await h.press('t', (f) => f.includes('local ('));
    const local = new Date(Date.UTC(2024, 2, 5, 14, 21, 0));
    const hh = String(local.getHours()).padStart(2, '0');
    const mm = String(local.getMinutes()).padStart(2, '0');
    expect(frame).toContain(`${hh}:${mm}:00`);
    await h.press('t', (f) => !f.includes('local ('));
  });
});

describe('bad files', () => {
  it('counts bad and skipped files in the header and lists them with reasons on b, sanitised', async () => {
    const store = storeWith(makeRows(3));
    store.updateProgress((p) => {
      p.badFiles.push({ path: '/logs/broken.json.gz', reason: 'truncated gzip (unexpected end of file)' });
      p.skippedFiles.push({ path: '/logs/evil\u001b[2J.json', reason: 'not CloudTrail' }, { path: '/logs/README', reason: 'not JSON' });
    });
    store.flush();
    const h = mount(store);
    let frame = await h.waitFor((f) => f.includes('! 1 bad file · 2 skipped (b)'));
    frame = await h.press('b', (f) => f.includes('Files with problems'));
    expect(frame).toContain('truncated gzip (unexpected end of file)');
    expect(frame).toContain('/logs/evil\\x1b[2J.json');
    expect(frame).not.toContain('\u001b');
    await h.press(KEYS.escape, (f) => !f.includes('Files with problems'));
    // b again closes it, as T, i, h and ? close their views.
    await h.press('b', (f) => f.includes('Files with problems'));
    frame = await h.press('b', (f) => !f.includes('Files with problems'));
    expect(frame).toContain('Event2');
  });
});

describe('bad files position', () => {
  it('says which lines are shown of how many (1-N of M), as the JSON view and the help do, and follows j', async () => {
    const store = storeWith(makeRows(3));
    store.updateProgress((p) => {
      for (let i = 0; i < 30; i++) p.badFiles.push({ path: `/logs/broken-${i}.json.gz`, reason: 'truncated gzip' });
    });
    store.flush();
    const h = mount(store);
    await h.waitFor((f) => f.includes('30 bad files'));
    let frame = await h.press('b', (f) => f.includes('Files with problems'));
    // 30 files (a path and a reason each), two headings and the none under Skipped.
    expect(frame).toMatch(/Files with problems {2}1-\d+ of 63 · j\/k scroll/);
    frame = await h.press('j', (f) => /2-\d+ of 63/.test(f));
    expect(frame).toContain('broken-0.json.gz');
  });
});

describe('plug-in views', () => {
  it('hands the screen and keys to a plug-in view, which can set the query and close', async () => {
    function FakeInsights({ setQuery, rows }: PluginViewProps) {
      return <InsightsStub count={rows.length} onPick={() => setQuery('name:Event3')} />;
    }
    const store = storeWith(makeRows(10));
    const h = mount(store, 100, 30, { views: { insights: FakeInsights } });
    await h.waitFor((f) => f.includes('Event9'));
    await h.press('i', (f) => f.includes('INSIGHTS 10'));
    // The plug-in subscribes to keys in an effect, which runs just after its first frame.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.press('x', (f) => f.includes('1 of 10 events'));
  });

  it('says a missing view is coming', async () => {
    const h = mount(storeWith(makeRows(3)));
    await h.waitFor((f) => f.includes('Event2'));
    await h.press('d', (f) => f.includes('coming'));
  });
});

function InsightsStub({ count, onPick }: { count: number; onPick: () => void }) {
  useInput((input) => {
    if (input === 'x') onPick();
  });
  return <Text>INSIGHTS {count}</Text>;
}
