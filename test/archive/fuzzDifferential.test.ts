/**
 * A seeded random-query differential test of the three query engines (differential.test.ts compares
 * them on a fixed list of hand-written queries; this one writes the queries itself):
 *
 * 1. in memory: compileNode over the loader's rows, and recordsMask over the records read back for
 *    the deep part (as scan and export test a folder);
 * 2. SQL on the DuckDB archive (schema 'archive'): must give exactly 1's ids, in 1's order;
 * 3. SQL for AWS's Athena table (schema 'cloudtrail'), run by DuckDB on the same archive: must give
 *    1's ids too, for the queries its generator writes. That generator leaves out the terms whose
 *    answer legitimately differs there (schema.ts, CLOUDTRAIL_DIFFERS in differential.test.ts), each
 *    with its reason below, rather than the assertion allowing a difference.
 *
 * The queries are ASTs built directly (ast.ts is the spec) and query-bar text parsed as the dashboard
 * parses it, from values the data holds: summary fields' values, record paths walked in the records
 * (through arrays too), source addresses (CIDR blocks around them), event times; mutated into
 * prefixes, suffixes, middles, other cases, stars in odd places and characters SQL and case folding
 * treat specially. A failure prints the seed, the side, the query's number and its AST as JSON (and
 * its text), enough to replay it (describeCase says how to read the JSON back).
 *
 * TRAILTOP_FUZZ_QUERIES (queries per side and engine, default 300) and TRAILTOP_FUZZ_SEED raise or move the run
 * for long local runs.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { archiveVocabulary } from '../../src/archive/vocabulary.js';
import { ORDER_BY } from '../../src/archive/query.js';
import { openFolder } from '../../src/ingest/open.js';
import { readRecord } from '../../src/ingest/read.js';
import { recordRef } from '../../src/model/recordBatch.js';
import type { EventRow } from '../../src/model/types.js';
import { forEachLeaf, hasDeepTerm, type FieldRef, type GlobPattern, type QueryNode, type ValueMatch } from '../../src/query/ast.js';
import { parseCidr, parseAddress } from '../../src/query/cidr.js';
import { compileNode } from '../../src/query/compile.js';
import { filterStore } from '../../src/query/filter.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { FIELDS, lookupField, type TextField } from '../../src/query/fields.js';
import { foldPattern } from '../../src/query/fold.js';
import { parseQuery } from '../../src/query/parse.js';
import { recordsMask } from '../../src/query/deep/recordsMask.js';
import { compileWhere, SqlCompileError, type FuzzyResolver } from '../../src/query/sql/index.js';
import { JSON_COLUMNS, cloudtrailSchema } from '../../src/query/sql/schema.js';
import { dialectNamed } from '../../src/query/sql/dialect.js';
import { text } from '../../src/model/actor.js';
import { pathValueMatcher } from '../../src/query/valueMatch.js';
import { fuzzyFromVocabulary } from '../../src/query/sql/fuzzy.js';
import { Vocabulary } from '../../src/query/vocabulary.js';
import { generateSamples } from '../../src/samples/pipeline.js';
import { int, pick, rng } from '../support/random.js';
import { tempFolder } from '../support/files.js';

const DATASETS = resolve(import.meta.dirname, '../../../shared/datasets');
const present = existsSync(DATASETS);
if (!present && process.env.CI) throw new Error(`datasets missing at ${DATASETS}`);

const QUERIES = Number(process.env.TRAILTOP_FUZZ_QUERIES ?? 300);
const SEED = Number(process.env.TRAILTOP_FUZZ_SEED ?? 0x5eed18);
/** Events of the generated folder: fewer than differential.test.ts's, as each query runs three times. */
const GENERATED_EVENTS = 3_000;
const NOW = Date.UTC(2024, 2, 5, 8);

type Loose = Record<string, unknown>;
type Random = () => number;

// ---------------------------------------------------------------------------------------------
// The data sides
// ---------------------------------------------------------------------------------------------

interface PathInfo {
  readonly path: readonly string[];
  /** Values met at its end (scalars as text, arrays and objects as JSON text), a few. */
  readonly values: string[];
  /** Some record walks an array before the path's end: AWS's table does not fan out there. */
  throughArray: boolean;
  /** Some record has an object or a list at the path's end. */
  structured: boolean;
}

interface Pool {
  /** Each summary text field's distinct non-empty values (a few hundred at most). */
  readonly summary: Map<string, string[]>;
  readonly paths: PathInfo[];
  /** Paths AWS's table answers as the archive does (see athenaPath). */
  readonly athenaPaths: PathInfo[];
  /** Substrings of the records' params text. */
  readonly params: string[];
  /** Source addresses and other address-like values. */
  readonly addresses: string[];
  /** Event times (epoch ms) that parsed. */
  readonly times: number[];
}

interface Side {
  readonly label: string;
  readonly archive: Archive;
  readonly store: EventStore;
  readonly rows: EventRow[];
  readonly vocabulary: Vocabulary;
  readonly records: (Loose | null)[];
  readonly pool: Pool;
  fuzzy?: FuzzyResolver;
  readonly cleanup: () => Promise<void>;
}

async function side(label: string, folder: string, cleanup: () => void): Promise<Side> {
  const scratch = tempFolder('trailtop-fuzz-');
  const archive = await openArchive(join(scratch.dir, 'fuzz.duckdb'));
  await importFolder(archive, folder);
  const loaded = openFolder(folder, { watch: false });
  await loaded.ready;
  await loaded.close();
  const store = loaded.store;
  const rows = store.rows().slice();
  const vocabulary = new Vocabulary();
  vocabulary.addRows(rows);
  const records: (Loose | null)[] = [];
  for (const row of rows) records.push((await readRecord(recordRef(row))) as Loose | null);
  const pool = poolOf(rows, records);
  await keepColumnsAsRecorded(archive, rows, records, pool);
  return {
    label,
    archive,
    store,
    rows,
    vocabulary,
    records,
    pool,
    cleanup: async () => {
      await archive.close();
      scratch.remove();
      cleanup();
    },
  };
}

