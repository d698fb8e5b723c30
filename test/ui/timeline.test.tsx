/**
 * The timeline in the dashboard: the strip under the header, the histogram
 * view (h), the list order (o) and marks (m, '), through the whole App.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MarkSet } from '../../src/marks/markSet.js';
import type { EventRow } from '../../src/model/types.js';
import { openFolderState } from '../../src/state/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { unicodeBlocks } from '../../src/term/glyphs.js';
import { displayWidth } from '../../src/term/width.js';
import { BUCKET_SIZES, ERROR_STACK, parseBucketSize } from '../../src/timeline/index.js';
import { App } from '../../src/ui/App.js';
import { positionOf } from '../../src/ui/listModel.js';
import { initialState, reducer } from '../../src/ui/state.js';
import { bucketInfo, legendFit } from '../../src/ui/timeline/histogramText.js';
import { axisFormat, clampToEvents, histogramWindow, initialHistogramState, selectedSpan, splitBar, spanQuery, zoom } from '../../src/ui/timeline/histogramModel.js';
import { nextMarkIndex } from '../../src/ui/timeline/marksModel.js';
import { stripHeight, stripModel } from '../../src/ui/timeline/stripModel.js';
import { tempFolder } from '../support/files.js';
import { makeRow, makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
const UTF8 = { NO_COLOR: '1', LANG: 'en_US.UTF-8' };
let open: Harness[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
  while (cleanups.length) cleanups.pop()!();
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

function fitsTerminal(frame: string, columns: number, rows: number): boolean {
  const ls = lines(frame);
  return ls.length <= rows - 1 && ls.every((line) => displayWidth(line) <= columns);
}

function selectedLine(frame: string): string {
  return lines(frame).find((line) => line.startsWith('›') || line.startsWith('»')) ?? '';
}

const T0 = Date.UTC(2024, 2, 5, 14, 0, 0);

/** A quiet hour, then a burst of AccessDenied at 14:30 and a few events after. */
function burstRows(): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < 6; i++) rows.push(makeRow({ id: `quiet-${i}`, name: `Quiet${i}`, time: T0 + i * 5 * 60_000 }));
  for (let i = 0; i < 40; i++) rows.push(makeRow({ id: `burst-${i}`, name: `Denied${i}`, errorCode: 'AccessDenied', time: T0 + 30 * 60_000 + i * 1000 }));
  for (let i = 0; i < 4; i++) rows.push(makeRow({ id: `late-${i}`, name: `Late${i}`, time: T0 + 50 * 60_000 + i * 60_000 }));
  return rows;
}

