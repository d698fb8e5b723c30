/**
 * Case folding, differentially: the DuckDB archive (compileWhere, schema 'archive': DuckDB's lower(),
 * LIKE, regexp_matches over tt_users) must select exactly the events the in-memory engine does
 * (compileNode over the store's rows, compileRecordMatcher over the records read back for deep terms,
 * as differential.test.ts runs them; and the dashboard's column scan, filterStore). The values and the
 * typed queries hold letters where JavaScript's toLowerCase() and DuckDB's lower() part ways or were
 * suspected to: İ (U+0130) and a Σ ending a word (both engines now fold them as query/fold.ts says:
 * İ is i, every sigma σ), ẞ/ß, the Kelvin sign, ſ, ϐ, Cherokee, dotless ı, the Angstrom sign,
 * full-width letters and the titlecase digraph ǅ. Every spelling of a specimen is both stored (in
 * every case-insensitive field) and typed (in every kind of term), so each pair is compared.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { archiveVocabulary } from '../../src/archive/vocabulary.js';
import { deliveryTime, fileOrder } from '../../src/ingest/order.js';
import { readEventFile, readRecord } from '../../src/ingest/read.js';
import { listFolder } from '../../src/ingest/walk.js';
import { recordRef } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';
import { hasDeepTerm, type QueryNode } from '../../src/query/ast.js';
import { compileNode } from '../../src/query/compile.js';
import { filterStore } from '../../src/query/filter.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere, type FuzzyResolver } from '../../src/query/sql/index.js';
import { fuzzyFromVocabulary } from '../../src/query/sql/fuzzy.js';
import { Vocabulary } from '../../src/query/vocabulary.js';
import { EventStore } from '../../src/store/eventStore.js';
import { recordsJson, tempFolder } from '../support/files.js';

/** Spellings of one word, each stored as a value and typed as a query. */
const SPECIMENS: Record<string, readonly string[]> = {
  // JS lowercases İ to i + U+0307 (two code points), DuckDB to a plain i: both fold it to i. ı (dotless) is its own letter in both.
  'dotted capital I (U+0130)': ['İSTANBUL', 'İstanbul', 'istanbul', 'ISTANBUL', 'i\u0307stanbul', 'ıstanbul'],
  // JS lowercases a Σ ending a word to ς, DuckDB always to σ: both fold every sigma to σ.
  'final sigma': ['ΟΔΟΣ', 'Οδος', 'οδος', 'οδοσ'],
  'sharp s': ['STRAẞE', 'straße', 'STRASSE'],
  'Kelvin sign (U+212A)': ['\u212AELVIN', 'KELVIN', 'kelvin'],
  'long s': ['ſam', 'SAM', 'sam'],
  'Greek beta symbol': ['ϐeta', 'Βeta', 'βeta'],
  Cherokee: ['ᏣᎳᎩ', 'Ꮳꮃꭹ', 'ꮳꮃꭹ'],
  'Angstrom sign (U+212B)': ['\u212BNGSTROM', 'ÅNGSTROM', 'ångstrom'],
  'full-width': ['ＡＤＭＩＮ', 'Ａｄｍｉｎ', 'ａｄｍｉｎ'],
  'titlecase digraph': ['ǅemal', 'ǄEMAL', 'ǆemal', 'DŽemal'],
};

const FORMS: readonly string[] = Object.values(SPECIMENS).flat();

/** A value's code points beyond ASCII spelt U+XXXX, so ids and test names say which letter it is. */
function spelt(value: string): string {
  return [...value].map((c) => (c.codePointAt(0)! < 128 ? c : `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)).join('');
}

const ACCOUNT = '111122223333';

/** An IAM user named `form`, calling Get<form> on <form>.amazonaws.com, on bucket <form>, failing with <form>. */
function iamRecord(form: string, k: number): object {
  return {
    eventVersion: '1.08',
    eventID: `iam-${k}-${spelt(form)}`,
    eventTime: `2024-03-05T08:${String(k % 60).padStart(2, '0')}:00Z`,
    eventSource: `${form}.amazonaws.com`,
    eventName: `Get${form}`,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: `agent/${form}`,
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/${form}`, accountId: ACCOUNT, userName: form },
    errorCode: form,
    errorMessage: 'denied',
    requestParameters: { bucketName: form },
    resources: [{ ARN: `arn:aws:s3:::${form}`, accountId: ACCOUNT, type: 'AWS::S3::Bucket' }],
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
  };
}

