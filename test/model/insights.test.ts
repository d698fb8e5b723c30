import { describe, it, expect } from 'vitest';
import {
  pairInsights, rateChange, insightWindow, insightSeries, relatedEventsQuery, attributionTable,
  summarizeInsights, notOnDiskMessage, quoteQueryValue, insightCriteria, formatPerMinute, formatShare, type Insight,
} from '../../src/model/insights.js';
import { perMinuteRate } from '../../src/model/rate.js';
import { row, insightRow, docPair, END_ATTRIBUTIONS } from './insights-rows.js';

const at = (iso: string): number => Date.parse(iso);
const NOW = at('2024-03-06T00:00:00Z');

/** Calls around the doc pair's span (14:21-14:38), counted by hand in the tests below. */
function callRows() {
  return [
    row({ time: at('2024-03-05T14:20:10Z') }),
    row({ time: at('2024-03-05T14:21:00Z') }),
    row({ time: at('2024-03-05T14:21:00Z') }),
    row({ time: at('2024-03-05T14:21:30Z') }),
    row({ time: at('2024-03-05T14:21:59.999Z') }),
    row({ time: at('2024-03-05T14:22:30Z'), errorCode: 'Client.InstanceLimitExceeded' }),
    row({ time: at('2024-03-05T14:22:31Z'), name: 'TerminateInstances' }),
    row({ time: at('2024-03-05T14:22:32Z'), source: 'ec2.example.com' }),
    row({ time: at('2024-03-05T14:03:59Z') }),
    row({ time: at('2024-03-05T14:55:00Z') }),
    row({ time: at('2024-03-05T14:54:59Z') }),
    row({ time: NaN, timeRaw: 'ThisIsAWrongEventTime' }),
  ];
}

describe('pairInsights', () => {
  it('pairs a Start and an End by sharedEventID', () => {
    const [start, end] = docPair();
    for (const input of [[start!, end!], [end!, start!]]) {
      const insights = pairInsights(input);
      expect(insights).toHaveLength(1);
      const i = insights[0]!;
      expect(i.sharedEventId).toBe('8e5b2d94-1f0c-4a77-b3f1-6c2d9e0a4f58');
      expect([i.eventSource, i.eventName, i.insightType]).toEqual(['ec2.amazonaws.com', 'RunInstances', 'ApiCallRateInsight']);
      expect(i.start).toBe(at('2024-03-05T14:21:00Z'));
      expect(i.end).toBe(at('2024-03-05T14:38:00Z'));
      expect(i.startDerived).toBe(false);
      expect(i.startRow).toBe(start);
      expect(i.endRow).toBe(end);
      expect(i.insightAverage).toBe(9.35); // End's average over the whole anomaly
      expect(i.onsetAverage).toBe(14);
      expect(i.baselineAverage).toBe(0.0218);
      expect(i.insightDuration).toBe(17);
      expect(i.baselineDuration).toBe(10079);
      expect(i.attributions).toBe(END_ATTRIBUTIONS);
    }
  });

  it('keeps a Start without End as ongoing with the onset statistics', () => {
    const [start] = docPair();
    const [i] = pairInsights([start!]);
    expect(i!.end).toBeNull();
    expect(i!.start).toBe(at('2024-03-05T14:21:00Z'));
    expect(i!.insightAverage).toBe(14);
    expect(i!.insightDuration).toBe(1);
    expect(i!.endRow).toBeNull();
  });

  it('derives the start of an End-only Insight from its duration', () => {
    const [, end] = docPair();
    const [i] = pairInsights([end!]);
    expect(i!.start).toBe(at('2024-03-05T14:21:00Z'));
    expect(i!.startDerived).toBe(true);
    expect(i!.startRow).toBeNull();
    const noDuration = insightRow('2024-03-05T10:00:00Z', 's-x', { state: 'End', insightDuration: null });
    const [j] = pairInsights([noDuration]);
    expect(j!.start).toBeNull();
    expect(j!.end).toBe(at('2024-03-05T10:00:00Z'));
  });

  it('keeps two Insights on the same API apart, newest first', () => {
    const rows = [
      insightRow('2024-03-01T09:00:00Z', 'older', { state: 'Start' }),
      insightRow('2024-03-01T09:30:00Z', 'older', { state: 'End', insightDuration: 30 }),
      ...docPair(),
      row(), // an ordinary event is not an Insight
    ];
    const insights = pairInsights(rows);
    expect(insights.map((i) => i.sharedEventId)).toEqual(['8e5b2d94-1f0c-4a77-b3f1-6c2d9e0a4f58', 'older']);
    expect(insights.every((i) => i.eventName === 'RunInstances')).toBe(true);
    expect(insights[1]!.end).toBe(at('2024-03-01T09:30:00Z'));
  });

  it('falls back to the record id when sharedEventID is missing', () => {
    const a = insightRow('2024-03-05T14:00:00Z', '', { state: 'Start' }, 'id-a');
    const b = insightRow('2024-03-05T15:00:00Z', '', { state: 'Start' }, 'id-b');
    expect(pairInsights([a, b]).map((i) => i.sharedEventId)).toEqual(['id-b', 'id-a']);
  });

  it('keeps the earliest duplicate Start and the latest End', () => {
    const s1 = insightRow('2024-03-05T14:21:00Z', 'k', { state: 'Start' });
    const s2 = insightRow('2024-03-05T14:25:00Z', 'k', { state: 'Start' });
    const e1 = insightRow('2024-03-05T14:30:00Z', 'k', { state: 'End' });
    const e2 = insightRow('2024-03-05T14:38:00Z', 'k', { state: 'End' });
    const [i] = pairInsights([s2, e2, s1, e1]);
    expect(i!.startRow).toBe(s1);
    expect(i!.endRow).toBe(e2);
  });
});

