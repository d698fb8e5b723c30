/**
 * Top values (T) where one value comes in several spellings, within an event
 * and across events: the archive's SQL gives the in-memory answer, and each
 * count is what its pivot lists on both engines. Events name none, one, two
 * and three resources (the SQL has a path without a lambda for two or fewer).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { readEventFile } from '../../src/ingest/read.js';
import { listFolder } from '../../src/ingest/walk.js';
import { pivotQuery } from '../../src/investigate/pivot.js';
import { TOP_FIELDS, topValues } from '../../src/investigate/topValues.js';
import { compileQuery, filterRows } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { archiveOf, type TestArchive } from './helpers.js';

const bucket = (name: string) => ({ ARN: `arn:aws:s3:::${name}`, type: 'AWS::S3::Bucket' });

function records(): object[] {
  const resources = [
    [],
    [bucket('Logs')],
    [bucket('logs')],
    [bucket('LOGS'), bucket('logs')],
    [bucket('logs'), bucket('Logs'), bucket('other')],
    [bucket('other'), bucket('Other')],
    [bucket('other'), { ARN: 'arn:aws:s3:::logs/', type: 'AWS::S3::Object' }],
  ];
  return resources.map((list, k) => ({
    eventID: `ev-${k}`,
    eventTime: `2024-03-05T10:0${k}:00Z`,
    eventSource: 's3.amazonaws.com',
    eventName: k % 2 ? 'GetObject' : 'getobject',
    awsRegion: 'us-east-1',
    // The caller's account in another case than the recipient's on some events: one account there.
    recipientAccountId: k % 3 === 0 ? 'acct-a' : 'acct-b',
    userIdentity: { type: 'IAMUser', userName: k % 2 ? 'Alice' : 'alice', accountId: k % 3 === 0 ? 'ACCT-A' : 'acct-c' },
    ...(list.length > 0 ? { resources: list } : {}),
  }));
}

describe('top values with one value in several spellings', () => {
  let archive: TestArchive;
  let session: ArchiveSession;
  let store: EventStore;
  beforeAll(async () => {
    archive = await archiveOf(records());
    session = new ArchiveSession(archive.archive);
    store = new EventStore(0);
    for (const path of (await listFolder(archive.folder)).files) store.add((await readEventFile(path)).rows);
    store.flush();
  });
  afterAll(() => archive?.close());

  it('counts each event once per value, the same in SQL as in memory, and each count is what its pivot lists', async () => {
    const rows = store.rows();
    for (const { field, queryField } of TOP_FIELDS) {
      const memory = topValues(store, rows, field, 20);
      const sql = await session.topValues(field, null, 20);
      expect(sql.values.map((v) => [v.value, v.count]), field).toEqual(memory.values.map((v) => [v.value, v.count]));
      expect([sql.rows, sql.empty, sql.distinct], field).toEqual([memory.rows, memory.empty, memory.distinct]);
      for (const v of memory.values) {
        const query = pivotQuery('', { field: queryField, value: v.value }, 'replace');
        const compiled = compileQuery(query);
        if (!compiled.ok) throw new Error(compiled.error.message);
        const filter = await session.filter(query);
        if (!filter.ok) throw new Error(filter.message);
        expect(filterRows(rows, compiled.query).length, `${query} in memory`).toBe(v.count);
        expect((await archive.ids(filter.where ?? 'true')).length, `${query} as SQL`).toBe(v.count);
      }
    }
    // logs in three spellings over four events (one with two of them, one with three names; each credits the spelling that sorts first), other over three.
    const resources = topValues(store, rows, 'resource', 20).values.map((v) => [v.value, v.count]);
    expect(resources).toEqual([
      ['Logs', 4],
      ['other', 3],
      ['logs/', 1],
    ]);
    expect(topValues(store, rows, 'account', 20).values.map((v) => [v.value, v.count])).toEqual([
      ['acct-b', 4],
      ['acct-c', 4],
      ['ACCT-A', 3],
    ]);
  });
});
