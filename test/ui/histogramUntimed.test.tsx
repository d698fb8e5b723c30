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
import { histogramTitle } from '../../src/ui/timeline/histogramText.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

const titleLine = (frame: string): string => frame.split('\n').find((line) => line.startsWith('Histogram')) ?? '';

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
      const frame = await h.press('h', (f) => titleLine(f) !== '' && f.includes('›'));
      const title = titleLine(frame);
      expect(title).toContain('+1 without a readable time');
      if (width >= 80) expect(title).toContain('19 events (+1 without a readable time)');
      expect([...title].length).toBeLessThanOrEqual(width);
    });
  }

  it('the selected bucket\'s line counts in words: 1 event, not 1 events', async () => {
    const h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/a.duckdb" env={PLAIN} onQuit={() => undefined} />, 80, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('20 events'), 20_000);
    const info = (f: string): string => f.split('\n').find((line) => /^\d+ events? · /.test(line)) ?? '';
    let frame = await h.press('h', (f) => info(f) !== '');
    expect(info(frame)).toMatch(/^5 events · /);
    // 1m buckets: one event each.
    for (let i = 0; i < 5 && !frame.includes('Histogram 1m '); i++) frame = await h.press('+', (f) => info(f) !== '' && f !== frame);
    expect(info(frame)).toMatch(/^1 event · /);
  });

  it('the title keeps the count and the note, and drops the hints first, as the width shrinks', () => {
    const facts = { sizeLabel: '1h', stack: 'errors' as const, longest: 40, zone: 'utc' as const, charted: 319, untimed: 1 };
    expect(histogramTitle(facts, 200)).toBe('Histogram 1h · 319 events (+1 without a readable time) · by errors · longest bar = 40 on screen · UTC · +/- zoom · v span · Enter list · Tab split · h/Esc back · ? help');
    expect(histogramTitle(facts, 70)).toBe('Histogram 1h · 319 events (+1 without a readable time) · ? more');
    expect(histogramTitle(facts, 50)).toBe('Histogram 1h · +1 without a readable time · ? more');
    expect(histogramTitle({ ...facts, untimed: 0, charted: 320 }, 80)).toBe('Histogram 1h · by errors · longest bar = 40 on screen · UTC · +/- zoom · ? more');
  });
});