describe('rateChange', () => {
  it('is insight / baseline with a direction', () => {
    expect(rateChange({ baselineAverage: 1, insightAverage: 3 })).toEqual({ ratio: 3, direction: 'up', arrow: '↑', label: '300%' });
    expect(rateChange({ baselineAverage: 2, insightAverage: 1 })).toEqual({ ratio: 0.5, direction: 'down', arrow: '↓', label: '50%' });
    expect(rateChange({ baselineAverage: 0, insightAverage: 1.2 })).toEqual({ ratio: Infinity, direction: 'up', arrow: '↑', label: 'new' });
    expect(rateChange({ baselineAverage: null, insightAverage: 1 }).direction).toBe('unknown');
    const doc = rateChange(pairInsights(docPair())[0]!);
    expect(doc.ratio).toBeCloseTo(9.35 / 0.0218, 9);
    expect(doc.label).toBe('42,890%'); // 9.35 / 0.0218 = 428.899
  });

  it('formats averages and shares for display', () => {
    expect([null, 0, 0.0218, 0.0000882145, 1.2, 9.35, 14, 664, 85.4202380952, 12345.67].map(formatPerMinute)).toEqual([
      '—', '0', '0.0218', '0.0000882', '1.2', '9.35', '14', '664', '85.4', '12,345.7',
    ]);
    expect([null, 0, 0.001, 0.2, 1 / 3, 1].map(formatShare)).toEqual(['—', '0%', '<1%', '20%', '33%', '100%']);
  });
});

