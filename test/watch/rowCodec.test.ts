import { describe, expect, it } from 'vitest';
import { packRows, unpackRows } from '../../src/ingest/rowCodec.js';
import { normalize } from '../../src/model/normalize.js';
import { makeEvent } from './helpers.js';
import { RecordBatch, requestIdOf } from '../../src/model/recordBatch.js';
import { plainRow } from '../support/rows.js';

describe('row packing between worker and main thread', () => {
  it('gives back rows equal to the originals, field by field, through a structured clone', () => {
    const records: object[] = [
      { ...makeEvent('a', 1), requestID: 'req-a' },
      { ...makeEvent('b', 2), requestID: 'req-b', readOnly: true, errorCode: 'AccessDenied', resources: [{ type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::logs' }] },
      { ...makeEvent('c', 3), readOnly: 'false', eventTime: 'ThisIsAWrongEventTime' },
      {
        eventVersion: '1.07', eventTime: '2024-03-05T12:00:00Z', eventID: 'i', requestID: 'C4E3F9D1-7A5B-4C2E-9F00-1234567890AB', sharedEventID: 'shared-1', eventType: 'AwsCloudTrailInsight', awsRegion: 'us-east-1',
        insightDetails: { state: 'Start', eventSource: 'ec2.amazonaws.com', eventName: 'RunInstances', insightType: 'ApiCallRateInsight',
          insightContext: { statistics: { baseline: { average: 0.1 }, insight: { average: 3 } } } },
      },
      { ...makeEvent('a2', 1), requestID: 'req-a2' },
    ];
    const batch = new RecordBatch('/logs/f.json');
    const rows = records.map((record, index) => normalize(record, batch, index));
    expect(rows.map(requestIdOf)).toEqual(['req-a', 'req-b', '', 'C4E3F9D1-7A5B-4C2E-9F00-1234567890AB', 'req-a2']);
    const packed = packRows(rows);
    const copy = structuredClone(packed);
    const seen: string[] = [];
    const back = unpackRows(copy, (value) => {
      seen.push(value);
      return value;
    });
    expect(back.map(plainRow)).toEqual(rows.map(plainRow));
    // The same properties in the same order as normalize makes them: one hidden class for all rows.
    for (const row of back) expect(Object.keys(row)).toEqual(Object.keys(rows[0]!));
    // Repeated values cross once: 'us-east-1' is one table entry however many rows carry it.
    expect(seen.filter((value) => value === 'us-east-1')).toHaveLength(1);
    expect(seen.filter((value) => value === 'alice')).toHaveLength(1);
  });

  it('packs an empty batch', () => {
    expect(unpackRows(packRows([]), (v) => v)).toEqual([]);
  });
});