const TEXT_FIELDS = FIELDS.filter((f): f is TextField => f.kind === 'text');
const MAX_VALUES = 300;
const MAX_PATH_VALUES = 40;

function addCapped(list: string[], seen: Set<string>, value: string, cap: number): void {
  if (value === '' || seen.has(value) || list.length >= cap) return;
  seen.add(value);
  list.push(value);
}

function poolOf(rows: readonly EventRow[], records: readonly (Loose | null)[]): Pool {
  const summary = new Map<string, string[]>();
  for (const field of TEXT_FIELDS) {
    const values: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      field.anyValue(row, (value) => {
        addCapped(values, seen, value, MAX_VALUES);
        return false;
      });
    }
    summary.set(field.name, values);
  }
  const byPath = new Map<string, PathInfo & { seen: Set<string> }>();
  const walk = (value: unknown, path: string[], throughArray: boolean, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(value)) {
      for (const element of value) if (typeof element === 'object' && element !== null) walk(element, path, true, depth + 1);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, inner] of Object.entries(value as Loose)) {
      const next = [...path, key];
      const name = next.join('.');
      let info = byPath.get(name);
      if (!info) {
        info = { path: next, values: [], throughArray: false, structured: false, seen: new Set() };
        byPath.set(name, info);
      }
      info.throughArray ||= throughArray;
      info.structured ||= typeof inner === 'object' && inner !== null;
      for (const text of endValues(inner)) addCapped(info.values, info.seen, text.length > 400 ? text.slice(0, 400) : text, MAX_PATH_VALUES);
      walk(inner, next, throughArray, depth + 1);
    }
  };
  const params: string[] = [];
  const paramsSeen = new Set<string>();
  const addresses: string[] = [];
  const addressesSeen = new Set<string>();
  for (const record of records) {
    if (!record) continue;
    walk(record, [], false, 0);
    for (const key of ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails']) {
      const value = record[key];
      if (value === null || value === undefined) continue;
      const text = JSON.stringify(value);
      if (text.length > 2) addCapped(params, paramsSeen, text, MAX_VALUES);
    }
  }
  for (const row of rows) addCapped(addresses, addressesSeen, row.sourceIp, MAX_VALUES);
  for (const info of byPath.values()) for (const value of info.values) if (parseAddress(value) || parseCidr(value)) addCapped(addresses, addressesSeen, value, MAX_VALUES * 2);
  const paths = [...byPath.values()].filter((info) => info.values.length > 0 || info.path.length > 0);
  const times = rows.map((row) => row.time).filter((t) => Number.isFinite(t));
  return { summary, paths, athenaPaths: paths.filter(athenaPath), params, addresses, times };
}

/** The values ast.ts says a path yields at its end, as text. */
function endValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [JSON.stringify(value)];
  if (value === null || typeof value !== 'object') return [];
  const out = Array.isArray(value) ? value.flatMap((element) => (typeof element === 'object' ? [] : endValues(element))) : [];
  out.push(JSON.stringify(value));
  return out;
}

/**
 * Whether AWS's table answers terms on the path as the archive does: not through an array met on the
 * way (Athena's json path does not fan out: schema.ts), not a key AWS's table lacks (AWS's table is
 * run here on the archive's columns, which since schema 9 are all of its), and one the cloudtrail schema
 * compiles for any value (a struct or a map answers only `:*`).
 */
function athenaPath(info: PathInfo): boolean {
  if (info.throughArray) return false;
  // resources is an array of structs on AWS's table: its elements' fields are list values, every
  // other resources path is refused there.
  if (info.path[0] === 'resources' && info.path.length !== 2) return false;
  // The archive's text columns, which AWS's table logic reads here, hold no object or list (a string
  // column of AWS's table would hold its JSON text).
  if (info.structured && !inJsonColumn(info.path)) return false;
  const probe: QueryNode = { kind: 'field', ref: { kind: 'path', path: info.path }, match: { kind: 'glob', pattern: { segments: ['x'], glob: false } } };
  try {
    compileWhere(probe, { dialect: 'duckdb', schema: 'cloudtrail' });
    return true;
  } catch (error) {
    if (error instanceof SqlCompileError) return false;
    throw error;
  }
}

/**
 * Leaves out of AWS's table's paths those whose column the archive filled with something other than
 * the record's text (AWS's table logic is run here on the archive's columns): the archive writes
 * several of them from the row normalize() made (archive/rowValues.ts), e.g. the errorMessage
 * 'Failure' of a failed console sign-in without one, or a lookup-events element's own values. On AWS's
 * table the column is the record's, so the difference is this test's, not the schema's.
 */
async function keepColumnsAsRecorded(archive: Archive, rows: readonly EventRow[], records: readonly (Loose | null)[], pool: Pool): Promise<void> {
  const schema = cloudtrailSchema(dialectNamed('duckdb'));
  const kept: PathInfo[] = [];
  for (const info of pool.athenaPaths) {
    if (inJsonColumn(info.path)) {
      kept.push(info);
      continue;
    }
    const column = schema.path(info.path, (prefix) => `${prefix}0`).scalars[0];
    if (column === undefined) continue;
    const result = await archive.connection.runAndReadAll(`SELECT eventid, ${column} FROM events`);
    const held = new Map(result.getRows().map((r) => [String(r[0]), r[1] === null ? null : String(r[1])]));
    const recorded = (record: Loose | null): string | null => {
      let value: unknown = record;
      for (const key of info.path) value = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose)[key] : undefined;
      const written = text(value);
      return written === '' ? null : written;
    };
    if (rows.every((row, k) => held.get(row.id) === recorded(records[k] ?? null))) kept.push(info);
    else if (process.env.TRAILTOP_FUZZ_VERBOSE) console.log(`AWS's table logic leaves out ${info.path.join('.')}: the archive's column is not the record's`);
  }
  pool.athenaPaths.splice(0, pool.athenaPaths.length, ...kept);
}

