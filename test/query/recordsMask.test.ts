import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/ingest/read.js';
import { recordsMask } from '../../src/query/deep/recordsMask.js';
import { compileQuery } from '../../src/query/index.js';
import { tempFolder } from '../support/files.js';

/** One `aws cloudtrail lookup-events` element: its Resources and Username lie outside the record (CloudTrailEvent). */
const LOOKUP_ELEMENT = {
  EventId: 'e1',
  EventName: 'RunInstances',
  Username: 'outer-user',
  Resources: [{ ResourceType: 'AWS::EC2::NetworkInterface', ResourceName: 'eni-0123' }],
  CloudTrailEvent: JSON.stringify({
    eventVersion: '1.08',
    eventID: 'e1',
    eventTime: '2022-02-07T22:19:05Z',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    requestParameters: { instanceType: 't2.micro' },
  }),
};

describe('recordsMask: the records decide only the deep part', () => {
  it.each([
    ['type:EC2::NetworkInterface requestParameters.instanceType:t2.micro', 1],
    ['resource:eni-0123 requestParameters:*', 1],
    ['user:outer-user params:*micro*', 1],
    ['-type:EC2::NetworkInterface requestParameters:*', 0],
    // In a group with a record path, a summary term is decided with the path, on the loader's row.
    ['type:EC2::NetworkInterface OR requestParameters.nothing:*', 1],
    ['(user:outer-user resource:eni-0123) OR params:*nothing*', 1],
    ['-(type:EC2::NetworkInterface OR requestParameters.nothing:*)', 0],
  ])('%s on a lookup-events element: the row test and the mask together', async (text, count) => {
    const folder = tempFolder('records-mask-');
    try {
      const path = join(folder.dir, 'lookup.jsonl');
      writeFileSync(path, JSON.stringify(LOOKUP_ELEMENT) + '\n');
      const read = await readEventFile(path, { records: true });
      const compiled = compileQuery(text, { deepTerms: true });
      if (!compiled.ok) throw new Error(compiled.error.message);
      const query = compiled.query;
      // As scan/job.ts tests a file: the row (which has the element's Resources and Username) and the record.
      const mask = recordsMask(read.records ?? [], query.ast, read.rows);
      const matched = read.rows.filter((row, k) => query.test(row) && mask[k] === 1);
      expect(matched.length).toBe(count);
    } finally {
      folder.remove();
    }
  });
});
