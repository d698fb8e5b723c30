/**
 * The archive's fuzzy vocabulary (archive/vocabulary.ts) lists each field's values in the order the
 * dashboard's Vocabulary learns them: by arrival, and inside one event the actor before its user names,
 * and its resources in their order. It ordered by arrival alone, so the values of one event came in
 * whatever order DuckDB's sort left them, and where a field's 5,000 values end inside an event, a
 * fuzzy word meant other values from one run to the next (`assumerole` counted 53,935 events, then
 * 53,878, on the same 1M high-card archive).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveVocabulary } from '../../src/archive/vocabulary.js';
import { openFolder } from '../../src/ingest/open.js';
import { FUZZY_FIELDS } from '../../src/query/fields.js';
import { Vocabulary } from '../../src/query/vocabulary.js';
import { archiveOf, type TestArchive } from './helpers.js';

const RECORDS = Array.from({ length: 120 }, (_, k) => ({
  eventID: `e-${k}`,
  eventTime: new Date(Date.UTC(2024, 2, 5, 8, 0, k)).toISOString(),
  eventName: 'AssumeRole',
  eventSource: 'sts.amazonaws.com',
  userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::111122223333:assumed-role/role-${k}/session-${k}` },
  resources: [{ ARN: `arn:aws:iam::111122223333:role/z-${k}` }, { ARN: `arn:aws:iam::111122223333:role/a-${k}` }, { ARN: `arn:aws:s3:::m-${k}` }],
}));

/** Each fuzzy field's values, in the order the vocabulary holds them. */
function byField(vocabulary: Vocabulary): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let entry = 0; entry < vocabulary.count; entry++) (out[FUZZY_FIELDS[vocabulary.fieldOf(entry)]!.name] ??= []).push(vocabulary.value(entry));
  return out;
}

describe("the archive's fuzzy vocabulary", () => {
  let archive: TestArchive;
  beforeAll(async () => {
    // One file: the events arrive in this order in both.
    archive = await archiveOf(RECORDS, RECORDS.length);
  });
  afterAll(() => archive?.close());

  it("lists each field's values in the dashboard's order: by arrival, an event's own in its order", async () => {
    const loaded = openFolder(archive.folder, { watch: false });
    await loaded.ready;
    await loaded.close();
    const memory = new Vocabulary();
    memory.update(loaded.store);
    const want = byField(memory);
    // Not trivially: an event has several user names and resources.
    expect(want.user!.length).toBeGreaterThan(2 * RECORDS.length);
    expect(want.resource!.length).toBe(3 * RECORDS.length);
    expect(byField(await archiveVocabulary(archive.archive))).toEqual(want);
  });
});