/**
 * Whether AWS's table holds the path inside a JSON text column. Elsewhere the path is a text column
 * or a struct field, which the archive writes NULL for an empty string, where AWS's table would hold
 * the '' (a path's '' is a value, ast.ts): a match that takes '' is not tried there.
 */
function inJsonColumn(path: readonly string[]): boolean {
  return JSON_COLUMNS.has(path[0] ?? '') && path.length > 1;
}

// ---------------------------------------------------------------------------------------------
// A folder of records whose values are the hard cases (the datasets hold few of them)
// ---------------------------------------------------------------------------------------------

const TRICKY_STRINGS = [
  'İSTANBUL-logs',
  'istanbul-logs',
  'ΟΔΟΣ',
  'οδος',
  'ΟΔΟς',
  'straße',
  'STRASSE',
  'K-kelvin',
  'Ω-ohm',
  'ǅemal',
  'ınvisible',
  'back\\slash',
  'quo"te',
  'ap\'os',
  '100%_done',
  'a_b%c',
  'abc',
  'tab\there',
  'line\nbreak',
  'emoji-🔥-x',
  'ﬁle-ligature',
  'ÀÉÎ-accents',
  'Ⅻ-roman',
  '𐐀-deseret',
  '',
  ' ',
  '*star*',
  '?',
  'null',
  'TRUE',
  'False',
  '12345',
  '-7',
  '1e21',
  'arn:aws:s3:::tricky-bucket/',
  'arn:aws:s3:::tricky-bucket/key/İ.txt',
  'x\\"y',
  '{"Effect":"Allow"}',
  'cr\rlf',
  'line\u2028sep',
  'nbsp\u00a0x',
  'long-ſ-s',
  'ﬀ-ligature',
];

const TRICKY_ADDRESSES = [
  '10.0.0.1',
  '10.255.3.4',
  '192.168.1.20',
  '172.16.5.5',
  '0.0.0.0',
  '255.255.255.255',
  '2001:db8::1',
  '2001:DB8:0:0:0:0:0:7',
  '2001:db8:ffff::abcd',
  '::ffff:10.1.2.3',
  '::FFFF:192.168.1.1',
  '0:0:0:0:0:ffff:10.9.8.7',
  '[2001:db8::5]',
  'fe80::1%eth0',
  '::ffff:a01:203',
  '::1',
  '::',
  '010.1.1.1',
  '1.2.3',
  'AWS Internal',
  'ec2.amazonaws.com',
  '64:ff9b::10.0.0.1',
];

const TRICKY_TIMES = [
  '2024-03-05T07:00:00Z',
  '2024-03-05T07:00:00Z',
  '2024-03-05T07:00:00.001Z',
  '2024-03-05T06:59:59.999Z',
  '2024-03-04T23:59:59Z',
  '2024-03-05T00:00:00Z',
  '2024-03-05T09:00:00+02:00',
  '2024-03-01T12:00:00Z',
  '2023-12-31T23:59:59Z',
  '2024-03-05T07:30:00Z',
];

