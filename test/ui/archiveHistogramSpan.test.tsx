/**
 * `v` in the --db dashboard's histogram: a span of buckets from where `v` was
 * pressed to the cursor, drawn (┃, | in ASCII) and counted under the bars as the folder's is; Enter lists
 * it with from:/to: as the folder dashboard's span does, a step `[` comes
 * back from; v again or Esc drops it. Keys in one burst (h v k k Enter) act
 * on the buckets the histogram brings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { queryOf } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';

/** 40 events an hour apart from 2024-03-05 10:00 UTC, every 4th an error. */
function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 40; k++) {
    out.push({
      eventID: `ev-${String(k).padStart(4, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 3_600_000).toISOString().replace('.000Z', 'Z'),
      eventName: `Call${String(k).padStart(2, '0')}`,
      eventSource: 's3.amazonaws.com',
      ...(k % 4 === 0 ? { errorCode: 'AccessDenied' } : {}),
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    });
  }
  return out;
}

const idle = (f: string) => !f.includes('querying…') && !f.includes('reading…') && !f.includes('counting…');
/** The span's lines other than the cursor's (` |` in the gutter: no UTF-8 locale in the test's env). */
const spanLines = (f: string) => f.split('\n').filter((l) => /^ [┃|]/.test(l));

describe('v in the --db histogram', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} holdKeysMs={60_000} />, 80, 24);
    await h.waitFor((f) => f.includes('Call39') && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('v k k draws a span of three buckets and counts it; Esc drops it and leaves the histogram open', async () => {
    await h.press('h', (f) => idle(f) && f.includes('Histogram 3h'));
    const frame = await h.press('vkk', (f) => f.includes('span: 8 events'));
    // 3h buckets: the newest three are 03-06 18:00 (Call32-34), 21:00 (Call35-37) and 03-07 00:00 (Call38-39).
    expect(frame).toContain('span: 8 events · 03-06 18:00–03-07 03:00 · Enter lists them');
    expect(spanLines(frame)).toHaveLength(2);
    const dropped = await h.press(KEYS.escape, (f) => !f.includes('span:'));
    expect(dropped).toContain('Histogram');
    expect(spanLines(dropped)).toHaveLength(0);
    // v again drops it too.
    // The cursor stayed on 03-06 18:00 (Call32-34).
    await h.press('v', (f) => f.includes('span: 3 events'));
    await h.press('v', (f) => !f.includes('span:'));
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });

  it('h v k k k Enter in one burst lists the four newest buckets with from:/to:; [ comes back', async () => {
    const frame = await h.press('hvkkk' + KEYS.enter, (f) => queryOf(f) !== '' && idle(f) && f.includes('matching'));
    expect(queryOf(frame)).toBe('from:2024-03-06T15:00:00Z to:2024-03-07T02:59:59Z');
    expect(frame).toContain('11 matching');
    await h.press('G', (f) => f.includes('row 11 ') && f.includes('Call29') && idle(f));
    expect(h.frame()).not.toContain('Call28');
    const back = await h.press('[', (f) => queryOf(f) === '' && idle(f));
    expect(back).toContain('40 events');
  });

  it('the span is a time: after a zoom out it still starts where v was pressed', async () => {
    await h.press('h', (f) => f.includes('Histogram 3h') && idle(f));
    await h.press('v', (f) => f.includes('span: 2 events'));
    for (let i = 0; i < 5; i++) await h.press('k');
    const zoomed = await h.press('-', (f) => !f.includes('Histogram 3h') && f.includes('Histogram ') && idle(f) && f.includes('span:'));
    expect(zoomed).toMatch(/span: \d+ events · /);
    const listed = await h.press(KEYS.enter, (f) => queryOf(f) !== '' && idle(f));
    // Whole bigger buckets from the one holding the cursor's time to the one holding the span's start (the newest hour).
    expect(queryOf(listed)).toMatch(/^from:\S+ to:2024-03-07T\d\d:59:59Z$/);
    await h.press('[', (f) => queryOf(f) === '' && idle(f));
  });

  it('zooming in on a span keeps the events it covers, whichever end the cursor is on', async () => {
    // Opened at the size the test before zoomed out to: in again to 3 h buckets.
    await h.press('h', (f) => f.includes('Histogram 6h') && idle(f));
    await h.press('+', (f) => f.includes('Histogram 3h') && idle(f));
    // v on the newest bucket (03-07 00:00), the cursor up two: 03-06 18:00 to 03-07 03:00, 8 events.
    await h.press('G', (f) => idle(f));
    await h.press('vkk', (f) => f.includes('span: 8 events'));
    let frame = await h.press('+', (f) => f.includes('Histogram 1h') && idle(f) && f.includes('span:'));
    expect(frame).toContain('span: 8 events');
    await h.press('v', (f) => !f.includes('span:'));
    await h.press('-', (f) => f.includes('Histogram 3h') && idle(f));
    // v on 03-06 18:00, the cursor down two: the same span, the cursor at its later end.
    await h.press('G', (f) => idle(f));
    await h.press('kkvjj', (f) => f.includes('span: 8 events'));
    frame = await h.press('+', (f) => f.includes('Histogram 1h') && idle(f) && f.includes('span:'));
    expect(frame).toContain('span: 8 events');
    await h.press(KEYS.escape, (f) => !f.includes('span:'));
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
  });
});

describe('the line under a span', () => {
  it('keeps the count and the time and gives up the keys first as the terminal narrows', async () => {
    const { spanInfo } = await import('../../src/ui/timeline/histogramText.js');
    const { BUCKET_SIZES } = await import('../../src/timeline/buckets.js');
    const size = BUCKET_SIZES.find((s) => s.label === '3h')!;
    const span = { start: Date.UTC(2024, 2, 6, 18), end: Date.UTC(2024, 2, 7, 3) };
    expect(spanInfo(6_303, span, size, 'utc', 120)).toBe('span: 6,303 events · 03-06 18:00–03-07 03:00 · Enter lists them · v/Esc drops the span');
    expect(spanInfo(6_303, span, size, 'utc', 80)).toBe('span: 6,303 events · 03-06 18:00–03-07 03:00 · Enter lists them · ? more');
    expect(spanInfo(6_303, span, size, 'utc', 40)).toBe('span: 6,303 events · ? more');
  });
});
