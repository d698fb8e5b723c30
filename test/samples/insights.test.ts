import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/pipeline.js';
import { INSIGHT_NAME, loadTree, uniqueEvents, type Json } from './helpers.js';

const MINUTE = 60_000;
let dir: string;
let insights: Json[];
let events: Json[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trailtop-insights-'));
  generateSamples({ out: dir, events: 3600, seed: 'trailtop' });
  const tree = loadTree(dir);
  insights = tree.insight.flatMap((f) => f.records);
  events = [...uniqueEvents(tree.trail).values()];
  for (const f of tree.insight) {
    const m = INSIGHT_NAME.exec(f.rel)!;
    for (const r of f.records) {
      expect(r.recipientAccountId).toBe(m[1]);
      expect(r.awsRegion).toBe(m[2]);
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const details = (r: Json) => r.insightDetails as Json;
const stats = (r: Json) => ((details(r).insightContext as Json).statistics) as { baseline: { average: number }; insight: { average: number }; insightDuration: number; baselineDuration: number };
const attributions = (r: Json) => ((details(r).insightContext as Json).attributions) as { attribute: string; insight: { value: string; average: number }[]; baseline: { value: string; average: number }[] }[];

/** The calls an Insight is about: same account, region, source, name (and error code for error-rate ones). */
function related(insight: Json): Json[] {
  const d = details(insight);
  return events.filter((e) => e.recipientAccountId === insight.recipientAccountId && e.awsRegion === insight.awsRegion
    && e.eventSource === d.eventSource && e.eventName === d.eventName
    && (d.insightType !== 'ApiErrorRateInsight' || e.errorCode === d.errorCode));
}

const timeOf = (r: Json) => Date.parse(String(r.eventTime));
const within = (list: Json[], from: number, to: number) => list.filter((e) => timeOf(e) >= from && timeOf(e) < to);

function groups(): Map<string, { start?: Json; end?: Json }> {
  const byShared = new Map<string, { start?: Json; end?: Json }>();
  for (const r of insights) {
    expect(r.eventType).toBe('AwsCloudTrailInsight');
    expect(r.eventCategory).toBe('Insight');
    expect(r.userIdentity).toBeUndefined();
    const g = byShared.get(r.sharedEventID as string) ?? {};
    if (details(r).state === 'Start') g.start = r;
    else g.end = r;
    byShared.set(r.sharedEventID as string, g);
  }
  return byShared;
}

describe('Insights in the samples', () => {
  it('pairs Start and End by sharedEventID, with one Insight still ongoing', () => {
    const all = [...groups().values()];
    expect(all).toHaveLength(4);
    expect(all.filter((g) => g.start && g.end)).toHaveLength(3);
    expect(all.filter((g) => g.start && !g.end)).toHaveLength(1);
    for (const g of all) {
      if (g.end) expect(timeOf(g.end)).toBeGreaterThan(timeOf(g.start!));
      expect(new Set(insights.map((r) => r.eventID)).size).toBe(insights.length);
    }
  });

  it('has a call-rate and an error-rate pair whose bursts really are on disk, with matching averages', () => {
    const pairs = [...groups().values()].filter((g) => g.start && g.end && related(g.start).length > 0);
    expect(pairs.map((g) => details(g.start!).insightType).sort()).toEqual(['ApiCallRateInsight', 'ApiErrorRateInsight']);
    for (const { start, end } of pairs) {
      const s = stats(end!);
      const from = timeOf(start!);
      const to = timeOf(end!);
      expect(s.insightDuration).toBe((to - from) / MINUTE);
      expect(s.baselineDuration).toBeGreaterThanOrEqual(10_080);
      const calls = related(start!);
      const inside = within(calls, from, to);
      expect(s.insight.average).toBeCloseTo(inside.length / s.insightDuration, 3);
      // The Start record describes the onset minute.
      expect(stats(start!).insight.average).toBe(within(calls, from, from + MINUTE).length);
      // A low but non-zero baseline before the spike.
      const before = within(calls, Date.parse('2026-11-23T00:00:00Z'), from);
      expect(before.length).toBeGreaterThan(0);
      expect(s.baseline.average).toBeGreaterThan(0);
      expect(s.baseline.average).toBeLessThan(s.insight.average / 50);
      const perMinute = (t0: number) => within(calls, t0, t0 + MINUTE).length;
      const peak = Math.max(...Array.from({ length: s.insightDuration }, (_, m) => perMinute(from + m * MINUTE)));
      const hourBefore = Math.max(...Array.from({ length: 60 }, (_, m) => perMinute(from - (m + 1) * MINUTE)));
      expect(peak).toBeGreaterThan(4 * Math.max(1, hourBefore));
    }
  });

  it('states attributions the way CloudTrail does, consistent with the events', () => {
    for (const r of insights) {
      const a = attributions(r);
      const names = a.map((x) => x.attribute);
      if (details(r).insightType === 'ApiErrorRateInsight') {
        expect(names).toEqual(['userIdentityArn', 'userAgent']);
      } else {
        expect(names).toEqual(['userIdentityArn', 'userAgent', 'errorCode']);
        expect(a[2]!.insight.map((x) => x.value)).toContain('null');
      }
      for (const x of a) {
        expect(x.insight.length).toBeLessThanOrEqual(5);
        const averages = x.insight.map((v) => v.average);
        expect(averages).toEqual([...averages].sort((p, q) => q - p));
        // With five or fewer values the shares add up to the whole.
        const total = averages.reduce((p, q) => p + q, 0);
        expect(total).toBeCloseTo(stats(r).insight.average, 2);
      }
    }
    const callRate = [...groups().values()].find((g) => g.end && details(g.end).eventName === 'RunInstances')!.end!;
    const inside = within(related(callRate), timeOf([...groups().values()].find((g) => g.end === callRate)!.start!), timeOf(callRate));
    const errors = attributions(callRate)[2]!.insight;
    const failed = inside.filter((e) => e.errorCode !== undefined).length;
    expect(failed).toBeGreaterThan(0);
    expect(errors.find((v) => v.value !== 'null')!.average).toBeCloseTo(failed / stats(callRate).insightDuration, 3);
  });

  it('has an ongoing Insight whose burst runs to the end of the logs, and one whose events are absent', () => {
    const all = [...groups().values()];
    const ongoing = all.find((g) => !g.end)!.start!;
    const after = within(related(ongoing), timeOf(ongoing), Date.parse('2026-11-25T00:00:00Z'));
    expect(after.length).toBeGreaterThan(30);
    const absent = all.filter((g) => g.end && related(g.start!).length === 0);
    expect(absent).toHaveLength(1);
    expect(stats(absent[0]!.end!).insight.average).toBeGreaterThan(0);
  });
});