function trickyRecords(count: number): Loose[] {
  const random = rng(0x7e1c);
  const later = rng(0x7e1d);
  const records: Loose[] = [];
  for (let k = 0; k < count; k++) {
    const s = (): string => pick(random, TRICKY_STRINGS);
    const user = s() || 'alice';
    const type = pick(random, ['IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser']);
    const identity: Loose = {
      type,
      principalId: `AIDA${k}`,
      arn: type === 'AssumedRole' ? `arn:aws:sts::111122223333:assumed-role/${user}/sess-${s()}` : `arn:aws:iam::111122223333:user/${user}`,
      accountId: pick(random, ['111122223333', '444455556666']),
      accessKeyId: pick(random, ['AKIAEXAMPLE', 'ASIATEMP', '', s()]),
      userName: user,
    };
    if (type === 'AssumedRole') {
      identity.sessionContext = {
        sessionIssuer: { type: 'Role', userName: s(), arn: `arn:aws:iam::111122223333:role/${s()}` },
        attributes: { mfaAuthenticated: pick(random, ['true', 'false']), creationDate: '2024-03-05T06:00:00Z' },
      };
    }
    const record: Loose = {
      eventVersion: '1.08',
      userIdentity: identity,
      eventTime: pick(random, TRICKY_TIMES),
      eventSource: pick(random, ['s3.amazonaws.com', 'iam.amazonaws.com', 'ec2.amazonaws.com', 'tricky.example']),
      eventName: pick(random, ['GetObject', 'PutBucketPolicy', 'ConsoleLogin', `Weird${s()}`, 'AuthorizeSecurityGroupIngress']),
      awsRegion: pick(random, ['us-east-1', 'eu-west-1', 'ap-south-1']),
      sourceIPAddress: pick(random, TRICKY_ADDRESSES),
      userAgent: pick(random, ['aws-cli/2.0', `agent ${s()}`, '[S3Console/0.4]']),
      requestParameters: pick(random, [
        null,
        { bucketName: s(), key: s() },
        { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: s() }] }), bucketName: 'tricky-bucket' },
        { ipPermissions: { items: [{ ipRanges: { items: [{ cidrIp: pick(random, ['0.0.0.0/0', '10.0.0.0/8', '2001:db8::/32']) }] }, fromPort: 22 }] } },
        { instancesSet: { items: [{ instanceId: 'i-0abc' }, { instanceId: s() }] }, count: pick(random, [1, 0.5, -3, 1e21, 1e-7]) },
        { tags: [s(), s()], nested: [[s(), 'deep'], ['i-1']], flag: pick(random, [true, false]), empty: '', none: null },
        { filter: { name: s(), values: [s(), 12, true, null] } },
        // Keys a JSON pointer escapes, that a path cannot type, or that name Object's own properties.
        JSON.parse(`{"we/ird~key": ${JSON.stringify(s())}, "quo\\"te": 1, "spa ce": [], "": "empty-key", "__proto__": {"x": ${JSON.stringify(s())}}, "constructor": {}}`) as Loose,
      ]),
      responseElements: pick(random, [null, { ConsoleLogin: pick(random, ['Success', 'Failure']) }, { credentials: { accessKeyId: 'ASIATEMP', expiration: s() } }]),
      additionalEventData: pick(random, [undefined, { MFAUsed: pick(random, ['Yes', 'No']), note: s() }]),
      requestID: `req-${k}`,
      eventID: `tricky-${k.toString().padStart(4, '0')}`,
      eventType: pick(random, ['AwsApiCall', 'AwsConsoleSignIn', 'AwsServiceEvent']),
      recipientAccountId: '111122223333',
      eventCategory: pick(random, ['Management', 'Data']),
    };
    const readOnly = pick(random, [true, false, 'true', 'FALSE', undefined]);
    if (readOnly !== undefined) record.readOnly = readOnly;
    if (random() < 0.3) record.errorCode = pick(random, ['AccessDenied', 'Client.UnauthorizedOperation', s()]);
    if (random() < 0.2) record.errorMessage = s() || 'Failed authentication';
    if (random() < 0.6) {
      record.resources = [
        { ARN: pick(random, ['arn:aws:s3:::tricky-bucket/', `arn:aws:s3:::tricky-bucket/${s()}`, `arn:aws:iam::111122223333:user/${s()}`, s()]), accountId: '111122223333', type: pick(random, ['AWS::S3::Object', 'AWS::IAM::User', 'AWS::S3::Bucket']) },
        ...(random() < 0.3 ? [{ ARNPrefix: 'arn:aws:s3:::tricky-bucket/prefix/', type: 'AWS::S3::Object' }] : []),
      ];
    }
    addLaterColumns(later, record);
    records.push(record);
  }
  return records;
}

/**
 * The fields of the columns archive schema 9 added (archive/laterColumns.ts), which queries read from
 * those columns where they hold the record's value: AWS's shapes and odd ones (a number, a boolean,
 * '', a list or an object where text belongs, a list on the way). Drawn from their own generator so
 * the records' other values stay those the seed gave before.
 */
function addLaterColumns(random: Random, record: Loose): void {
  const s = (): string => pick(random, TRICKY_STRINGS);
  const leaf = (): unknown => pick(random, [s(), s(), 'TLSv1.2', 'TLSv1.0', '', 7, 1e21, true, ['TLSv1.2', 'x'], { v: 'TLSv1.3' }, null]);
  if (random() < 0.7) {
    record.tlsDetails = pick(random, [
      { tlsVersion: pick(random, ['TLSv1.2', 'TLSv1.3', 'TLSv1.0', 'TLSv1.1']), cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 's3.us-east-1.amazonaws.com' },
      { tlsVersion: leaf(), cipherSuite: leaf(), clientProvidedHostHeader: leaf(), keyExchange: leaf() },
      [{ tlsVersion: leaf() }],
      leaf(),
    ]);
  }
  if (random() < 0.3) record.sessionCredentialFromConsole = pick(random, ['true', 'true', true, 'TRUE', '', leaf()]);
  if (random() < 0.3) record.vpcEndpointAccountId = pick(random, ['444455556666', 444455556666, '', leaf()]);
  if (random() < 0.3) record.addendum = pick(random, [{ reason: 'DELIVERY_DELAY' }, { reason: leaf(), updatedFields: leaf(), originalRequestID: leaf(), originalEventID: leaf() }, leaf()]);
  if (random() < 0.2) record.edgeDeviceDetails = pick(random, [{ type: 'outposts', deviceId: s() }, leaf(), { n: 1e21, list: [1, s()] }]);
  const identity = record.userIdentity as Loose;
  if (random() < 0.2) identity.sessionContext = { ...(identity.sessionContext as Loose | undefined), webIdFederationData: pick(random, [{ federatedProvider: 'accounts.google.com', attributes: { aud: s() } }, { federatedProvider: leaf() }, leaf()]) };
}

