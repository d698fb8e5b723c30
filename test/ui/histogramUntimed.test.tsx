/**
 * Events whose time did not parse are in no bucket of the histogram (h),
 * though the list counts them: both dashboards' histograms say how many, at
 * 80 and at 60 columns, so the histogram's count and the list's agree.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveHistogramTitle } from '../../src/ui/archive/archiveModel.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

const titleLine = (frame: string): string => frame.split('\n').find((line) => line.includes('Histogram') || line.includes('buckets')) ?? '';

describe('the folder dashboard', () => {
  function storeWithUntimed(): EventStore {
    const rows: EventRow[] = makeRows(20);
    rows[7] = { ...rows[7]!, time: NaN };
    const store = new EventStore(0);
    store.add(rows);
    store.flush();
    return store;
  }

  for (const width of [80, 60]) {
    it(`says the event without a readable time beside the bars' count (${width} columns)`, async () => {
      const h = renderApp(<App store={storeWithUntimed()} folder="/logs" watching={false} env={PLAIN} />, width, 24);
      open.push(h);
      await h.waitFor((f) => f.includes('20 events'));
      const frame = await h.press('h', (f) => f.includes('Histogram'));
      const title = titleLine(frame);
      expect(title).toContain('+1 without a readable time');
      if (width >= 80) expect(title).toContain('19 events (+1 without a readable time)');
      expect([...title].length).toBeLessThanOrEqual(width);
    });
  }

  it('says nothing of the kind when every event has a time', async () => {
    const store = new EventStore(0);
    store.add(makeRows(20));
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={PLAIN} />, 80, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('20 events'));
    const frame = await h.press('h', (f) => f.includes('Histogram'));
    expect(frame).not.toContain('readable time');
  });
});

describe('the --db dashboard', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    const records = Array.from({ length: 20 }, (_, k) => ({
      eventID: `ev-${k}`,
      eventTime: k === 7 ? 'not a time' : new Date(Date.UTC(2024, 2, 5, 10, k)).toISOString(),
      eventName: `Call${k}`,
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    }));
    archive = await archiveOf(records);
  }, 60_000);
  afterAll(() => archive?.close());

  for (const width of [80, 60]) {
    it(`says the event without a readable time beside the bars' count (${width} columns)`, async () => {
      const h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/a.duckdb" env={PLAIN} onQuit={() => undefined} />, width, 24);
      open.push(h);
      await h.waitFor((f) => f.includes('20 events'), 20_000);
      const frame = await h.press('h', (f) => f.includes('buckets'));
      const title = titleLine(frame);
      expect(title).toContain('19 events (+1 without a readable time)');
      expect([...title].length).toBeLessThanOrEqual(width);
    });
  }

  it('the selected bucket\'s line counts in words: 1 event, not 1 events', async () => {
    const h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/a.duckdb" env={PLAIN} onQuit={() => undefined} />, 80, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('20 events'), 20_000);
    let frame = await h.press('h', (f) => f.includes('selected:'));
    expect(frame).toContain('selected: 5 events, 0 errors');
    // 1m buckets: one event each.
    for (let i = 0; i < 5 && !frame.includes(' 1m buckets'); i++) frame = await h.press('+', (f) => f.includes('selected:') && f !== frame);
    expect(frame).toContain('selected: 1 event, 0 errors');
  });

  it('the title keeps the count and the note, and drops the hints first, as the width shrinks', () => {
    expect(archiveHistogramTitle('1h', 319, 1, 12, 200)).toBe('Histogram · 1h buckets (UTC-aligned) · 319 events (+1 without a readable time) · 12 buckets · Enter lists a bucket · v span');
    expect(archiveHistogramTitle('1h', 319, 1, 12, 60)).toBe('1h buckets · 319 events (+1 without a readable time)');
    expect(archiveHistogramTitle('1h', 319, 1, 12, 40)).toBe('1h buckets · +1 without a readable time');
    expect(archiveHistogramTitle('1h', 320, 0, 12, 80)).toBe('Histogram · 1h buckets (UTC-aligned) · 320 events · 12 buckets');
  });
});
