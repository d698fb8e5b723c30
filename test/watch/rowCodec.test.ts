import { describe, expect, it } from 'vitest';
import { packRows, RowPacker, unpackRows } from '../../src/ingest/rowCodec.js';
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

  it('sends an S3 object name as the tail of its ARN, not as a value of its own', () => {
    const batch = new RecordBatch('/logs/s3.json');
    const arn = 'arn:aws:s3:::bucket-1/reports/2024/03/05/object-1.csv';
    const record = { ...makeEvent('s', 1, 'GetObject'), resources: [{ type: 'AWS::S3::Object', ARN: arn }, { type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::bucket-1' }] };
    const rows = [normalize(record, batch, 0)];
    const names = rows[0]!.resources.map((resource) => resource.name);
    expect(names).toEqual(['bucket-1/reports/2024/03/05/object-1.csv', 'bucket-1']);
    const packed = packRows(rows);
    expect(packed.table).toContain(arn);
    expect(packed.table).not.toContain(names[0]);
    expect(packed.table).not.toContain('bucket-1');
    expect(unpackRows(structuredClone(packed), (value) => value).map(plainRow)).toEqual(rows.map(plainRow));
  });

  it('stops looking up a field whose values do not repeat, and still gives back every row', () => {
    const packer = new RowPacker(8);
    const batchOf = (file: string, ips: string[]) => {
      const batch = new RecordBatch(file);
      return ips.map((ip, index) => normalize({ ...makeEvent(`${file}-${index}`, index), sourceIPAddress: ip }, batch, index));
    };
    const copiesOf = (table: string[], value: string) => table.filter((entry) => entry === value).length;
    // A repeated address in rows that are not neighbours: one table entry while the field is looked up.
    const first = batchOf('/logs/a.json', ['198.51.100.1', '198.51.100.2', '198.51.100.1']);
    const packedFirst = packer.pack(first);
    expect(copiesOf(packedFirst.table, '198.51.100.1')).toBe(1);
    expect(unpackRows(structuredClone(packedFirst), (value) => value).map(plainRow)).toEqual(first.map(plainRow));
    // Addresses that never repeat: the packer gives the field up.
    for (let k = 0; k < 4; k++) packer.pack(batchOf(`/logs/n${k}.json`, [0, 1, 2, 3].map((i) => `10.0.${k}.${i}`)));
    const later = batchOf('/logs/b.json', ['198.51.100.1', '198.51.100.2', '198.51.100.1']);
    const packedLater = packer.pack(later);
    expect(copiesOf(packedLater.table, '198.51.100.1')).toBe(2);
    // Other fields still share one entry per batch.
    expect(copiesOf(packedLater.table, 'us-east-1')).toBe(1);
    expect(unpackRows(structuredClone(packedLater), (value) => value).map(plainRow)).toEqual(later.map(plainRow));
  });
});
