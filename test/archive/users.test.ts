/**
 * `user:` on the archive reads tt_users (schema 5: every user value lowercased, escaped, one per line)
 * instead of tt_actor, tt_principalarn and the tt_usernames list. Its answers must equal the in-memory
 * engine's, with hostile names (line breaks, backslashes, the text `\n`, non-ASCII case). Older
 * archives are brought up to it by upgrade.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/ingest/read.js';
import { listFolder } from '../../src/ingest/walk.js';
import type { EventRow } from '../../src/model/types.js';
import { compileNode } from '../../src/query/compile.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveOf, iamUserRecord, type TestArchive } from './helpers.js';

const iam = (userName: string, id: string): object => iamUserRecord(id, userName, { errorCode: 'AccessDenied' });

const assumed = (role: string, session: string, id: string): object => ({
  eventVersion: '1.08',
  eventID: id,
  eventTime: '2024-03-05T08:01:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  awsRegion: 'us-east-1',
  userIdentity: {
    type: 'AssumedRole',
    principalId: `AROA:${session}`,
    arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
    accountId: '111122223333',
    sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROA', arn: `arn:aws:iam::111122223333:role/${role}`, accountId: '111122223333', userName: role } },
  },
});

const RECORDS: object[] = [
  iam('alice', 'e-alice'),
  iam('Svc-Reporting', 'e-svc'),
  iam('p\nx', 'e-newline'), // a real line break: `*nx` must not match it through the escape
  iam('p\\nx', 'e-backslash-n'), // the text backslash-n: `*nx` matches
  iam('x\\', 'e-trailing-backslash'),
  iam('a\\\\b', 'e-two-backslashes'),
  iam('ÄLICE', 'e-upper-nonascii'),
  iam('', 'e-empty-name'),
  iam('dot.star*plus+', 'e-regex-chars'),
  assumed('deploy-role', 'ci-run', 'e-assumed'),
  assumed('Role\nTwo', 'sess\\', 'e-assumed-hostile'),
  { eventVersion: '1.08', eventID: 'e-no-identity', eventTime: '2024-03-05T08:02:00Z', eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity' },
];

const QUERIES = [
  'user:alice',
  'user:svc-reporting',
  'user:svc-*',
  'user:*nx',
  'user:p*',
  'user:*x',
  'user:x\\',
  'user:*\\',
  'user:a\\\\b',
  'user:a\\*b',
  'user:älice',
  'user:*lice',
  'user:dot.star*plus+',
  'user:dot.st*',
  'user:*.*',
  'user:*',
  '-user:*',
  'user:deploy-role',
  'user:*:assumed-role/*',
  'user:*/*',
  'user:role*two*',
  'user:*sess\\',
  'error:AccessDenied user:alice',
  '-user:alice',
  'user:nobody',
];

describe('user: on the archive (tt_users) = the in-memory engine, hostile names', () => {
  let archive: TestArchive;
  let rows: EventRow[] = [];
  beforeAll(async () => {
    archive = await archiveOf(RECORDS, 4);
    rows = [];
    for (const file of (await listFolder(archive.folder)).files) rows.push(...(await readEventFile(file)).rows);
  });
  afterAll(() => archive?.close());

  it.each(QUERIES)('%s', async (text) => {
    const parsed = parseQuery(text, { deepTerms: true });
    if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
    const where = compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'archive' });
    const query = compileNode(parsed.ast, {});
    const memory = rows.filter((row) => query.test(row)).map((row) => row.id).sort();
    expect(await archive.ids(where)).toEqual(memory);
  });

  it('answers user: globs from tt_users alone, not the list of names', () => {
    for (const text of ['user:alice', 'user:*nx', 'user:svc-*']) {
      const parsed = parseQuery(text, {});
      if (!parsed.ok) throw new Error(text);
      const where = compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'archive' });
      expect(where).toContain('tt_users');
      expect(where).not.toContain('tt_usernames');
    }
  });

  it('an escaped line break never lines up with the text after it: `*nx` matches only the name ending in nx', async () => {
    expect(await archive.ids(compileWhere((parseQuery('user:*nx', {}) as { ok: true; ast: never }).ast, { dialect: 'duckdb' }))).toEqual(['e-backslash-n']);
  });
});
