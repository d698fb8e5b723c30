import type { Rng } from './prng.js';
import type { CloudTrailRecord, TimedRecord } from './records.js';
import { CALL_RATE_SPAN, ERROR_RATE_SPAN, ONGOING_START } from './scenarios.js';
import { at, isoSeconds, MINUTE, SAMPLE_START } from './time.js';
import { DEV, PROD } from './world.js';

/**
 * The Insights of the samples. Their statistics and attributions are computed
 * from the very events the pipeline wrote, so a reader that counts per-minute
 * rates on disk finds what the Insight records claim. The baseline is measured
 * over the samples' days before the Start (what is on disk) but declared over
 * a week, as CloudTrail does.
 */
export type InsightType = 'ApiCallRateInsight' | 'ApiErrorRateInsight';

export interface InsightSpec {
  sharedEventID: string;
  account: string;
  region: string;
  source: string;
  name: string;
  type: InsightType;
  errorCode?: string;
  start: number;
  /** null: the End record has not arrived (ongoing). */
  end: number | null;
  /** Set when the underlying events are not on disk: the statistics are stated, not measured. */
  absent?: { baseline: number; insight: number; arn: string; userAgent: string };
}

export const INSIGHTS: readonly InsightSpec[] = [
  {
    sharedEventID: '3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c01', account: PROD.id, region: 'eu-west-1',
    source: 'ec2.amazonaws.com', name: 'RunInstances', type: 'ApiCallRateInsight', ...CALL_RATE_SPAN,
  },
  {
    sharedEventID: '3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c02', account: DEV.id, region: 'us-east-1',
    source: 's3.amazonaws.com', name: 'ListBuckets', type: 'ApiErrorRateInsight', errorCode: 'AccessDenied', ...ERROR_RATE_SPAN,
  },
  {
    sharedEventID: '3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c03', account: DEV.id, region: 'us-west-2',
    source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress', type: 'ApiCallRateInsight', start: ONGOING_START, end: null,
  },
  {
    sharedEventID: '3f0c9a52-7d1e-4b6a-9c28-5e4d1a7b0c04', account: PROD.id, region: 'us-east-1',
    source: 'ssm.amazonaws.com', name: 'SendCommand', type: 'ApiCallRateInsight', start: at(0, 6, 2), end: at(0, 6, 14),
    absent: { baseline: 0.0139, insight: 7.5, arn: `arn:aws:sts::${PROD.id}:assumed-role/patch-manager`, userAgent: 'AWS Internal' },
  },
];

interface Observation {
  timeMs: number;
  arn: string;
  userAgent: string;
  errorCode: string;
}

/** Collects, while events stream past, the few fields the Insight statistics need. */
export class InsightTracker {
  private readonly seen = new Map<InsightSpec, Observation[]>();
  private readonly ids = new Set<string>();

  observe(event: TimedRecord): void {
    const r = event.record;
    for (const spec of INSIGHTS) {
      if (spec.absent || spec.account !== event.account || spec.region !== event.region) continue;
      if (r.eventSource !== spec.source || r.eventName !== spec.name) continue;
      const errorCode = typeof r.errorCode === 'string' ? r.errorCode : '';
      if (spec.type === 'ApiErrorRateInsight' && errorCode !== spec.errorCode) continue;
      // Redelivered copies are one call; count each eventID once.
      const key = `${spec.sharedEventID}/${String(r.eventID)}`;
      if (this.ids.has(key)) continue;
      this.ids.add(key);
      let list = this.seen.get(spec);
      if (!list) this.seen.set(spec, (list = []));
      list.push({ timeMs: event.timeMs, arn: attributionArn(r), userAgent: String(r.userAgent ?? ''), errorCode: errorCode || 'null' });
    }
  }

  observations(spec: InsightSpec): Observation[] {
    return this.seen.get(spec) ?? [];
  }
}

