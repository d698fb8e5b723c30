import { describe, expect, it } from 'vitest';
import { buildDetail, rateChange, resourceQuery } from '../../src/ui/detailModel.js';
import { makeRow } from './fixtures.js';
import { markLossy } from '../../src/model/recordBatch.js';

describe('detail model', () => {
  it('lists the summary fields and one console and Config link per resource, or says a link is not available', () => {
    const row = makeRow({
      errorCode: 'AccessDenied',
      errorMessage: 'not allowed',
      resources: [
        { type: 'AWS::S3::Bucket', name: 'logs-bucket', arn: 'arn:aws:s3:::logs-bucket', accountId: '' },
        { type: 'AWS::Made::Up', name: 'mystery', arn: '', accountId: '' },
      ],
    });
    const model = buildDetail(row, 'utc');
    const labels = model.lines.map((l) => l.label);
    for (const label of ['Event time', 'User name', 'Access key', 'Event source', 'Event name', 'AWS region', 'Source IP', 'Event ID', 'Request ID', 'Read-only', 'Error code', 'Error message', 'User agent', 'Account', 'Event type', 'Category']) {
      expect(labels).toContain(label);
    }
    const resourceLinks = model.links.filter((l) => l.resource && l.kind !== 'value');
    expect(resourceLinks.map((l) => [l.resource!.name, l.kind])).toEqual([
      ['logs-bucket', 'console'],
      ['logs-bucket', 'config'],
      ['mystery', 'console'],
      ['mystery', 'config'],
    ]);
    expect(resourceLinks[0]!.url).toContain('s3.console.aws.amazon.com');
    expect(resourceLinks[2]!.url).toBeNull();
    expect(model.lines.filter((l) => l.value.startsWith('Link not available')).map((l) => l.value)).toEqual([
      'Link not available: no console page known for this resource type',
      'Link not available: no Config timeline known for this resource type',
    ]);
    expect(resourceLinks[2]!.unavailable).toBe('Link not available: no console page known for this resource type');
  });

  // The Error code column shows a failed sign-in's errorMessage; in the details that message was no pivot.
  it('pivots from a failed console sign-in\'s Error message on error:, as its Error code column shows it; another message is no pivot', () => {
    const pivotOf = (row: ReturnType<typeof makeRow>) => buildDetail(row, 'utc').links.find((l) => l.label === 'Error message')?.pivot;
    expect(pivotOf(makeRow({ name: 'ConsoleLogin', errorCode: '', errorMessage: 'Failed authentication' }))).toEqual({ field: 'error', value: 'Failed authentication' });
    expect(pivotOf(makeRow({ name: 'GetObject', errorCode: 'AccessDenied', errorMessage: 'not allowed' }))).toBeUndefined();
  });

  it('shows an eventTime that did not parse as written, without a zone that would make it read as a time', () => {
    const line = (row: ReturnType<typeof makeRow>) => buildDetail(row, 'utc').lines.find((l) => l.label === 'Event time')!.value;
    expect(line(makeRow({ time: Number.NaN, timeRaw: 'ThisIsAWrongEventTime' }))).toBe('ThisIsAWrongEventTime (not a readable time)');
    expect(line(makeRow({ time: Number.NaN, timeRaw: '' }))).toBe('none in the record');
    expect(line(makeRow({ time: Date.UTC(2024, 2, 5, 14, 0, 0) }))).toBe('2024-03-05 14:00:00 UTC');
  });

  it('shows Insights statistics with the rate change as insight over baseline', () => {
    expect(rateChange(1, 3)).toBe('↑ 300%');
    expect(rateChange(4, 1)).toBe('↓ 25%');
    const row = makeRow({
      eventType: 'AwsCloudTrailInsight',
      insight: {
        state: 'Start',
        eventSource: 'ec2.amazonaws.com',
        eventName: 'RunInstances',
        insightType: 'ApiCallRateInsight',
        errorCode: '',
        baselineAverage: 1,
        insightAverage: 3,
        insightDuration: 5,
        baselineDuration: 10080,
        attributions: [{ attribute: 'errorCode', insight: [{ value: 'null', average: 3 }], baseline: [] }],
      },
    });
    const text = buildDetail(row, 'utc').lines.map((l) => `${l.label}: ${l.value}`).join('\n');
    expect(text).toContain('Rate change: ↑ 300%');
    expect(text).toContain('Insight type: ApiCallRateInsight');
    expect(text).toContain('Top error codes: None (no error) (3)');
  });

  it('shows small Insights averages as the Insights view does, not rounded to 0.0001 or 0', () => {
    // The AWS documentation's CompleteLifecycleAction Insight: a baseline of 0.0000882145 calls a minute.
    const insightOf = (baselineAverage: number) =>
      makeRow({
        eventType: 'AwsCloudTrailInsight',
        insight: {
          state: 'Start',
          eventSource: 'autoscaling.amazonaws.com',
          eventName: 'CompleteLifecycleAction',
          insightType: 'ApiCallRateInsight',
          errorCode: '',
          baselineAverage,
          insightAverage: 0.6,
          insightDuration: 5,
          baselineDuration: 11336,
          attributions: [{ attribute: 'userAgent', insight: [{ value: 'codedeploy.amazonaws.com', average: 0.6 }], baseline: [{ value: 'codedeploy.amazonaws.com', average: baselineAverage }] }],
        },
      });
    const text = (row: ReturnType<typeof makeRow>) => buildDetail(row, 'utc').lines.map((l) => `${l.label}: ${l.value}`).join('\n');
    expect(text(insightOf(0.0000882145))).toContain('Baseline avg: 0.0000882 /min over 11336 min');
    expect(text(insightOf(0.0000882145))).toContain('Insight avg: 0.6 /min over 5 min');
    expect(text(insightOf(0.0000882145))).toContain('  baseline: codedeploy.amazonaws.com (0.0000882)');
    expect(text(insightOf(0.00004))).toContain('Baseline avg: 0.00004 /min');
    expect(text(insightOf(85.4202380952))).toContain('Baseline avg: 85.4 /min');
  });

  it('says a row rebuilt from a CSV export has no full record, first; other rows say nothing', () => {
    const row = makeRow({});
    markLossy(row.batch, row.recordIndex);
    const lines = buildDetail(row, 'utc').lines;
    expect(lines[0]).toMatchObject({ label: 'Source', value: 'CSV export: only these columns are known; no full record' });
    expect(buildDetail(makeRow({}), 'utc').lines.some((l) => l.label === 'Source')).toBe(false);
  });

  it('builds the resource timeline query from the ARN, else the name', () => {
    expect(resourceQuery({ type: 'AWS::S3::Bucket', name: 'b', arn: 'arn:aws:s3:::b', accountId: '' })).toBe('resource:"arn:aws:s3:::b"');
    expect(resourceQuery({ type: 'AWS::IAM::User', name: 'alice', arn: '', accountId: '' })).toBe('resource:"alice"');
  });
});