/** A role session named `form` of the role Role-<form>, event name <form>, an ARNPrefix <form>/, bucket logs-<form>. */
function roleRecord(form: string, k: number): object {
  return {
    eventVersion: '1.08',
    eventID: `role-${k}-${spelt(form)}`,
    eventTime: `2024-03-05T09:${String(k % 60).padStart(2, '0')}:00Z`,
    eventSource: 's3.amazonaws.com',
    eventName: form,
    awsRegion: 'eu-west-1',
    sourceIPAddress: '198.51.100.9',
    userAgent: form,
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${form}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Role-${form}/${form}`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:role/Role-${form}`, accountId: ACCOUNT, userName: `Role-${form}` } },
    },
    requestParameters: { bucketName: `logs-${form}`, key: 'k' },
    resources: [{ ARNPrefix: `arn:aws:s3:::${form}/`, accountId: ACCOUNT, type: 'AWS::S3::Object' }],
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCOUNT,
  };
}

const RECORDS: object[] = FORMS.flatMap((form, k) => [iamRecord(form, k), roleRecord(form, k)]);

/** Each kind of term, with the typed spelling `t` on the case-insensitive side. */
const TERMS: readonly ((t: string) => string)[] = [
  // user: reads tt_users (lower() of every name, one per line) with = / regexp_matches.
  (t) => `user:${t}`,
  (t) => `user:*${t}`,
  (t) => `user:${t}*`,
  (t) => `user:role-${t}/${t}`,
  (t) => `user:*/${t}`,
  (t) => `user:arn:aws:iam::${ACCOUNT}:user/${t}`,
  // The last letter alone after a `*`: lowercased apart from the word it ends (a final Σ is then σ).
  (t) => `user:${t.slice(0, -1)}*${t.slice(-1)}`,
  // name: lower(tt_name) = / LIKE.
  (t) => `name:Get${t}`,
  (t) => `name:${t}`,
  (t) => `name:*${t}`,
  (t) => `name:get${t}*`,
  // source: has a short form (.amazonaws.com optional).
  (t) => `source:${t}`,
  (t) => `source:${t}.amazonaws.com`,
  (t) => `source:${t}*`,
  // resource: names and ARNs, and ARNPrefixes covering a longer ARN.
  (t) => `resource:${t}`,
  (t) => `resource:arn:aws:s3:::${t}`,
  (t) => `resource:*:::${t}`,
  (t) => `resource:arn:aws:s3:::${t}/key`,
  (t) => `resource:${t}/`,
  (t) => `error:${t}`,
  (t) => `error:*${t}`,
  (t) => `agent:agent/${t}`,
  (t) => `agent:${t}`,
  (t) => `agent:*/${t}`,
  // Deep terms: the record read back in memory, JSON in the archive.
  (t) => `requestParameters.bucketName:${t}`,
  (t) => `requestParameters.bucketName:*-${t}`,
  (t) => `requestParameters.bucketName:${t.slice(0, -1)}*${t.slice(-1)}`,
  (t) => `userIdentity.userName:${t}`,
  (t) => `userIdentity.sessionContext.sessionIssuer.userName:role-${t}`,
  (t) => `params:${t}`,
  // Plain words: substring of the search text (fuzzy too, for 4 to 48 letters), quoted, negated, globbed.
  (t) => t,
  (t) => `"${t}"`,
  (t) => `-${t}`,
  (t) => `get${t}`,
  (t) => `*${t}`,
  (t) => `${t}*`,
  (t) => `${t.slice(0, -1)}*${t.slice(-1)}`,
];

const QUERIES: readonly string[] = [...new Set(TERMS.flatMap((term) => FORMS.map(term)))];

interface Loaded {
  archive: Archive;
  store: EventStore;
  rows: EventRow[];
  vocabulary: Vocabulary;
  records: Map<EventRow, Record<string, unknown> | null>;
  fuzzy: FuzzyResolver;
  cleanup: () => Promise<void>;
}

/** The folder in memory as differential.test.ts loads it (files in file order, first copy kept), and imported into an archive. */
async function load(): Promise<Loaded> {
  const scratch = tempFolder('trailtop-casefold-');
  const folder = join(scratch.dir, 'logs');
  mkdirSync(folder);
  for (let k = 0; k * 16 < RECORDS.length; k++) {
    writeFileSync(join(folder, `part-${String(k).padStart(4, '0')}.json`), recordsJson(RECORDS.slice(k * 16, (k + 1) * 16)));
  }
  const archive = await openArchive(join(scratch.dir, 'casefold.duckdb'));
  await importFolder(archive, folder);
  const listing = await listFolder(folder);
  const files = fileOrder(listing.files.map((path) => ({ path, key: deliveryTime(path, statSync(path).mtimeMs) })));
  const store = new EventStore(0);
  for (const file of files) store.add((await readEventFile(file.path)).rows);
  const rows = store.rows().slice();
  const vocabulary = new Vocabulary();
  vocabulary.addRows(rows);
  const records = new Map<EventRow, Record<string, unknown> | null>();
  for (const row of rows) records.set(row, await readRecord(recordRef(row)));
  const fuzzy = fuzzyFromVocabulary(await archiveVocabulary(archive));
  return {
    archive,
    store,
    rows,
    vocabulary,
    records,
    fuzzy,
    cleanup: async () => {
      await archive.close();
      scratch.remove();
    },
  };
}