describe('perMinuteRate', () => {
  it('counts calls per minute against a hand-counted fixture', () => {
    const rows = [...callRows(), ...docPair()];
    const series = perMinuteRate(rows, {
      eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances',
      from: at('2024-03-05T14:04:00Z'), to: at('2024-03-05T14:55:00Z'),
    });
    expect(series.buckets).toHaveLength(51);
    const expected = new Array(51).fill(0);
    expected[16] = 1; // 14:20:10
    expected[17] = 4; // 14:21:00 x2, 14:21:30, 14:21:59.999
    expected[18] = 1; // 14:22:30 (the error)
    expected[50] = 1; // 14:54:59; 14:55:00 is outside [from, to)
    expect(series.buckets).toEqual(expected);
    expect(series.eventsFound).toBe(7);
  });

  it('counts only errors, or one error code, when asked', () => {
    const query = { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', from: at('2024-03-05T14:04:00Z'), to: at('2024-03-05T14:55:00Z') };
    expect(perMinuteRate(callRows(), { ...query, errorOnly: true }).eventsFound).toBe(1);
    expect(perMinuteRate(callRows(), { ...query, errorOnly: true, errorCode: 'Client.InstanceLimitExceeded' }).buckets[18]).toBe(1);
    expect(perMinuteRate(callRows(), { ...query, errorOnly: true, errorCode: 'AccessDenied' }).eventsFound).toBe(0);
  });

  it('aligns the window to whole minutes', () => {
    const s = perMinuteRate([], { eventSource: 'a', eventName: 'b', from: at('2024-03-05T14:04:30Z'), to: at('2024-03-05T14:06:10Z') });
    expect([s.from, s.to, s.buckets.length]).toEqual([at('2024-03-05T14:04:00Z'), at('2024-03-05T14:07:00Z'), 3]);
  });
});

describe('insightWindow and insightSeries', () => {
  it('pads the span by max(15 min, its length)', () => {
    const i = pairInsights(docPair())[0]!;
    const w = insightWindow(i, NOW)!;
    expect(w.spanStart).toBe(at('2024-03-05T14:21:00Z'));
    expect(w.spanEnd).toBe(at('2024-03-05T14:38:00Z'));
    expect(w.from).toBe(at('2024-03-05T14:04:00Z')); // 17 min before
    expect(w.to).toBe(at('2024-03-05T14:55:00Z'));
    const short = pairInsights([
      insightRow('2024-03-05T10:00:00Z', 's', { state: 'Start' }),
      insightRow('2024-03-05T10:02:00Z', 's', { state: 'End', insightDuration: 2 }),
    ])[0]!;
    const ws = insightWindow(short, NOW)!;
    expect([ws.from, ws.to]).toEqual([at('2024-03-05T09:45:00Z'), at('2024-03-05T10:17:00Z')]);
  });

  it('bounds an ongoing Insight by now and by three hours', () => {
    const [start] = docPair();
    const ongoing = pairInsights([start!])[0]!;
    const live = insightWindow(ongoing, at('2024-03-05T14:31:20Z'))!;
    expect(live.ongoing).toBe(true);
    expect(live.spanEnd).toBe(at('2024-03-05T14:31:20Z'));
    expect(live.to).toBe(at('2024-03-05T14:32:00Z'));
    const late = insightWindow(ongoing, NOW)!;
    expect(late.spanEnd).toBe(at('2024-03-05T17:21:00Z'));
  });

  it('builds the series behind an Insight', () => {
    const rows = [...callRows(), ...docPair()];
    const i = pairInsights(rows)[0]!;
    const s = insightSeries(i, rows, NOW)!;
    expect(s.eventsFound).toBe(7);
    expect(notOnDiskMessage(i, s)).toBeNull();
    const empty = insightSeries(i, [], NOW)!;
    expect(notOnDiskMessage(i, empty)).toBe('no events for RunInstances on disk between 2024-03-05T14:04:00Z and 2024-03-05T14:55:00Z');
  });

  it('counts only the error code of an error-rate Insight', () => {
    const err = pairInsights([
      insightRow('2024-03-05T14:21:00Z', 'e', { state: 'Start', insightType: 'ApiErrorRateInsight', errorCode: 'Client.InstanceLimitExceeded' }),
    ])[0]!;
    expect(insightCriteria(err)).toEqual({ eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', errorOnly: true, errorCode: 'Client.InstanceLimitExceeded', region: 'us-east-1', account: '111122223333' });
    const s = insightSeries(err, callRows(), at('2024-03-05T14:40:00Z'))!;
    expect(s.eventsFound).toBe(1);
    expect(notOnDiskMessage(err, { ...s, eventsFound: 0 }, () => 'T')).toBe('no events for RunInstances errors (Client.InstanceLimitExceeded) on disk between T and T');
  });
});

describe('relatedEventsQuery', () => {
  it('spans one minute before the Start to one minute after the End', () => {
    const i = pairInsights(docPair())[0]!;
    expect(relatedEventsQuery(i)).toBe('name:RunInstances source:ec2.amazonaws.com region:us-east-1 account:111122223333 -eventtype:AwsCloudTrailInsight from:2024-03-05T14:20:00Z to:2024-03-05T14:39:00Z');
  });
  it('leaves out to: while ongoing', () => {
    const i = pairInsights([docPair()[0]!])[0]!;
    expect(relatedEventsQuery(i)).toBe('name:RunInstances source:ec2.amazonaws.com region:us-east-1 account:111122223333 -eventtype:AwsCloudTrailInsight from:2024-03-05T14:20:00Z');
  });
  it('quotes values that need it', () => {
    const i: Insight = { ...pairInsights(docPair())[0]!, eventName: 'Run "x" \\ y', eventSource: '-evil' };
    expect(relatedEventsQuery(i)).toBe('name:"Run \\"x\\" \\\\ y" source:"-evil" region:us-east-1 account:111122223333 -eventtype:AwsCloudTrailInsight from:2024-03-05T14:20:00Z to:2024-03-05T14:39:00Z');
    expect(quoteQueryValue('')).toBe('""');
    expect(quoteQueryValue('a*b')).toBe('"a*b"');
    expect(quoteQueryValue('s3.amazonaws.com')).toBe('s3.amazonaws.com');
  });
});

describe('attributionTable', () => {
  it('shows insight and baseline averages with shares, errorCode null as None', () => {
    const tables = attributionTable(pairInsights(docPair())[0]!);
    expect(tables.map((t) => t.title)).toEqual(['Top user identity ARNs', 'Top user agents', 'Top error codes']);
    const errors = tables[2]!;
    expect(errors.rows.map((r) => r.value)).toEqual(['None', 'Client.InstanceLimitExceeded']);
    expect(errors.rows[0]!.insightAverage).toBe(7.9);
    expect(errors.rows[0]!.insightShare).toBeCloseTo(7.9 / 9.35, 12);
    expect(errors.rows[0]!.baselineShare).toBe(1);
    expect(errors.rows[1]!.baselineAverage).toBeNull();
    expect(errors.rows[1]!.baselineShare).toBeNull();
    const arns = tables[0]!;
    expect(arns.rows.map((r) => [r.value, r.insightAverage, r.baselineAverage])).toEqual([
      ['arn:aws:sts::111122223333:assumed-role/ci-deployer', 9.35, null],
      ['arn:aws:iam::111122223333:user/alice', null, 0.0218],
    ]);
  });

  it('keeps the top 5 and sums the rest into Other', () => {
    const values = [6, 1, 5, 2, 4, 3, 0.5].map((average, k) => ({ value: `agent-${k}`, average }));
    const base: Insight = {
      ...pairInsights(docPair())[0]!,
      insightAverage: 25, // the listed values sum to 21.5: 3.5 more calls a minute came from unlisted agents
      baselineAverage: 1,
      attributions: [{ attribute: 'userAgent', insight: values, baseline: [{ value: 'agent-0', average: 0.75 }] }],
    };
    const [table] = attributionTable(base);
    expect(table!.rows.map((r) => r.value)).toEqual(['agent-0', 'agent-2', 'agent-4', 'agent-5', 'agent-3', 'Other']);
    const other = table!.rows[5]!;
    expect(other.isOther).toBe(true);
    expect(other.insightAverage).toBeCloseTo(1 + 0.5 + 3.5, 12);
    expect(other.insightShare).toBeCloseTo(5 / 25, 12);
    expect(other.baselineAverage).toBeCloseTo(0.25, 12);
    const shareSum = table!.rows.reduce((s, r) => s + (r.insightShare ?? 0), 0);
    expect(shareSum).toBeCloseTo(1, 12);
  });
});

describe('summarizeInsights', () => {
  it('gives the scan --json section with events found behind each span', () => {
    const rows = [
      ...callRows(),
      ...docPair(),
      insightRow('2024-03-04T08:00:00Z', 'err-1', {
        state: 'Start', eventSource: 'athena.amazonaws.com', eventName: 'GetQueryExecution', insightType: 'ApiErrorRateInsight',
        errorCode: 'QueryIdNotFoundException', baselineAverage: 0, insightAverage: 1.2, insightDuration: 5, baselineDuration: 11092,
      }),
      row({ time: at('2024-03-04T08:03:00Z'), source: 'athena.amazonaws.com', name: 'GetQueryExecution', errorCode: 'QueryIdNotFoundException' }),
      row({ time: at('2024-03-05T20:00:00Z'), source: 'athena.amazonaws.com', name: 'GetQueryExecution', errorCode: 'QueryIdNotFoundException' }),
      row({ time: at('2024-03-04T08:04:00Z'), source: 'athena.amazonaws.com', name: 'GetQueryExecution' }),
      row({ time: at('2024-03-04T07:59:00Z'), source: 'athena.amazonaws.com', name: 'GetQueryExecution', errorCode: 'QueryIdNotFoundException' }),
    ];
    const summary = summarizeInsights(pairInsights(rows), rows);
    expect(summary).toEqual([
      {
        sharedEventID: '8e5b2d94-1f0c-4a77-b3f1-6c2d9e0a4f58',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        insightType: 'ApiCallRateInsight',
        errorCode: null,
        start: '2024-03-05T14:21:00Z',
        end: '2024-03-05T14:38:00Z',
        baselineAverage: 0.0218,
        insightAverage: 9.35,
        insightDuration: 17,
        baselineDuration: 10079,
        eventsOnDisk: 5, // 14:21 x4 and 14:22:30; 14:20:10 is before the Start
      },
      {
        sharedEventID: 'err-1',
        eventSource: 'athena.amazonaws.com',
        eventName: 'GetQueryExecution',
        insightType: 'ApiErrorRateInsight',
        errorCode: 'QueryIdNotFoundException',
        start: '2024-03-04T08:00:00Z',
        end: null,
        baselineAverage: 0,
        insightAverage: 1.2,
        insightDuration: 5,
        baselineDuration: 11092,
        eventsOnDisk: 2, // ongoing: every error after the Start; the successful call does not count
      },
    ]);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });

  it('is empty without Insights', () => {
    expect(summarizeInsights([], callRows())).toEqual([]);
  });
});

describe('perMinuteRate on newest-first rows', () => {
  it('gives the same series as a full scan', () => {
    const base = at('2024-03-05T12:00:00Z');
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const rows = Array.from({ length: 5000 }, () => row({
      time: next() < 0.02 ? NaN : base + Math.floor(next() * 6 * 3600_000),
      name: next() < 0.5 ? 'RunInstances' : 'DescribeInstances',
      errorCode: next() < 0.2 ? 'AccessDenied' : '',
    }));
    rows.sort((a, b) => (Number.isNaN(a.time) ? 1 : Number.isNaN(b.time) ? -1 : b.time - a.time));
    for (const [fromH, toH] of [[0, 6], [1, 2], [5.5, 7], [-1, 0.5], [7, 8]] as const) {
      const query = { eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', from: base + fromH * 3600_000, to: base + toH * 3600_000 };
      const full = perMinuteRate(rows, query);
      expect(perMinuteRate(rows, query, { newestFirst: true })).toEqual(full);
      expect(perMinuteRate(rows, { ...query, errorOnly: true }, { newestFirst: true })).toEqual(perMinuteRate(rows, { ...query, errorOnly: true }));
      if (fromH === 0) expect(full.eventsFound).toBeGreaterThan(2000);
    }
  });
});

describe('the rate behind an Insight', () => {
  it('counts only calls in the Insight\'s Region and account', () => {
    const insight = pairInsights(docPair())[0]!;
    const t = at('2024-03-05T14:30:00Z');
    const rows = [
      row({ time: t }),
      row({ time: t, region: 'eu-west-1' }),
      row({ time: t, account: '444455556666', recipientAccount: '444455556666' }),
    ];
    expect(insightSeries(insight, rows, NOW)!.eventsFound).toBe(1);
  });
});

describe('relatedEventsQuery with the real query language', () => {
  it('selects the calls from one minute before the Start to one minute after the End', async () => {
    const { compileQuery } = await import('../../src/query/index.js');
    const insight = pairInsights(docPair())[0]!;
    const compiled = compileQuery(relatedEventsQuery(insight), { now: NOW });
    if (!compiled.ok) throw new Error(compiled.error.message);
    const rows = [
      row({ time: at('2024-03-05T14:19:59Z') }), // before Start - 1 min
      row({ time: at('2024-03-05T14:20:00Z') }),
      row({ time: at('2024-03-05T14:30:00Z') }),
      row({ time: at('2024-03-05T14:38:59Z') }),
      row({ time: at('2024-03-05T14:39:30Z') }), // after End + 1 min
      row({ time: at('2024-03-05T14:30:00Z'), name: 'TerminateInstances' }),
      row({ time: at('2024-03-05T14:30:00Z'), source: 'ec2.example.com' }),
      row({ time: at('2024-03-05T14:30:00Z'), region: 'eu-west-1' }), // the Insight is per Region
      row({ time: at('2024-03-05T14:30:00Z'), account: '444455556666', recipientAccount: '444455556666' }), // and per account
      // The Insight's own Start and End records: same name, source, Region and account, but not calls.
      row({ time: at('2024-03-05T14:21:00Z'), eventType: 'AwsCloudTrailInsight', category: 'Insight' }),
      row({ time: at('2024-03-05T14:38:00Z'), eventType: 'AwsCloudTrailInsight', category: 'Insight' }),
    ];
    const matched = rows.filter((r) => compiled.query.test(r)).map((r) => new Date(r.time).toISOString());
    expect(matched).toEqual(['2024-03-05T14:20:00.000Z', '2024-03-05T14:30:00.000Z', '2024-03-05T14:38:59.000Z']);
  });

  it('keeps hostile names literal once quoted', async () => {
    const { compileQuery } = await import('../../src/query/index.js');
    const base = pairInsights(docPair())[0]!;
    const insight: Insight = { ...base, eventName: 'Run* "x" \\y' };
    const compiled = compileQuery(relatedEventsQuery(insight), { now: NOW });
    if (!compiled.ok) throw new Error(compiled.error.message);
    const t = at('2024-03-05T14:30:00Z');
    expect(compiled.query.test(row({ time: t, name: 'Run* "x" \\y' }))).toBe(true);
    expect(compiled.query.test(row({ time: t, name: 'RunInstances "x" \\y' }))).toBe(false);
  });
});
