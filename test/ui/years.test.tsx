/**
 * QA: where the data spans years, times showed no year: the --db list (its
 * page of rows all from one year while the archive spans 2013-2026), the top
 * values' First/Last, the Insights' Start/End, the principal summary. Every
 * time shown carries the year when the data (or the list) spans years, in
 * memory and on an archive alike; data within one year keeps the short form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { pairInsights } from '../../src/model/insights.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { insightEndWidth, insightHeaderLine, insightListLayout, insightRowLine, insightsSpanYears } from '../../src/ui/insightsModel.js';
import { summaryLines } from '../../src/ui/investigate/principalModel.js';
import { topLines } from '../../src/ui/investigate/topValuesModel.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { insightRow } from '../model/insights-rows.js';
import { makeRow } from './fixtures.js';
import { renderApp } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
const Y2013 = Date.UTC(2013, 4, 1, 9, 30);
const Y2025 = Date.UTC(2025, 11, 15, 18, 54, 36);

describe('top values, Insights and the summary', () => {
  it('top values: First/Last with the year when the values span years, at 80 columns', () => {
    const spanning = topLines({ field: 'user', values: [{ value: 'alice', count: 2, first: Y2013, last: Y2025 }], rows: 2, empty: 0, distinct: 1 }, 'utc', 80);
    expect(spanning.lines[0]).toContain('2013-05-01 09:30');
    expect(spanning.lines[0]).toContain('2025-12-15 18:54');
    const oneYear = topLines({ field: 'user', values: [{ value: 'alice', count: 2, first: Y2025 - 86_400_000, last: Y2025 }], rows: 2, empty: 0, distinct: 1 }, 'utc', 80);
    expect(oneYear.lines[0]).toMatch(/12-14 18:54 {2}12-15 18:54$/);
  });

  it('Insights: Start and End with the year when the Insights span years', () => {
    const insights = pairInsights([
      insightRow('2019-11-14T00:51:00Z', 'a', { state: 'Start', eventName: 'UpdateInstanceInformation' }),
      insightRow('2020-07-21T20:56:00Z', 'b', { state: 'Start', eventName: 'CompleteLifecycleAction' }),
    ]);
    expect(insightsSpanYears(insights, 'utc')).toBe(true);
    const layout = insightListLayout(80, insightsSpanYears(insights, 'utc'));
    const lines = insights.map((insight) => insightRowLine(insight, layout, 'utc', false)).join('\n');
    expect(lines).toContain('2019-11-14 00:51');
    expect(lines).toContain('2020-07-21 20:56');
    expect(insightsSpanYears(insights.slice(0, 1), 'utc')).toBe(false);
  });

  it('Insights at 80 columns with the year: End (short on Start\'s day) and Length stay in view', () => {
    const insights = pairInsights([
      insightRow('2019-11-14T00:51:00Z', 'a', { state: 'Start', eventName: 'UpdateInstanceInformation' }),
      insightRow('2019-11-14T00:52:00Z', 'a', { state: 'End', eventName: 'UpdateInstanceInformation' }),
      insightRow('2020-07-21T20:56:00Z', 'b', { state: 'Start', eventName: 'CompleteLifecycleAction' }),
    ]);
    const layout = insightListLayout(80, true, insightEndWidth(insights, 'utc', true));
    expect(insightHeaderLine(layout)).toMatch(/Start +End +Length/);
    expect(insightHeaderLine(layout).length).toBeLessThanOrEqual(80);
    const line = insightRowLine(insights.find((i) => i.end !== null)!, layout, 'utc', false);
    expect(line).toMatch(/2019-11-14 00:51 00:52 +1m/);
  });

  it('the principal summary: first – last with the year when the principal spans years', () => {
    const summary = {
      term: { field: 'user', value: 'alice' },
      events: 2,
      first: Y2013,
      last: Y2025,
      errors: 0,
      apis: [],
      apiCount: 0,
      sections: [{ title: 'Source IPs', field: 'ip', distinct: 1, values: [{ value: '192.0.2.1', count: 2, first: Y2013, last: Y2025 }] }],
    };
    const text = summaryLines(summary as unknown as Parameters<typeof summaryLines>[0], 'utc', 80).map((l) => l.text).join('\n');
    expect(text).toContain("2013-05-01 09:30 – 2025-12-15 18:54");
  });
});

describe('the list spanning years, in memory and on an archive', () => {
  // Newest first: a screenful of 2025 events, the oldest one in 2013 far below.
  const records = Array.from({ length: 120 }, (_, k) => ({
    eventID: `ev-${String(k).padStart(3, '0')}`,
    eventTime: new Date(k === 0 ? Y2013 : Y2025 - (120 - k) * 1000).toISOString().replace('.000Z', 'Z'),
    eventName: k === 0 ? 'OldestCall' : 'GetObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  }));
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(records, 60);
  }, 60_000);
  afterAll(() => archive?.close());

  const firstRow = (frame: string): string => frame.split('\n').find((l) => l.startsWith('›')) ?? '';

  it('in memory: the newest row shows its year', async () => {
    const store = new EventStore(0);
    store.add(records.map((r) => makeRow({ id: r.eventID, name: r.eventName, time: Date.parse(r.eventTime) })));
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={PLAIN} />, 80, 24);
    try {
      const frame = await h.waitFor((f) => firstRow(f).includes('GetObject'));
      expect(firstRow(frame)).toContain('2025-12-15 18:54');
    } finally {
      h.cleanup();
    }
  });

  it('on an archive: the same, though the rows held are all from 2025', async () => {
    const h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} />, 80, 24);
    try {
      const frame = await h.waitFor((f) => firstRow(f).includes('2025-12-15 18:54'), 20_000);
      expect(firstRow(frame)).toContain('GetObject');
    } finally {
      h.cleanup();
    }
  }, 30_000);
});