describe('the strip (model)', () => {
  const newestFirst = [...burstRows()].sort((a, b) => b.time - a.time);

  it('one cell per bucket within the width, the cursor bucket and the error buckets told apart without colour', () => {
    const model = stripModel(newestFirst, { width: 80, zone: 'utc', cursorTime: T0 + 30 * 60_000 + 5000, ascii: false, plain: true })!;
    const line = model.prefix + model.cells.map((c) => c.glyph).join('') + model.suffix;
    expect(displayWidth(line)).toBeLessThanOrEqual(80);
    expect(model.size.label).toBe('1m');
    expect(model.cells.filter((c) => c.cursor)).toHaveLength(1);
    expect(model.cells.find((c) => c.cursor)!.glyph).toBe('┃');
    // The burst's minute is an error bucket; the quiet ones are heights.
    expect(model.cells.filter((c) => c.error).length).toBe(1);
    expect(model.cells[0]!.glyph).toMatch(/[▁▂▃▄▅▆▇█]/);
    // Empty minutes are blank cells.
    expect(model.cells[1]!.glyph).toBe(' ');
    expect(model.suffix.trim()).toBe('40');
  });

  it('ASCII only when asked (TERM=linux, a locale that is not UTF-8), colour marks instead of glyphs when on', () => {
    const ascii = stripModel(newestFirst, { width: 60, zone: 'utc', ascii: true, plain: false })!;
    expect(ascii.cells.map((c) => c.glyph).join('')).toMatch(/^[ _.:\-=+*#]+$/);
    expect(ascii.cells.some((c) => c.error && c.glyph === '#')).toBe(true);
    expect(unicodeBlocks({ LANG: 'en_US.UTF-8' })).toBe(true);
    expect(unicodeBlocks({ LANG: 'en_US.UTF-8', TERM: 'linux' })).toBe(false);
    expect(unicodeBlocks({ LC_ALL: 'C', LANG: 'en_US.UTF-8' })).toBe(false);
    expect(unicodeBlocks({})).toBe(false);
  });

  it('covers the whole span with weeks or months when days do not fit; hidden under 16 rows', () => {
    const long = [makeRow({ time: Date.UTC(2024, 10, 1) }), makeRow({ time: Date.UTC(2024, 0, 1) })];
    const model = stripModel(long, { width: 40, zone: 'utc', ascii: false, plain: true })!;
    expect(model.buckets[0]!.start).toBeLessThanOrEqual(Date.UTC(2024, 0, 1));
    expect(model.buckets[model.buckets.length - 1]!.end).toBeGreaterThan(Date.UTC(2024, 10, 1));
    expect(stripModel([], { width: 40, zone: 'utc', ascii: false, plain: true })).toBeNull();
    expect(stripHeight(15)).toBe(0);
    expect(stripHeight(16)).toBe(1);
  });

  it('marks a span longer than its cells in months, whose oldest events it cannot draw', () => {
    const years = [makeRow({ time: Date.UTC(2022, 10, 10) }), makeRow({ time: Date.UTC(2014, 2, 6) })];
    const cut = stripModel(years, { width: 80, zone: 'utc', ascii: false, plain: true })!;
    expect(cut.buckets[0]!.start).toBeGreaterThan(Date.UTC(2014, 2, 6));
    expect(cut.prefix).toBe('1mo‹');
    expect(stripModel(years, { width: 80, zone: 'utc', ascii: true, plain: true })!.prefix).toBe('1mo<');
    expect(stripModel(years, { width: 160, zone: 'utc', ascii: false, plain: true })!.prefix).toBe('1mo ');
  });
});

describe('the histogram (model)', () => {
  it('labels the axis with the date when it changes and the year when asked', () => {
    const five = parseBucketSize('5m')!;
    const axis = axisFormat(five, 'utc', false);
    expect(axis.label(T0, null)).toBe('03-05 14:00');
    expect(axis.label(T0 + 300_000, T0)).toBe('      14:05');
    expect(axis.label(Date.UTC(2024, 2, 6), Date.UTC(2024, 2, 5, 23, 55))).toBe('03-06 00:00');
    expect(axisFormat(five, 'utc', true).label(T0, null)).toBe('2024-03-05 14:00');
    expect(axisFormat(parseBucketSize('1s')!, 'utc', false).label(T0 + 7000, null)).toBe('03-05 14:00:07');
    expect(axisFormat(parseBucketSize('1mo')!, 'utc', false).label(T0, null)).toBe('2024-03');
  });

  it('a span becomes from:/to: on the query, replacing earlier ones and keeping the rest', () => {
    expect(spanQuery('error:* from:2020-01-01 user:alice', T0, T0 + 15 * 60_000)).toBe('error:* user:alice from:2024-03-05T14:00:00Z to:2024-03-05T14:14:59Z');
    expect(spanQuery('', T0, T0 + 1000)).toBe('from:2024-03-05T14:00:00Z to:2024-03-05T14:00:00Z');
    // Quoted text that looks like a term, and spacing inside quotes, are left as typed.
    expect(spanQuery('"from:x  y" TO:2020-01-01 name:Get*', T0, T0 + 60_000)).toBe('"from:x  y" name:Get* from:2024-03-05T14:00:00Z to:2024-03-05T14:00:59Z');
    // Only the query's own range is replaced: a from: inside an OR chain or a group is a test of its own.
    expect(spanQuery('from:2020-01-01 OR error:* (to:2021-01-01 user:x) AND -(from:2022-01-01) to:2023-01-01', T0, T0 + 60_000)).toBe(
      'from:2020-01-01 OR error:* (to:2021-01-01 user:x) AND -(from:2022-01-01) from:2024-03-05T14:00:00Z to:2024-03-05T14:00:59Z',
    );
    // An explicit AND between terms of one field is strict and side by side is either: the span keeps each as it was.
    expect(spanQuery('name:Get* AND from:2020-01-01 name:*Object user:a user:b', T0, T0 + 60_000)).toBe(
      'name:Get* AND name:*Object user:a user:b from:2024-03-05T14:00:00Z to:2024-03-05T14:00:59Z',
    );
    expect(spanQuery('from:2020-01-01 AND name:A', T0, T0 + 60_000)).toBe('name:A from:2024-03-05T14:00:00Z to:2024-03-05T14:00:59Z');
  });

  it('splits a bar among parts in proportion, a cell for any part with events', () => {
    expect(splitBar([90, 10], 100, 10)).toEqual([9, 1]);
    expect(splitBar([99, 1], 100, 10)).toEqual([9, 1]);
    expect(splitBar([0, 0], 0, 10)).toEqual([0, 0]);
    expect(splitBar([3, 3, 3], 9, 10).reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('zooming keeps the cursor on its moment, kept inside the events', () => {
    const rows = [...burstRows()].sort((a, b) => b.time - a.time);
    let s = initialHistogramState(rows, 'utc', 20, T0 + 30 * 60_000 + 20_000);
    expect(parseBucketSize('5m')!.ms).toBe(300_000);
    s = clampToEvents(zoom(zoom(s, 'utc', 'out'), 'utc', 'out'), rows, 'utc');
    s = clampToEvents(zoom(s, 'utc', 'in'), rows, 'utc');
    expect(s.cursor).toBeLessThanOrEqual(T0 + 30 * 60_000 + 20_000);
    expect(s.cursor).toBeGreaterThanOrEqual(T0);
  });

  it('zooming in lands on the first smaller bucket with events inside the old one, not on its empty start', () => {
    // A day whose events are all at 14:00-14:53 (burstRows): zoomed to 1 h from 1 d, the cursor was on 00:00,
    // fourteen empty lines above the burst, and on down the burst left the screen.
    const rows = [...burstRows()].sort((a, b) => b.time - a.time);
    const dayIndex = BUCKET_SIZES.findIndex((size) => size.label === '1d');
    const day = { sizeIndex: dayIndex, cursor: Date.UTC(2024, 2, 5), cursorRow: 3, anchor: null, stack: 'errors' as const };
    let s = zoom(day, 'utc', 'in', rows);
    expect(BUCKET_SIZES[s.sizeIndex]!.label).toBe('12h');
    expect(new Date(s.cursor).toISOString()).toBe('2024-03-05T12:00:00.000Z');
    for (let i = 0; i < 3; i++) s = zoom(s, 'utc', 'in', rows);
    expect(BUCKET_SIZES[s.sizeIndex]!.label).toBe('1h');
    expect(new Date(s.cursor).toISOString()).toBe('2024-03-05T14:00:00.000Z');
    // Without rows (or with none inside), the first smaller bucket, as before.
    expect(new Date(zoom(day, 'utc', 'in').cursor).toISOString()).toBe('2024-03-05T00:00:00.000Z');
    // A span keeps the time it covers.
    expect(new Date(zoom({ ...day, anchor: day.cursor }, 'utc', 'in', rows).cursor).toISOString()).toBe('2024-03-05T00:00:00.000Z');
  });

  it('zooming in from a month lands on the first week inside it, not the Monday before the 1st', () => {
    const month = BUCKET_SIZES.findIndex((size) => size.label === '1mo');
    const november = Date.UTC(2024, 10, 1); // a Friday: its week began on Monday 10-28
    const s = zoom({ sizeIndex: month, cursor: november, cursorRow: 3, anchor: null, stack: 'errors' }, 'utc', 'in');
    expect(BUCKET_SIZES[s.sizeIndex]!.label).toBe('1w');
    expect(new Date(s.cursor).toISOString()).toBe('2024-11-04T00:00:00.000Z');
    // Out again: the month that holds that week.
    expect(new Date(zoom(s, 'utc', 'out').cursor).toISOString()).toBe('2024-11-01T00:00:00.000Z');
  });

  it('zooming in on a span keeps the time it covers, whichever end the cursor is on', () => {
    const hours3 = BUCKET_SIZES.findIndex((size) => size.label === '3h');
    const at = (h: number) => Date.UTC(2026, 10, 24, h);
    const iso = (t: number) => new Date(t).toISOString().slice(11, 16);
    const covered = (state: Parameters<typeof zoom>[0]) => {
      const span = selectedSpan(state, 'utc')!;
      return `${iso(span.start)}-${iso(span.end)}`;
    };
    // v pressed on 15:00, the cursor moved up to 06:00: the span is 06:00-18:00.
    const up = { sizeIndex: hours3, cursor: at(6), cursorRow: 3, anchor: at(15), stack: 'errors' as const };
    expect(covered(up)).toBe('06:00-18:00');
    const upIn = zoom(up, 'utc', 'in');
    expect(BUCKET_SIZES[upIn.sizeIndex]!.label).toBe('1h');
    expect(covered(upIn)).toBe('06:00-18:00');
    expect(iso(upIn.cursor)).toBe('06:00');
    // v pressed on 06:00, the cursor moved down to 15:00: the cursor goes to the span's last hour.
    const down = { ...up, cursor: at(15), anchor: at(6) };
    const downIn = zoom(down, 'utc', 'in');
    expect(covered(downIn)).toBe('06:00-18:00');
    expect(iso(downIn.cursor)).toBe('17:00');
    // One bucket: the cursor on its first hour, the span its three.
    const one = zoom({ ...up, cursor: at(9), anchor: at(9) }, 'utc', 'in');
    expect(covered(one)).toBe('09:00-12:00');
    expect(iso(one.cursor)).toBe('09:00');
    // Out again: the larger buckets holding both ends.
    expect(covered(zoom(downIn, 'utc', 'out'))).toBe('06:00-18:00');
  });

  it('keeps the cursor on screen when the terminal gets shorter (cursorRow kept from a taller view)', () => {
    const rows = makeRows(30, T0).sort((a, b) => b.time - a.time);
    const tall = initialHistogramState(rows, 'utc', 40, T0 + 29_000); // 1 s buckets, cursor on the last: row 29
    expect(tall.cursorRow).toBe(29);
    const win = histogramWindow(rows, tall, 'utc', 5, ERROR_STACK);
    expect(win).not.toBeNull();
    expect(win!.histogram.buckets.length).toBe(5);
    expect(win!.cursorIndex).toBe(4);
    expect(win!.histogram.buckets[win!.cursorIndex]!.start).toBe(tall.cursor);
  });

  it('the legend shows IAM Identity Center users by their session (SSO/person), as the list does, not five AWSReserv…', () => {
    const people = ['alice', 'bob', 'carol', 'dave', 'erin'];
    const parts = people.map((person, i) => `AWSReservedSSO_AdministratorAccess_1b74cd717d47002${i}/${person}`).concat('Other');
    const names = legendFit(parts, 80).items.map((item) => item.name);
    expect(names).toEqual(['SSO/alice', 'SSO/bob', 'SSO/carol', 'SSO/dave', 'SSO/erin', 'Other']);
    // Narrower, cut from the end as other names are.
    expect(legendFit(parts, 60).items[0]!.name).toMatch(/^SSO\/\w*…?$/);
  });

  it('the legend never shows two users as the same cut name (four stratus-r… roles at 80 columns)', () => {
    // The stratus-red-team data set under error:*, split by user.
    const roles = ['ec2-get-password-data-role', 'get-usr-data-role', 'ec2lui-role-idtzskbvtd', 'leave-org-role'];
    const parts = [...roles.map((role, i) => `stratus-red-team-${role}/aws-go-sdk-172237507011515200${i}`), 'christophe', 'Other'];
    const fit = legendFit(parts, 80);
    expect(fit.more).toBe(0);
    const names = fit.items.map((item) => item.name);
    expect(new Set(names).size).toBe(parts.length);
    expect(names[0]).toMatch(/^…ec2-get/);
    expect(names[3]).toMatch(/^…leave-or/);
    expect(names.slice(4)).toEqual(['christophe', 'Other']);
    // The bucket's line under the bars names them the same way.
    const info = bucketInfo({ start: 0, end: 3_600_000, count: 2, parts: [1, 0, 1, 0, 0, 0] }, parts, parseBucketSize('1h')!, 'utc', 200);
    expect(info).toContain('…ec2-get-password-d… 1');
    expect(info).toContain('…ec2lui-role-idtzsk… 1');
  });

  it('the legend keeps whole entries and counts the rest', () => {
    const parts = ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'sts.amazonaws.com', 'kms.amazonaws.com', 'Other'];
    const fit = legendFit(parts, 40);
    expect(fit.items.length).toBeGreaterThan(0);
    expect(fit.items.length + fit.more).toBe(6);
    const width = fit.items.reduce((w, item) => w + 4 + displayWidth(item.name), 0) + (fit.more ? 8 : 0);
    expect(width).toBeLessThanOrEqual(40);
    expect(legendFit(parts, 300).more).toBe(0);
  });

  it('the legend cuts the longest names first so six parts fit 80 columns, and drops entries only below that', () => {
    const parts = ['orders-api-role/orders-session-1234', 'alice', 'build-bot', 'carol', 'ci-deployer/gha-run-987654', 'Other'];
    const fit = legendFit(parts, 80);
    expect(fit.more).toBe(0);
    expect(fit.items.map((item) => item.name)).toEqual(['orders-api-role…', 'alice', 'build-bot', 'carol', 'ci-deployer/gha…', 'Other']);
    const width = fit.items.reduce((w, item) => w + 4 + displayWidth(item.name), 0);
    expect(width).toBeLessThanOrEqual(80);
    // Names no shorter than six cells: narrower still, entries give way to +N more.
    const narrow = legendFit(parts, 40);
    expect(narrow.more).toBeGreaterThan(0);
    expect(narrow.items.every((item) => displayWidth(item.name) >= 6 || item.name === parts[item.index])).toBe(true);
  });
});

describe('the histogram view and the strip in the dashboard', () => {
  it('h opens the view at the cursor: empty buckets shown, counts per line, zoom, a span, Enter narrows the list, [ goes back', async () => {
    const h = mount(storeWith(burstRows()), 100, 30);
    await h.waitFor((f) => f.includes('Late3'));
    let frame = await h.press('h', (f) => f.includes('Histogram'));
    // The whole span fits on the screen: 5 minute buckets, the cursor on the list cursor's (the newest) bucket.
    expect(frame).toContain('Histogram 5m');
    expect(selectedLine(frame)).toMatch(/14:50 \|#+\s+4$/);
    // Empty buckets are drawn with a count of 0; errors have their own glyph without colour.
    expect(frame).toMatch(/14:35 \|\s+0/);
    expect(frame).toMatch(/14:30 \|!+\s+40/);
    // Bars scale to the largest bucket on screen, and the title says so.
    expect(frame).toContain('longest bar = 40 on screen');
    // Up to the burst, then zoom in on it.
    for (let i = 0; i < 4; i++) frame = await h.press('k');
    expect(selectedLine(frame)).toContain('14:30');
    frame = await h.press('+', (f) => f.includes('Histogram 1m'));
    expect(frame).toMatch(/14:31 \|\s+0/);
    expect(selectedLine(frame)).toMatch(/14:30 \|!+\s+40$/);
    frame = await h.press('+', (f) => f.includes('Histogram 30s'));
    frame = await h.press('+', (f) => f.includes('Histogram 15s'));
    expect(selectedLine(frame)).toMatch(/14:30:00 \|!+\s+15$/);
    expect(frame).toContain('longest bar = 15 on screen');
    frame = await h.press('v', (f) => f.includes('Enter lists them'));
    frame = await h.press('j', (f) => /30 events/.test(f));
    frame = await h.press(KEYS.enter, (f) => f.includes('from:2024-03-05T14:30:00Z to:2024-03-05T14:30:29Z') && f.includes('30 of 50 events'));
    expect(frame).toContain('Denied29');
    expect(frame).not.toContain('Late0');
    frame = await h.press('[', (f) => f.includes('Late3') && !f.includes('of 50 events'));
    expect(frame).not.toContain('from:');
  });

  it('Tab splits the bars by a field, with a legend (no Other when every value has its part); Esc closes', async () => {
    const rows = burstRows().map((row, i) => ({ ...row, source: i % 2 ? 's3.amazonaws.com' : 'iam.amazonaws.com' }));
    const h = mount(storeWith(rows), 100, 30);
    await h.waitFor((f) => f.includes('Late3'));
    let frame = await h.press('h', (f) => f.includes('Histogram'));
    frame = await h.press(KEYS.tab, (f) => f.includes('by event source'));
    expect(frame).toMatch(/# (s3|iam) {2}= (s3|iam)\s*$/m);
    expect(frame).not.toContain('Other');
    frame = await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
    expect(frame).toContain('Late3');
  });

  it('fits 40x12, 80x24 and 300x80 with the strip and the view; the strip is shown from 16 rows', async () => {
    for (const [cols, rowsN] of [
      [40, 12],
      [80, 24],
      [300, 80],
    ] as const) {
      for (const env of [PLAIN, UTF8, {}]) {
        const h = mount(storeWith(burstRows()), cols, rowsN, { env });
        let frame = await h.waitFor((f) => f.includes('Late3'));
        expect(fitsTerminal(frame, cols, rowsN)).toBe(true);
        const strip = lines(frame)[1]!;
        if (rowsN >= 16) expect(strip).toMatch(/^\d+[smh] /);
        else expect(strip).not.toMatch(/^\d+[smh] /);
        frame = await h.press('h', (f) => f.includes('Histogram'));
        expect(fitsTerminal(frame, cols, rowsN)).toBe(true);
        frame = await h.press(KEYS.tab, (f) => f.includes('by event source'));
        expect(fitsTerminal(frame, cols, rowsN)).toBe(true);
        // Every bucket line ends with its count: nothing cut at the right.
        for (const line of lines(frame).filter((l) => /[|│]/.test(l) && /\d\d:\d\d/.test(l))) expect(line).toMatch(/\d$/);
      }
    }
  });

  it('follows live data: new events show in the strip and the view', async () => {
    const store = storeWith(burstRows());
    const h = mount(store, 100, 30);
    await h.waitFor((f) => f.includes('Late3'));
    let frame = await h.press('h', (f) => f.includes('Histogram'));
    expect(frame).toMatch(/14:50 \|#+\s+4/);
    expect(lines(frame)[1]!.trimEnd()).toMatch(/ 40$/);
    store.add(Array.from({ length: 50 }, (_, i) => makeRow({ id: `new-${i}`, time: T0 + 53 * 60_000 + i * 100 })));
    store.flush();
    frame = await h.waitFor((f) => /14:50 \|#+\s+54/.test(f));
    expect(frame).toContain('Histogram');
    // The strip follows too: the newest minute is now the busiest (1 + 50).
    expect(lines(frame)[1]!.trimEnd()).toMatch(/ 51$/);
  });

  it('shows the strip marks without escape codes under NO_COLOR', async () => {
    const h = mount(storeWith(burstRows()), 100, 30, { env: UTF8 });
    const frame = await h.waitFor((f) => f.includes('Late3'));
    expect(frame).not.toContain('\u001b');
    const strip = lines(frame)[1]!;
    expect(strip).toContain('!');
    // Following: the cursor is on the newest event, in the last bucket.
    expect(strip.trimEnd()).toMatch(/┃\s+40$/);
  });
});

describe('list order (o)', () => {
  it('reducer: toggling keeps the anchor; g/G keep their meaning, the newest end follows', () => {
    const rows = makeRows(50);
    const newestFirst = [...rows].reverse();
    let s = reducer(initialState(''), { type: 'move', rows: newestFirst, to: 10, height: 20 });
    const anchor = s.anchor;
    s = reducer(s, { type: 'toggleOrder' });
    expect(s.order).toBe('oldest');
    expect(s.anchor).toBe(anchor);
    // In the oldest-first list the last row is the newest: moving there follows.
    s = reducer(s, { type: 'move', rows, to: 49, height: 20 });
    expect(s.follow).toBe(true);
    expect(positionOf(rows, rows[7]!, 'oldest')).toBe(7);
  });

  it('o shows the oldest first, keeps the selected event in view, and G/g still mean bottom/top', async () => {
    const h = mount(storeWith(makeRows(200)), 100, 30);
    let frame = await h.waitFor((f) => selectedLine(f).includes('Event199 '));
    for (let i = 0; i < 5; i++) frame = await h.press('j');
    expect(selectedLine(frame)).toContain('Event194 ');
    frame = await h.press('o', (f) => f.includes('Oldest first'));
    expect(selectedLine(frame)).toContain('Event194 ');
    const listLines = lines(frame).filter((l) => /Event\d+ /.test(l));
    // Older rows above, newer below.
    const names = listLines.map((l) => Number(/Event(\d+) /.exec(l)![1]));
    expect(names).toEqual([...names].sort((a, b) => a - b));
    frame = await h.press('j', (f) => selectedLine(f).includes('Event195 '));
    frame = await h.press('g', (f) => selectedLine(f).includes('Event0 '));
    frame = await h.press('G', (f) => selectedLine(f).includes('Event199 '));
    expect(frame).toContain('following');
    frame = await h.press('o', (f) => f.includes('Newest first'));
    expect(lines(frame).find((l) => /Event\d+ /.test(l))).toContain('Event199 ');
  });
});

describe('new events while reading oldest first', () => {
  it('arrive at the bottom: the header points down, the cursor stays', async () => {
    const store = storeWith(makeRows(50));
    const h = mount(store, 100, 30);
    let frame = await h.waitFor((f) => selectedLine(f).includes('Event49 '));
    frame = await h.press('o', (f) => f.includes('Oldest first'));
    frame = await h.press('k', (f) => selectedLine(f).includes('Event48 '));
    store.add([makeRow({ id: 'late-a', name: 'Arrived', time: Date.UTC(2024, 2, 6) }), makeRow({ id: 'late-b', name: 'Arrived', time: Date.UTC(2024, 2, 6, 0, 0, 1) })]);
    store.flush();
    frame = await h.waitFor((f) => f.includes('paused ▼ 2 new (f)'));
    expect(selectedLine(frame)).toContain('Event48 ');
    frame = await h.press('G', (f) => selectedLine(f).includes('Arrived'));
    expect(frame).toContain('following');
  });
});

describe('marks (m and \')', () => {
  it("m marks with * in the gutter (» under the cursor), ' jumps to the next mark and wraps", async () => {
    const h = mount(storeWith(makeRows(60)), 100, 30);
    let frame = await h.waitFor((f) => selectedLine(f).includes('Event59 '));
    frame = await h.press('j', (f) => selectedLine(f).includes('Event58 '));
    frame = await h.press('m', (f) => f.includes('Marked'));
    expect(selectedLine(frame)).toMatch(/^» .*Event58 /);
    for (let i = 0; i < 3; i++) frame = await h.press('j');
    frame = await h.press('m', (f) => lines(f).some((l) => /^» .*Event55 /.test(l)));
    frame = await h.press('g', (f) => selectedLine(f).includes('Event59 '));
    expect(lines(frame).find((l) => l.includes('Event58 '))).toMatch(/^\* /);
    frame = await h.press("'", (f) => selectedLine(f).includes('Event58 '));
    frame = await h.press("'", (f) => selectedLine(f).includes('Event55 '));
    frame = await h.press("'", (f) => selectedLine(f).includes('Event58 '));
    // Unmark.
    frame = await h.press('m', (f) => f.includes('Mark removed'));
    expect(selectedLine(frame)).toMatch(/^› .*Event58 /);
  });

  it('mark:* lists the marked events, and follows marks made while it is applied', async () => {
    const h = mount(storeWith(makeRows(30)), 100, 30);
    let frame = await h.waitFor((f) => selectedLine(f).includes('Event29 '));
    frame = await h.press('m', (f) => f.includes('Marked'));
    for (let i = 0; i < 4; i++) frame = await h.press('j');
    frame = await h.press('m', (f) => lines(f).some((l) => /^» .*Event25 /.test(l)));
    frame = await h.press('/mark:*\r', (f) => f.includes('2 of 30 events'));
    expect(lines(frame).filter((l) => /Event\d+ /.test(l)).map((l) => /Event(\d+) /.exec(l)![1])).toEqual(['29', '25']);
    // Unmarking under the query drops the row from the list.
    frame = await h.press('m', (f) => f.includes('1 of 30 events'));
  });

  it('are kept per folder with the query history, and come back in the next run', async () => {
    const { dir, remove } = tempFolder('trailtop-marks-');
    cleanups.push(remove);
    const env = { XDG_STATE_HOME: dir };
    const rows = makeRows(20);
    const first = openFolderState('/logs/a', { enabled: true, env });
    const h = mount(storeWith(rows), 100, 30, { folderState: first });
    await h.waitFor((f) => selectedLine(f).includes('Event19 '));
    await h.press('m', (f) => f.includes('Marked'));
    expect(first.marks()).toEqual([rows[19]!.id]);
    const again = openFolderState('/logs/a', { enabled: true, env });
    expect(again.marks()).toEqual([rows[19]!.id]);
    const h2 = mount(storeWith(rows), 100, 30, { folderState: again });
    const frame = await h2.waitFor((f) => selectedLine(f).includes('Event19 '));
    expect(selectedLine(frame)).toMatch(/^» /);
  });

  it('next mark from the marks, not the rows: filtered-out marks are skipped, order respected', () => {
    const rows = makeRows(10);
    const newestFirst = [...rows].reverse();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const marks = new MarkSet([rows[2]!.id, rows[7]!.id, 'gone']);
    expect(nextMarkIndex(newestFirst, 0, marks.set(), (id) => byId.get(id), 'newest')).toBe(2);
    expect(nextMarkIndex(newestFirst, 2, marks.set(), (id) => byId.get(id), 'newest')).toBe(7);
    expect(nextMarkIndex(newestFirst, 7, marks.set(), (id) => byId.get(id), 'newest')).toBe(2);
    expect(nextMarkIndex(rows, 0, marks.set(), (id) => byId.get(id), 'oldest')).toBe(2);
    expect(nextMarkIndex(newestFirst.slice(0, 5), 0, marks.set(), (id) => byId.get(id), 'newest')).toBe(2);
    expect(nextMarkIndex(newestFirst.slice(0, 2), 0, marks.set(), (id) => byId.get(id), 'newest')).toBe(-1);
    const saved: string[][] = [];
    const m = new MarkSet([], (ids) => saved.push([...ids]));
    expect(m.toggle('a')).toBe(true);
    expect(m.toggle('b')).toBe(true);
    expect(m.toggle('a')).toBe(false);
    expect(saved).toEqual([['a'], ['a', 'b'], ['b']]);
  });
});

describe('the line under the bars', () => {
  it('names the bucket or span shortly: dates only where they change, the last day of whole-day spans', async () => {
    const { spanText } = await import('../../src/ui/timeline/histogramModel.js');
    const m5 = parseBucketSize('5m')!;
    const d1 = parseBucketSize('1d')!;
    expect(spanText(T0, T0 + 300_000, m5, 'utc')).toBe('03-05 14:00–14:05');
    expect(spanText(Date.UTC(2024, 2, 5, 23, 55), Date.UTC(2024, 2, 6), m5, 'utc')).toBe('03-05 23:55–03-06 00:00');
    expect(spanText(Date.UTC(2024, 2, 5), Date.UTC(2024, 2, 6), d1, 'utc')).toBe('2024-03-05');
    expect(spanText(Date.UTC(2024, 2, 5), Date.UTC(2024, 2, 9), d1, 'utc')).toBe('2024-03-05–03-08');
    expect(spanText(Date.UTC(2023, 11, 31), Date.UTC(2024, 0, 2), d1, 'utc')).toBe('2023-12-31–2024-01-01');
  });
});