/** Insights name assumed roles without their session, as AWS's examples do. */
function attributionArn(r: CloudTrailRecord): string {
  const id = r.userIdentity as Record<string, unknown> | undefined;
  const arn = typeof id?.arn === 'string' ? id.arn : '';
  const m = /^(arn:aws:sts::\d+:assumed-role\/[^/]+)\//.exec(arn);
  return m ? m[1]! : arn;
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;
export const BASELINE_DURATION = 10_080;

function top(values: string[], minutes: number): { value: string; average: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 5)
    .map(([value, n]) => ({ value, average: round(n / minutes) }));
}

function statistics(spec: InsightSpec, obs: Observation[], from: number, to: number) {
  const minutes = (to - from) / MINUTE;
  const baselineMinutes = (spec.start - SAMPLE_START) / MINUTE;
  const inside = obs.filter((o) => o.timeMs >= from && o.timeMs < to);
  const before = obs.filter((o) => o.timeMs < spec.start);
  const attribute = (name: string, pick: (o: Observation) => string) => ({
    attribute: name, insight: top(inside.map(pick), minutes), baseline: top(before.map(pick), baselineMinutes),
  });
  const attributions = [attribute('userIdentityArn', (o) => o.arn), attribute('userAgent', (o) => o.userAgent)];
  if (spec.type === 'ApiCallRateInsight') attributions.push(attribute('errorCode', (o) => o.errorCode));
  return {
    statistics: {
      baseline: { average: round(before.length / baselineMinutes) },
      insight: { average: round(inside.length / minutes) },
      insightDuration: minutes,
      baselineDuration: BASELINE_DURATION,
    },
    attributions,
  };
}

function statedStatistics(spec: InsightSpec, minutes: number) {
  const a = spec.absent!;
  const one = (value: string, insight: number, baseline: number) => ({ value, average: insight, baselineValue: baseline });
  const attribute = (name: string, e: ReturnType<typeof one>) => ({
    attribute: name, insight: [{ value: e.value, average: e.average }], baseline: [{ value: e.value, average: e.baselineValue }],
  });
  return {
    statistics: { baseline: { average: a.baseline }, insight: { average: a.insight }, insightDuration: minutes, baselineDuration: BASELINE_DURATION },
    attributions: [
      attribute('userIdentityArn', one(a.arn, a.insight, a.baseline)),
      attribute('userAgent', one(a.userAgent, a.insight, a.baseline)),
      attribute('errorCode', one('null', a.insight, a.baseline)),
    ],
  };
}

function insightRecord(spec: InsightSpec, state: 'Start' | 'End', timeMs: number, context: unknown, rng: Rng): CloudTrailRecord {
  const details: Record<string, unknown> = { state, eventSource: spec.source, eventName: spec.name, insightType: spec.type };
  if (spec.errorCode) details.errorCode = spec.errorCode;
  details.sourceEventCategory = 'Management';
  details.insightContext = context;
  return {
    eventVersion: '1.08',
    eventTime: isoSeconds(timeMs),
    awsRegion: spec.region,
    eventID: rng.uuid(),
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: spec.account,
    sharedEventID: spec.sharedEventID,
    insightDetails: details,
    eventCategory: 'Insight',
  };
}

/** The Start (and End, when it has arrived) records of every Insight, each delivered in its own file. */
export function insightRecords(tracker: InsightTracker, rng: Rng): TimedRecord[] {
  const out: TimedRecord[] = [];
  for (const spec of INSIGHTS) {
    const obs = tracker.observations(spec);
    // The Start record describes the onset: the first minute of the anomaly.
    const onset = spec.absent ? statedStatistics(spec, 1) : statistics(spec, obs, spec.start, spec.start + MINUTE);
    out.push({ timeMs: spec.start, account: spec.account, region: spec.region, record: insightRecord(spec, 'Start', spec.start, onset, rng) });
    if (spec.end !== null) {
      const minutes = (spec.end - spec.start) / MINUTE;
      const whole = spec.absent ? statedStatistics(spec, minutes) : statistics(spec, obs, spec.start, spec.end);
      out.push({ timeMs: spec.end, account: spec.account, region: spec.region, record: insightRecord(spec, 'End', spec.end, whole, rng) });
    }
  }
  return out;
}