function trickyFolder(): { dir: string; remove: () => void } {
  const folder = tempFolder('trailtop-fuzz-tricky-');
  const dir = join(folder.dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2024', '03', '05');
  mkdirSync(dir, { recursive: true });
  const records = trickyRecords(240);
  for (let file = 0; file < 4; file++) {
    writeFileSync(join(dir, `111122223333_CloudTrail_us-east-1_20240305T0${file}00Z_tricky${file}.json`), JSON.stringify({ Records: records.slice(file * 60, file * 60 + 60) }));
  }
  return folder;
}

// ---------------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------------

/** What a query may hold: everything for the archive; for AWS's table, only what it promises to answer alike. */
interface Mode {
  readonly athena: boolean;
}

/** Characters that SQL's LIKE, its quoting, regular expressions, JSON escapes or case folding treat specially. */
const ODD = ['"', '\\', '%', '_', "'", 'İ', 'ı', 'ς', 'Σ', 'σ', 'ß', 'K', 'Ω', 'é', '.', '[', '(', '\n', '\u0000', '🔥', ':', '/', '\\"'];

function randomCase(random: Random, text: string): string {
  return [...text].map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');
}

/** A value written as the query would write it: `*` for a star, the rest literal. */
function mutate(random: Random, value: string): string {
  const chars = [...value];
  const n = chars.length;
  const a = int(random, 0, n);
  const b = int(random, a, n);
  switch (int(random, 0, 13)) {
    case 0:
    case 1:
      return value;
    case 2:
      return randomCase(random, value);
    case 3:
      return chars.slice(0, a).join('') + '*';
    case 4:
      return '*' + chars.slice(a).join('');
    case 5:
      return '*' + chars.slice(a, b).join('') + '*';
    case 6: {
      // Stars in odd places: doubled, at both ends, in place of a character.
      const out = chars.slice();
      for (let k = int(random, 1, 3); k > 0; k--) out.splice(int(random, 0, out.length), random() < 0.5 ? 1 : 0, pick(random, ['*', '**']));
      return out.join('');
    }
    case 7: {
      const out = chars.slice();
      out.splice(int(random, 0, out.length), 0, pick(random, ODD));
      return out.join('');
    }
    case 8: {
      // A character SQL's LIKE reads as a wildcard, in place of a real one.
      const out = chars.slice();
      if (out.length > 0) out[int(random, 0, out.length - 1)] = pick(random, ['_', '%', '\\', '"']);
      return out.join('');
    }
    case 9:
      return value.replace(/i/g, 'İ').replace(/s\b/g, 'Σ').replace(/I/g, 'ı');
    case 10:
      return value.toUpperCase();
    case 11:
      return chars.slice(a, b).join('');
    case 12:
      return random() < 0.5 ? '*' + pick(random, ODD) + '*' : value + pick(random, ['key', '/x', 'a/b.txt', 'İ']);
    default:
      return chars.slice(0, a).join('') + '*' + chars.slice(b).join('') + (random() < 0.3 ? '*' : '');
  }
}

function globPattern(text: string): GlobPattern {
  const segments = text.split('*').map(foldPattern);
  return { segments, glob: segments.length > 1 };
}

function regexEscape(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** A regular expression both JavaScript and RE2 read alike, from a value. */
function regexFrom(random: Random, value: string): { source: string; flags: string } {
  // Another case of the value's letters (K, the Kelvin sign, lowercases to k), tried with and without i.
  const chars = [...(random() < 0.35 ? randomCase(random, value) : value)];
  const a = int(random, 0, chars.length);
  const b = int(random, a, Math.min(chars.length, a + 12));
  let source = regexEscape(chars.slice(a, b).join(''));
  switch (int(random, 0, 7)) {
    case 0:
      source = '^' + source;
      break;
    case 1:
      source = source + '$';
      break;
    case 2:
      source = `^${regexEscape(chars.slice(0, a).join(''))}.*${source}`;
      break;
    case 3:
      source = `${source}[0-9]+`;
      break;
    case 4:
      source = `(${source}|${regexEscape(pick(random, ['x', 'Get', 'arn:', '.', 'İ']))})`;
      break;
    case 5:
      source = source.replace(/[a-z]/, '[a-z]');
      break;
    case 6:
      source = source.replace(/[^\\]/, pick(random, ['.', '\\s', '\\w', '\\W', '.+', '^.', '.$'])) + pick(random, ['', '.', '\\s', '.$', '\\b']);
      break;
    default:
      source = source.replace(/[0-9]/g, '\\d');
  }
  // A letter by its code point, as JavaScript writes one and RE2 does not.
  if (random() < 0.1) source = source.replace(/[A-Za-z\u00a0-\ud7ff\ue000-\uffff]/, (c) => (random() < 0.5 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : `\\u{${c.charCodeAt(0).toString(16)}}`));
  return { source, flags: random() < 0.4 ? 'i' : '' };
}

/** A CIDR block around a real address: v4, v6 or v4-mapped, any prefix length. */
function cidrAround(random: Random, address: string): string | null {
  const parsed = parseAddress(address);
  if (!parsed) return parseCidr(address) ? address : null;
  const bytes = parsed.bytes;
  if (!parsed.v6) {
    const bits = pick(random, [0, 1, 8, 12, 16, 23, 24, 25, 31, 32, int(random, 0, 32)]);
    const dotted = [...bytes].join('.');
    return random() < 0.2 ? `::ffff:${dotted}/${96 + bits}` : `${dotted}/${bits}`;
  }
  const bits = pick(random, [0, 16, 32, 48, 64, 96, 120, 127, 128, int(random, 0, 128)]);
  const groups: string[] = [];
  for (let k = 0; k < 16; k += 2) groups.push(((bytes[k]! << 8) | bytes[k + 1]!).toString(16));
  const text = random() < 0.5 ? groups.join(':') : groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  return `${text}/${bits}`;
}

class Generator {
  constructor(
    private readonly random: Random,
    private readonly pool: Pool,
    private readonly mode: Mode,
  ) {}

  /** The query: an `and` at the top, as parse.ts makes one. */
  query(): QueryNode {
    const count = int(this.random, 1, 3);
    const children: QueryNode[] = [];
    for (let k = 0; k < count; k++) children.push(this.node(int(this.random, 0, 3)));
    // A fuzzy word only at the top, alone: parse.ts refuses one beside a record path in a group.
    if (!this.mode.athena && this.random() < 0.08) children.push(this.fuzzyWord());
    return children.length === 1 ? children[0]! : { kind: 'and', children };
  }

  node(depth: number): QueryNode {
    const random = this.random;
    if (depth > 0 && random() < 0.5) {
      const roll = random();
      if (roll < 0.25) return { kind: 'not', child: this.node(depth - 1) };
      const children: QueryNode[] = [];
      for (let k = int(random, 0, 3); k >= 0; k--) children.push(this.node(depth - 1));
      if (random() < 0.03) children.length = 0;
      return { kind: roll < 0.6 ? 'and' : 'or', children };
    }
    return this.leaf();
  }

  leaf(): QueryNode {
    const random = this.random;
    const roll = random();
    if (roll < 0.4) return this.summaryLeaf();
    if (roll < 0.7) return this.pathLeaf();
    if (roll < 0.78) return this.paramsLeaf();
    if (roll < 0.88) return this.timeLeaf();
    if (roll < 0.93) return { kind: 'field', ref: { kind: 'summary', name: 'readonly' }, match: this.booleanMatch() };
    if (!this.mode.athena && roll < 0.98) return this.word();
    if (roll < 0.99) return { kind: 'const', value: random() < 0.5 };
    return { kind: 'tag', tag: pick(random, ['mark', 'rule'] as const), match: { kind: 'exists' } };
  }

  private booleanMatch(): ValueMatch {
    const random = this.random;
    const roll = random();
    if (roll < 0.7) return { kind: 'boolean', value: random() < 0.5 };
    if (roll < 0.8) return { kind: 'exists' };
    return { kind: 'glob', pattern: globPattern(mutate(random, pick(random, ['true', 'false', 'TRUE', 'tr', 'fals']))) };
  }

  /**
   * Summary fields AWS's table answers alike: not resource: or type: (resources named only in
   * requestParameters are not derived there, and a lookup-events element's Resources are not in its
   * record), not name: or source: (an Insight record without them takes them from insightDetails),
   * not id: (a record without eventID gets an id the table does not hold).
   */
  private summaryField(): TextField {
    const fields = this.mode.athena ? TEXT_FIELDS.filter((f) => !ATHENA_DIFFERS.has(f.name)) : TEXT_FIELDS;
    return pick(this.random, fields);
  }

  private summaryLeaf(): QueryNode {
    const random = this.random;
    const field = this.summaryField();
    const ref: FieldRef = { kind: 'summary', name: field.name };
    const values = this.pool.summary.get(field.name) ?? [];
    if (field.addresses && random() < 0.5) {
      const block = cidrAround(random, pick(random, this.pool.addresses.length > 0 ? this.pool.addresses : ['10.0.0.1']));
      if (block) return { kind: 'field', ref, match: { kind: 'cidr', cidr: block } };
    }
    return { kind: 'field', ref, match: this.valueMatch(values, false) };
  }

  private valueMatch(values: readonly string[], path: boolean): ValueMatch {
    const random = this.random;
    const value = values.length > 0 ? pick(random, values) : pick(random, ODD);
    const roll = random();
    if (roll < 0.12) return { kind: 'exists' };
    if (roll < 0.27) return { kind: 'regex', ...regexFrom(random, value) };
    if (roll < 0.33) {
      const block = cidrAround(random, pick(random, this.pool.addresses.length > 0 ? this.pool.addresses : ['10.0.0.1']));
      if (block) return { kind: 'cidr', cidr: block };
    }
    if (path && roll < 0.36) return { kind: 'boolean', value: random() < 0.5 };
    return { kind: 'glob', pattern: globPattern(mutate(random, value)) };
  }

  private pathLeaf(): QueryNode {
    const random = this.random;
    const paths = this.mode.athena ? this.pool.athenaPaths : this.pool.paths;
    if (paths.length === 0) return this.summaryLeaf();
    const info = pick(random, paths);
    const ref: FieldRef = { kind: 'path', path: info.path };
    let match = this.valueMatch(info.values, true);
    if (this.mode.athena && !inJsonColumn(info.path)) {
      // See inJsonColumn: the archive's columns lost the empty strings AWS's table keeps.
      for (let k = 0; k < 8 && pathValueMatcher(match)(''); k++) match = this.valueMatch(info.values, true);
      if (pathValueMatcher(match)('')) match = { kind: 'glob', pattern: globPattern('x*') };
    }
    return { kind: 'field', ref, match };
  }

  private paramsLeaf(): QueryNode {
    const random = this.random;
    const ref: FieldRef = { kind: 'params' };
    if (random() < 0.15) return { kind: 'field', ref, match: { kind: 'exists' } };
    const text = this.pool.params.length > 0 ? pick(random, this.pool.params) : '{}';
    const chars = [...text];
    const a = int(random, 0, chars.length);
    const b = int(random, a, Math.min(chars.length, a + 30));
    if (random() < 0.15) return { kind: 'field', ref, match: { kind: 'regex', ...regexFrom(random, text) } };
    // The query bar's params:TEXT is the glob *TEXT*.
    const inner = mutate(random, chars.slice(a, b).join(''));
    return { kind: 'field', ref, match: { kind: 'glob', pattern: globPattern(random() < 0.8 ? `*${inner}*` : inner) } };
  }

  private timeLeaf(): QueryNode {
    const random = this.random;
    const times = this.pool.times.length > 0 ? this.pool.times : [NOW];
    const at = pick(random, times) + pick(random, [0, 0, 0, -1, 1, -1000, 3_600_000]);
    switch (int(random, 0, 3)) {
      case 0:
        return { kind: 'time', min: at, max: Infinity, relative: false };
      case 1:
        return { kind: 'time', min: -Infinity, max: at, relative: false };
      case 2:
        return { kind: 'time', min: at, max: at + pick(random, [0, 1, 999, 86_400_000]), relative: false };
      default:
        return { kind: 'time', min: Math.min(at, pick(random, times)), max: Math.max(at, pick(random, times)), relative: false };
    }
  }

  private word(): QueryNode {
    const random = this.random;
    const fields = ['name', 'user', 'source', 'resource', 'ip', 'error', 'region', 'key'];
    const value = (): string => {
      const values = this.pool.summary.get(pick(random, fields)) ?? [];
      return values.length > 0 ? pick(random, values) : 'x';
    };
    // Sometimes across two values: a line break or a star between the end of one and the start of another.
    const roll = random();
    const text =
      roll < 0.15 ? `${[...value()].slice(-4).join('')}${pick(random, ['\n', '*', '\n\n'])}${[...value()].slice(0, 4).join('')}` : mutate(random, value());
    const segments = text.split('*').map(foldPattern);
    if (segments.every((s) => s === '')) return { kind: 'word', text: 'a', segments: ['a'], fuzzy: false };
    return { kind: 'word', text, segments, fuzzy: false };
  }

  private fuzzyWord(): QueryNode {
    const random = this.random;
    const values = (this.pool.summary.get(pick(random, ['name', 'user', 'source', 'error'])) ?? []).filter((v) => /^[A-Za-z]{5,20}$/.test(v));
    const value = values.length > 0 ? pick(random, values) : 'GetObject';
    const k = int(random, 1, value.length - 2);
    const typo = random() < 0.5 ? value.slice(0, k) + value.slice(k + 1) : value;
    return { kind: 'word', text: typo, segments: [foldPattern(typo)], fuzzy: true };
  }
}

/** Summary fields whose answer AWS's table legitimately differs on (see Generator.summaryField). */
const ATHENA_DIFFERS = new Set(['resource', 'type', 'name', 'source', 'id']);

// ---------------------------------------------------------------------------------------------
// Query-bar text
// ---------------------------------------------------------------------------------------------

/** A value as the query bar reads it: stars outside quotes glob, the rest quoted with \" and \\. */
function typed(value: string): string {
  const parts = value.split('*');
  return parts.map((part) => (part === '' ? '' : /^[A-Za-z0-9._:/@-]+$/.test(part) ? part : `"${part.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join('*');
}

function textTerm(random: Random, pool: Pool, mode: Mode): string {
  const roll = random();
  const negated = random() < 0.2 ? '-' : '';
  if (roll < 0.45) {
    const fields = mode.athena ? TEXT_FIELDS.filter((f) => !ATHENA_DIFFERS.has(f.name)) : TEXT_FIELDS;
    const field = pick(random, fields);
    const values = pool.summary.get(field.name) ?? [];
    if (field.addresses && random() < 0.4) {
      const block = cidrAround(random, pick(random, pool.addresses.length > 0 ? pool.addresses : ['10.0.0.1']));
      if (block) return `${negated}${field.name}:${block}`;
    }
    const value = random() < 0.1 || values.length === 0 ? '*' : mutate(random, pick(random, values));
    return `${negated}${pick(random, [field.name, ...field.aliases])}:${value === '' ? '*' : typed(value)}`;
  }
  if (roll < 0.75) {
    // The query bar only takes paths whose keys it can type.
    // The query bar only takes paths whose keys it can type; a record key the field table names
    // (eventName:) is that field, not the path.
    const typable = (p: PathInfo): boolean =>
      /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_-]+)+$/.test(p.path.join('.')) || (p.path.length === 1 && /^[A-Za-z]+$/.test(p.path[0]!) && lookupField(p.path[0]!) === undefined);
    const paths = (mode.athena ? pool.athenaPaths : pool.paths).filter(typable);
    if (paths.length > 0) {
      const info = pick(random, paths);
      const value = random() < 0.15 || info.values.length === 0 ? '*' : mutate(random, pick(random, info.values));
      return `${negated}${info.path.join('.')}:${value === '' ? '*' : typed(value)}`;
    }
  }
  if (roll < 0.82) {
    const text = pool.params.length > 0 ? pick(random, pool.params) : '{}';
    const a = int(random, 0, text.length);
    const value = mutate(random, text.slice(a, a + int(random, 1, 20)));
    return `${negated}params:${value === '' ? '*' : typed(value)}`;
  }
  if (roll < 0.9) {
    const at = new Date(pick(random, pool.times.length > 0 ? pool.times : [NOW]));
    const iso = at.toISOString();
    const value = pick(random, [iso, iso.slice(0, 10), iso.slice(0, 16) + 'Z', iso.slice(0, 19) + '+02:00', pick(random, ['30m', '2h', '7d', '400d', '3w'])]);
    return `${pick(random, ['from', 'to', 'since', 'until'])}:${value}`;
  }
  return `${negated}readonly:${pick(random, ['true', 'false', 'TRUE'])}`;
}

function textQuery(random: Random, pool: Pool, mode: Mode): string {
  const terms: string[] = [];
  for (let k = int(random, 1, 4); k > 0; k--) {
    const roll = random();
    if (roll < 0.08) {
      // The same field side by side (either value), or with AND (both).
      const first = textTerm(random, pool, mode);
      const field = /^-?([A-Za-z.]+):/.exec(first)?.[1];
      const second = textTerm(random, pool, mode).replace(/^(-?)[A-Za-z.]+:/, `$1${field ?? 'name'}:`);
      terms.push(`${first}${random() < 0.3 ? ' AND ' : ' '}${field && !/^(from|to|since|until)$/.test(field) ? second : first}`);
    } else if (roll < 0.15) terms.push(`(${textTerm(random, pool, mode)} OR ${textTerm(random, pool, mode)})`);
    else if (roll < 0.22) terms.push(`-(${textTerm(random, pool, mode)} ${textTerm(random, pool, mode)})`);
    else if (roll < 0.3) terms.push(`${textTerm(random, pool, mode)} AND`);
    else terms.push(textTerm(random, pool, mode));
  }
  return terms.join(' ').replace(/ AND$/, '');
}

// ---------------------------------------------------------------------------------------------
// Running a query
// ---------------------------------------------------------------------------------------------

/**
 * The in-memory answer, by the row test; and by the store's columns (seqTest, as the dashboard
 * filters), which must keep the same rows (for a deep query, the same superset before the records).
 */
function inMemory(s: Side, ast: QueryNode): { ids: string[]; columnsDiffer: boolean } {
  const query = compileNode(ast, { now: NOW, vocabulary: s.vocabulary });
  const kept = new Set(s.rows.filter((row) => query.test(row)));
  const byColumns = filterStore(s.store, query);
  const columnsDiffer = byColumns.length !== kept.size || byColumns.some((row) => !kept.has(row));
  const deep = hasDeepTerm(ast) ? recordsMask(s.records, ast, s.rows) : null;
  const ids = s.rows.filter((row, k) => kept.has(row) && (deep === null || deep[k] === 1)).map((row) => row.id);
  return { ids, columnsDiffer };
}

async function inSql(s: Side, ast: QueryNode, schema: 'archive' | 'cloudtrail'): Promise<string[]> {
  s.fuzzy ??= fuzzyFromVocabulary(await archiveVocabulary(s.archive));
  const where = compileWhere(ast, { dialect: 'duckdb', schema, fuzzy: s.fuzzy });
  const result = await s.archive.connection.runAndReadAll(`SELECT eventid FROM events WHERE ${where} ORDER BY ${ORDER_BY.newest}`);
  return result.getRows().map((r) => String(r[0]));
}

/** The first difference of two id lists, for the message. */
function difference(expected: readonly string[], actual: readonly string[]): string {
  const missing = expected.filter((id) => !actual.includes(id));
  const extra = actual.filter((id) => !expected.includes(id));
  if (missing.length === 0 && extra.length === 0) return 'same ids, other order';
  return `memory ${expected.length}, sql ${actual.length}; only in memory: ${missing.slice(0, 5).join(' ')}; only in SQL: ${extra.slice(0, 5).join(' ')}`;
}

/** A query made by the generator: its AST, and the text it was parsed from when it was text. */
interface Case {
  readonly ast: QueryNode;
  readonly text?: string;
}

function makeCase(random: Random, pool: Pool, mode: Mode): Case {
  if (random() < 0.3) {
    const text = textQuery(random, pool, mode);
    const parsed = parseQuery(text, { now: NOW, deepTerms: true });
    if (parsed.ok && (!mode.athena || !takesLostEmpty(parsed.ast))) return { ast: parsed.ast, text };
  }
  return { ast: new Generator(random, pool, mode).query() };
}

/** A path term outside AWS's JSON columns whose match takes '' (see inJsonColumn). */
function takesLostEmpty(ast: QueryNode): boolean {
  let found = false;
  forEachLeaf(ast, (leaf) => {
    if (leaf.kind === 'field' && leaf.ref.kind === 'path' && !inJsonColumn(leaf.ref.path) && pathValueMatcher(leaf.match)('')) found = true;
  });
  return found;
}

function describeCase(s: Side, engine: string, k: number, c: Case): string {
  const text = c.text === undefined ? '' : `\n  text: ${JSON.stringify(c.text)}`;
  // ±Infinity (an open time bound) as a string JSON can hold: revive it with JSON.parse(text, (_, v) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v)).
  const json = JSON.stringify(c.ast, (_, v: unknown) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v));
  return `[${s.label} ${engine} seed=${SEED} #${k}]${text}\n  ast: ${json}`;
}

function sideSeed(label: string, mode: Mode): number {
  let h = SEED ^ (mode.athena ? 0xa7e4a : 0);
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function fuzz(label: string, load: () => Promise<Side>): void {
  describe(`random queries, three engines: ${label}`, () => {
    let s: Side;
    beforeAll(async () => {
      s = await load();
    }, 240_000);
    afterAll(() => s?.cleanup());

    for (const engine of ['archive', 'cloudtrail'] as const) {
      it(`${engine === 'archive' ? 'the DuckDB archive' : "AWS's Athena table logic"} gives the in-memory events, in order (${QUERIES} queries)`, async () => {
        const mode: Mode = { athena: engine === 'cloudtrail' };
        const random = rng(sideSeed(s.label, mode));
        const failures: string[] = [];
        let informative = 0;
        for (let k = 0; k < QUERIES; k++) {
          const c = makeCase(random, s.pool, mode);
          let memory: string[];
          let sql: string[];
          try {
            const answer = inMemory(s, c.ast);
            memory = answer.ids;
            if (answer.columnsDiffer) failures.push(`${describeCase(s, engine, k, c)}\n  the store's columns keep other rows than the row test`);
            sql = await inSql(s, c.ast, engine);
          } catch (error) {
            failures.push(`${describeCase(s, engine, k, c)}\n  threw: ${(error as Error).message.slice(0, 300)}`);
            continue;
          }
          if (memory.length > 0 && memory.length < s.rows.length) informative++;
          if (sql.length !== memory.length || sql.some((id, i) => id !== memory[i])) {
            failures.push(`${describeCase(s, engine, k, c)}\n  ${difference(memory, sql)}`);
          }
        }
        expect(failures.slice(0, 10).join('\n\n') + (failures.length > 10 ? `\n\n... and ${failures.length - 10} more` : '')).toBe('');
        // Not trivially equal: most queries pick some events and leave others.
        expect(informative).toBeGreaterThan(QUERIES / 4);
      }, 240_000);
    }
  });
}

describe.skipIf(!present)('datasets', () => {
  fuzz('../shared/datasets', () => side('datasets', DATASETS, () => undefined));
});

fuzz('hand-made records with the hard values (case folding, SQL wildcards, quotes, addresses, numbers)', () => {
  const folder = trickyFolder();
  return side('tricky', folder.dir, folder.remove);
});

fuzz(`a generated folder (${GENERATED_EVENTS} events)`, async () => {
  const folder = tempFolder('trailtop-fuzz-gen-');
  generateSamples({ out: folder.dir, events: GENERATED_EVENTS, seed: 'fuzz' });
  return side('generated', folder.dir, folder.remove);
});
