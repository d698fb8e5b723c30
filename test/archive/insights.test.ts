/**
 * The Insights view's numbers on an archive (archive/insights.ts: the
 * Insights paired from SQL rows, the clock, the per-minute rate by one GROUP
 * BY) equal the folder dashboard's (InsightsView: pairInsights over the
 * store, insightSeries over its rows) on the bundled samples (which have
 * Insights) and the shared datasets (aws-docs-examples has two records).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Archive } from '../../src/archive/db.js';
import { archiveInsightSeries, archiveInsightsView } from '../../src/archive/insights.js';
import { attributionTable, insightSeries, pairInsights, type Insight } from '../../src/model/insights.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { InsightRecords } from '../../src/ui/insightsModel.js';
import { tempFolder } from '../support/files.js';
import { DATASETS, datasetsPresent, openSideBySide, SAMPLES } from './sideBySide.js';



/** What the view shows of an Insight: its list row's values, its averages and its attribution tables. */
function shown(insight: Insight) {
  const { startRow, endRow, ...values } = insight;
  return { ...values, startId: startRow?.id ?? null, endId: endRow?.id ?? null, tables: attributionTable(insight) };
}

for (const [name, folder, enabled, least] of [
  ['the bundled samples', SAMPLES, true, 3],
  ['the shared datasets', DATASETS, datasetsPresent, 1],
] as const) {
  describe.skipIf(!enabled)(`the Insights view's numbers on an archive of ${name}`, () => {
    let archive: Archive;
    let store: EventStore;
    openSideBySide(folder, 'trailtop-insights-', (both) => ({ archive, store } = both));

    it("equal the folder dashboard's: each Insight, the clock and the rate behind each, minute by minute", async () => {
      const expected = pairInsights(new InsightRecords().update(store.log(), store.rewrites));
      const now = Date.UTC(2030, 0, 1);
      const actual = await archiveInsightsView(archive, now);
      expect(actual.insights.map(shown)).toEqual(expected.map(shown));
      expect(expected.length).toBeGreaterThanOrEqual(least);
      const newest = store.rows().find((row) => Number.isFinite(row.time))!;
      expect(actual.clock).toBe(Math.min(now, newest.time + 60_000));
      let counted = 0;
      for (const insight of expected) {
        const want = insightSeries(insight, store.rows(), actual.clock, { newestFirst: true });
        expect(await archiveInsightSeries(archive, insight, actual.clock), insight.sharedEventId).toEqual(want);
        counted += want?.eventsFound ?? 0;
      }
      // Not only empty windows: on the samples the calls behind the Insights are in the logs.
      if (name === 'the bundled samples') expect(counted).toBeGreaterThan(0);
    }, 120_000);
  });
}

/** Calls written before eventCategory existed (format 1.05 and older) count in an Insight's rate, as in memory. */
describe("the Insights view's rate on an archive of calls without eventCategory", () => {
  const scratch = tempFolder('trailtop-insights-old-');
  const insight = (state: 'Start' | 'End', time: string, id: string) => ({
    eventVersion: '1.08', eventTime: time, awsRegion: 'eu-west-1', eventID: id, eventType: 'AwsCloudTrailInsight', recipientAccountId: '111122223333',
    sharedEventID: 'shared-1', eventCategory: 'Insight',
    insightDetails: { state, eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', insightType: 'ApiCallRateInsight', insightContext: { statistics: { baseline: { average: 0.1 }, insight: { average: 5 } } } },
  });
  // One call a minute from 14:00; the first half without eventCategory (written before it existed).
  const calls = Array.from({ length: 10 }, (_, k) => ({
    eventVersion: k < 5 ? '1.05' : '1.08', eventTime: `2026-11-24T14:0${k}:30Z`, awsRegion: 'eu-west-1', eventID: `call-${k}`,
    eventType: 'AwsApiCall', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', userName: 'alice' },
    ...(k < 5 ? {} : { eventCategory: 'Management' }),
  }));
  writeFileSync(join(scratch.dir, 'trail.json'), JSON.stringify({ Records: [insight('Start', '2026-11-24T14:00:00Z', 'i-start'), insight('End', '2026-11-24T14:10:00Z', 'i-end'), ...calls] }));
  afterAll(() => scratch.remove());
  let archive: Archive;
  let store: EventStore;
  openSideBySide(scratch.dir, 'trailtop-insights-old-db-', (both) => ({ archive, store } = both));

  it('counts every call, with its category or without', async () => {
    const [paired] = pairInsights(new InsightRecords().update(store.log(), store.rewrites));
    const clock = Date.UTC(2026, 10, 24, 15);
    const want = insightSeries(paired!, store.rows(), clock, { newestFirst: true });
    expect(want?.eventsFound).toBe(10);
    expect(await archiveInsightSeries(archive, paired!, clock)).toEqual(want);
  }, 60_000);
});