/** The event ids a query selects: in memory (row test, or the record matcher for deep terms), by the dashboard's column scan, and in the archive. */
async function answers(s: Loaded, ast: QueryNode): Promise<{ memory: string[]; columns: string[] | null; archive: string[] }> {
  let memory: string[];
  let columns: string[] | null = null;
  if (hasDeepTerm(ast)) {
    const matcher = compileRecordMatcher(ast, { vocabulary: s.vocabulary, deepTerms: true });
    memory = s.rows
      .filter((row) => {
        const record = s.records.get(row);
        return record !== null && record !== undefined && matcher(record);
      })
      .map((r) => r.id);
  } else {
    const query = compileNode(ast, { vocabulary: s.vocabulary });
    memory = s.rows.filter((row) => query.test(row)).map((r) => r.id);
    columns = filterStore(s.store, query).map((r) => r.id).sort();
  }
  const where = compileWhere(ast, { dialect: 'duckdb', schema: 'archive', fuzzy: s.fuzzy });
  const result = await s.archive.connection.runAndReadAll(`SELECT eventid FROM events WHERE ${where}`);
  const archive = result.getRows().map((r) => String(r[0]));
  return { memory: memory.sort(), columns, archive: archive.sort() };
}

function parsed(text: string): QueryNode {
  const result = parseQuery(text, { deepTerms: true });
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.ast;
}

describe('case folding: the DuckDB archive = the in-memory engine', () => {
  let s: Loaded;
  const informative: string[] = [];
  beforeAll(async () => {
    s = await load();
  });
  afterAll(() => s?.cleanup());

  it('holds the same events', async () => {
    const count = Number((await s.archive.connection.runAndReadAll('SELECT count(*) FROM events')).getRows()[0]![0]);
    expect(count).toBe(RECORDS.length);
    expect(s.rows.length).toBe(RECORDS.length);
  });

  it.each(QUERIES.map((q) => [spelt(q), q] as const))('%s', async (_name, text) => {
    const { memory, columns, archive } = await answers(s, parsed(text));
    if (memory.length > 0 && memory.length < s.rows.length) informative.push(text);
    if (columns !== null) expect(columns, 'the column scan (filterStore) = the row test').toEqual(memory);
    expect(archive, 'archive (SQL) = memory').toEqual(memory);
  });

  // Sigma rules reach the same AST with regex matches (detect/sigmaValues.ts piecesMatch: flags 'iu' when
  // case-insensitive), run on the archive by `detect --db` as RE2 `(?i)`: JS /iu folds with Unicode simple
  // case folding, RE2 with its own fold orbits.
  const REGEXES: readonly [field: string, source: string][] = [
    ['user', '^i\u0307stanbul$'],
    ['user', '^istanbul$'],
    ['user', '^İSTANBUL$'],
    ['user', '^οδοσ$'],
    ['user', '^ΟΔΟΣ$'],
    ['user', '^strasse$'],
    ['user', '^straße$'],
    ['user', '^kelvin$'],
    ['user', '^sam$'],
    ['user', '^βeta$'],
    ['user', '^ꮳꮃꭹ$'],
    ['user', '^ångstrom$'],
    ['user', '^ａｄｍｉｎ$'],
    ['user', '^ǆemal$'],
    ['name', '^get[\\s\\S]*ς$'],
    ['name', '^GET[\\s\\S]STANBUL$'],
    ['error', '^[\\s\\S]*ſ[\\s\\S]*$'],
  ];

  it.each(REGEXES.map(([field, source]) => [`${field} =~ /${spelt(source)}/iu`, field, source] as const))('Sigma regex %s', async (_name, field, source) => {
    const ast: QueryNode = { kind: 'field', ref: { kind: 'summary', name: field }, match: { kind: 'regex', source, flags: 'iu' } };
    const { memory, archive } = await answers(s, ast);
    expect(archive, 'archive (SQL) = memory').toEqual(memory);
  });

  it('most queries select some events and not others (the comparison is not trivial)', () => {
    expect(informative.length).toBeGreaterThan(QUERIES.length / 2);
  });
});
