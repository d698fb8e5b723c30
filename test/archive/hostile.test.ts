/**
 * Hostile but valid CloudTrail JSON through the archive import: every place
 * the stager reads (rowValues.ts stagedLine, schema.ts stagedRows) gets wrong
 * JSON types, control characters, lone surrogates, odd times and huge
 * numbers, hand-written and from a seeded generator. The import must not
 * fail, must report files as the in-memory reader (readEventFile) reads them,
 * must keep one row per id the reader finds, and each row must hold what the
 * reader made of its record (lone surrogates as U+FFFD: the documented
 * exception).
 */
import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder, type ImportOptions, type ImportSummary } from '../../src/archive/import.js';
import { LATER_COLUMNS } from '../../src/archive/laterColumns.js';
import { pageEvents } from '../../src/archive/query.js';
import { readEventFile } from '../../src/ingest/read.js';
import { READ_SHAPES } from '../../src/ingest/scanFolder.js';
import { pathsInFileOrder } from '../../src/ingest/order.js';
import { listFolder } from '../../src/ingest/walk.js';
import { text } from '../../src/model/actor.js';
import { parseEventTime } from '../../src/model/normalize.js';
import { rowFingerprint } from '../../src/model/contentCheck.js';
import { requestIdOf, sharedEventIdOf, timeRawOf } from '../../src/model/recordBatch.js';
import { stringifyJson } from '../../src/model/stringify.js';
import { parseQuery } from '../../src/query/parse.js';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { compileWhere } from '../../src/query/sql/index.js';
import { archiveInexactLeavesSql, schema8InexactLeavesSql } from '../../src/query/sql/schema.js';
import type { BadFile, EventRow } from '../../src/model/types.js';
import { int, pick, rng, seedFor } from '../robustness/random.js';
import { tempFolder } from '../support/files.js';
import { markSchema } from './helpers.js';

type Loose = Record<string, unknown>;

const SEED = seedFor(0x4057113);
/** Records the generator writes (a few hundred: the whole test stays well under 10 s). */
const RANDOM_RECORDS = 400;

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

/** Strings no field is safe from. */
const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '  padded  ',
  'tab\there',
  '\t',
  'cr\rlf\nboth\r\n',
  '\n',
  '\r',
  'nul\u0000byte',
  '\u0000',
  'back\\slash',
  '\\',
  '\\\\',
  '"leading quote',
  '"',
  '""',
  '"quoted"',
  "single'quote",
  '\\N',
  '\\n',
  'N',
  'NULL',
  'null',
  'true',
  '😀 emoji 🦆',
  '\ud800',
  'lone \udc00 low',
  'a\ud83d',
  '\udfff\ud800',
  '\u2028line\u2029sep',
  '\ufeffbom first',
  'bom after\ufeff',
  '\u0085nel',
  '\u001b[31mansi\u001b[0m',
  '\u007f\u009b',
  'e\u0301 中文 עברית',
  'İstanbul ΣΑΣ ẞ ǅ',
  '{"looks":"like json"}',
  '[1,2]',
  '\\u0000',
  '\\ud800',
  'x'.repeat(5000),
];

/** Values of the wrong JSON type for a text field. */
const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  5e-324,
  12345678901234567890,
  {},
  [],
  { a: 1 },
  ['x', 1],
  [[[]]],
];

/** Times of every odd kind: years 0000 and 9999, offsets, junk, numbers (seconds, ms, huge), wrong types. */
const TIMES: readonly unknown[] = [
  '2024-03-05T08:00:00Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0099-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
  '9999-12-31T23:59:59.999999999+23:59',
  '0000-01-01T00:00:00.000-23:59',
  '2024-02-29T12:00:00Z',
  '2023-02-29T12:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-03-05 08:00:00',
  '2024-03-05T08:00:00',
  '2024-03-05',
  '2024-03-05T08:00:60Z',
  '  2024-03-05T08:00:00Z  ',
  '2024-03-05T08:00:00+0530',
  '2024-03-05T08:00:00,123456Z',
  '2024-03-05T08:00:00Z\u0000',
  '+275760-09-13T00:00:00Z',
  'yesterday',
  '',
  '\\N',
  '"2024-03-05T08:00:00Z"',
  0,
  -1,
  1,
  1.5,
  1700000000,
  1700000000.999,
  1.7e12,
  99999999999,
  -62167219200,
  253402300799,
  1e15,
  -1e15,
  8.64e15,
  true,
  null,
  {},
  [],
  ['2024-03-05T08:00:00Z'],
  { time: '2024-03-05T08:00:00Z' },
];

/** eventTime numbers past what a BIGINT of epoch ms holds (the reader keeps them as numbers). */
const HUGE_TIMES: readonly number[] = [1e308, -1e308, 12345678901234567890, 9.3e18, -9.3e18, 1e21, Number.MAX_SAFE_INTEGER * 2048];

/** Every top-level text field the stager writes. */
const TEXT_FIELDS = [
  'eventID',
  'eventVersion',
  'eventTime',
  'eventName',
  'eventSource',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestID',
  'eventType',
  'apiVersion',
  'readOnly',
  'recipientAccountId',
  'sharedEventID',
  'eventCategory',
  'vpcEndpointId',
] as const;

const JSON_FIELDS = ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails'] as const;

/** An own property, even one named __proto__ (as JSON.parse makes it). */
function put(object: Loose, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function objectWith(entries: readonly (readonly [string, unknown])[]): Loose {
  const object: Loose = {};
  for (const [key, value] of entries) put(object, key, value);
  return object;
}

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let k = 0; k < depth; k++) value = k % 2 === 0 ? [value] : { d: value };
  return value;
}

/** JSON values for requestParameters and the like: wrong kinds, huge numbers, odd keys, deep nesting. */
const JSON_VALUES: readonly unknown[] = [
  'a string',
  '',
  '\ud800',
  0,
  -0,
  1e308,
  -1e308,
  5e-324,
  12345678901234567890,
  true,
  false,
  [],
  {},
  [1, 'two', null, [3], { four: 4 }],
  objectWith([
    ['', 'empty key'],
    ['__proto__', { polluted: true }],
    ['constructor', 'c'],
    ['\ud800', '\udfff'],
    ['tab\tkey\nline', '\u0000'],
    ['"', '\\N'],
    ['😀', '\u2028'],
  ]),
  { big: 12345678901234567890, tiny: 5e-324, neg: -0, max: 1.7976931348623157e308 },
  nested(500, 'deep'),
  nested(3000, { leaf: '\ud800' }),
];

function identityCases(): unknown[] {
  const cases: unknown[] = ['an identity string', 7, true, [], [{ type: 'IAMUser' }], {}];
  // Wrong types at every level.
  for (const bad of WRONG_TYPES) {
    cases.push({ type: bad, principalId: bad, arn: bad, accountId: bad, invokedBy: bad, accessKeyId: bad, userName: bad });
    cases.push({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/R/s', sessionContext: bad });
    cases.push({ type: 'AssumedRole', sessionContext: { sessionIssuer: bad, attributes: bad, sourceIdentity: bad, ec2RoleDelivery: bad } });
    cases.push({
      type: 'AssumedRole',
      sessionContext: { sessionIssuer: { type: bad, principalId: bad, arn: bad, accountId: bad, userName: bad }, attributes: { mfaAuthenticated: bad, creationDate: bad } },
    });
    cases.push({ type: 'IdentityCenterUser', onBehalfOf: bad });
    cases.push({ type: 'IdentityCenterUser', onBehalfOf: { userId: bad, identityStoreArn: bad } });
  }
  cases.push({ type: 'AssumedRole', sessionContext: 'a session string' });
  cases.push({ type: 'AssumedRole', sessionContext: { sessionIssuer: ['arn:aws:iam::1:role/R'] } });
  cases.push({ type: 'AssumedRole', sessionContext: { sessionIssuer: { userName: 'R' }, attributes: ['x'] } });
  // Hostile strings at every level.
  for (const s of NASTY_STRINGS) {
    cases.push({ type: 'IAMUser', userName: s, arn: `arn:aws:iam::111122223333:user/${s}`, accountId: s, accessKeyId: s, principalId: s });
    cases.push({
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${s}/${s}`,
      sessionContext: { sessionIssuer: { type: 'Role', userName: s, arn: s }, attributes: { mfaAuthenticated: s, creationDate: s }, sourceIdentity: s, ec2RoleDelivery: s },
    });
    cases.push({ type: 'IdentityCenterUser', onBehalfOf: { userId: s, identityStoreArn: s } });
    cases.push({ type: s, invokedBy: s });
  }
  return cases;
}

function resourcesCases(): unknown[] {
  const cases: unknown[] = [
    { ARN: 'arn:aws:s3:::bucket', type: 'AWS::S3::Bucket' },
    'arn:aws:s3:::bucket',
    7,
    true,
    null,
    [],
    [null, 'arn:aws:s3:::b', 5, [], true, {}],
    [{ ARNPrefix: 'arn:aws:s3:::bucket/prefix/', type: 'AWS::S3::Object', accountId: '111122223333' }],
    [{ ARN: 5, accountId: true, type: {} }],
    [{ ARN: [], ARNPrefix: {}, accountId: null, type: ['AWS::S3::Object'] }],
    [{ ARN: '', ARNPrefix: '' }],
  ];
  for (const s of NASTY_STRINGS) cases.push([{ ARN: s, accountId: s, type: s }, { ARNPrefix: `arn:aws:s3:::${s}`, type: s }]);
  return cases;
}

/** The hand-written records: each hostile value alone in a plain record, so a failure names its case. */
function namedRecords(): Loose[] {
  const records: Loose[] = [];
  const base = (id: string): Loose => ({
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T08:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
  });
  let n = 0;
  for (const field of TEXT_FIELDS) {
    for (const value of [...NASTY_STRINGS, ...WRONG_TYPES]) {
      const record = base(`field-${field}-${n++}`);
      put(record, field, value);
      records.push(record);
    }
    const absent = base(`field-${field}-absent-${n++}`);
    delete absent[field];
    records.push(absent);
  }
  for (const time of TIMES) records.push({ ...base(`time-${n++}`), eventTime: time });
  for (const identity of identityCases()) records.push({ ...base(`identity-${n++}`), userIdentity: identity });
  for (const resources of resourcesCases()) records.push({ ...base(`resources-${n++}`), resources });
  for (const field of JSON_FIELDS) for (const value of JSON_VALUES) records.push({ ...base(`json-${field}-${n++}`), [field]: value });
  // A failed console sign-in (errorMessage from responseElements) and the Insights shape, with hostile values.
  records.push({ ...base(`console-${n++}`), eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: '\ud800' } });
  records.push({ ...base(`console-${n++}`), eventName: 'ConsoleLogin', responseElements: 'Failure' });
  records.push({ ...base(`insight-${n++}`), eventName: 5, eventSource: null, insightDetails: { eventName: '\t', eventSource: '\ud800', insightContext: 'x' } });
  // An eventID that reads as the staging NULL, one that is a JSON string, long ones.
  records.push(base('\\N'), base('"\\N"'), base('x'.repeat(100_000)), base(`\ufeff${'y'.repeat(10)}`));
  // Records with every field hostile at once.
  for (const [k, s] of NASTY_STRINGS.entries()) {
    const record: Loose = { eventID: `all-${k}-${s}` };
    for (const field of TEXT_FIELDS) if (field !== 'eventID') put(record, field, s);
    record.userIdentity = { type: s, userName: s, arn: s, accountId: s, accessKeyId: s, sessionContext: { sessionIssuer: { userName: s, arn: s } } };
    record.resources = [{ ARN: s, type: s, accountId: s }];
    for (const field of JSON_FIELDS) record[field] = { [s]: s };
    records.push(record);
  }
  return records;
}

/** Records with the numbers as written (JSON.stringify would write -0 as 0 and round the big integer): raw JSON text. */
const RAW_NUMBERS_FILE = `{"Records":[
{"eventID":"raw-numbers","eventTime":"2024-03-05T08:00:00Z","readOnly":-0,"requestParameters":{"a":-0,"b":12345678901234567890,"c":1e308,"d":-1E+308,"e":5e-324,"f":1e-400,"g":1.0,"h":123456789012345678901234567890e-10,"i":0.1e1,"j":-0.0},"responseElements":-0,"additionalEventData":1e308,"serviceEventDetails":12345678901234567890},
{"eventID":"raw-escapes\\u0000\\ud800\\/","eventName":"\\ud800\\udc00 a pair from escapes","userAgent":"\\u0000\\u001f\\\\N","requestParameters":{"\\ud800":"\\udfff","\\udc00":"x","__proto__":{"polluted":true},"":""},"userIdentity":{"type":"IAMUser","userName":"\\udbff"}},
{"eventID":"raw-duplicate-keys","eventName":"first","eventName":"second","requestParameters":{"k":1,"k":2}},
{"eventID":"raw-sci-id","recipientAccountId":1.1e1,"vpcEndpointId":-0,"errorCode":1E2},
{"eventID":"raw-infinite","vpcEndpointAccountId":1e400,"sessionCredentialFromConsole":-1e400,"tlsDetails":{"tlsVersion":1e999,"cipherSuite":[1e400]},"userAgent":1e400}
]}`;

// ---------------------------------------------------------------------------------------------
// The seeded generator
// ---------------------------------------------------------------------------------------------

const KEYS: readonly string[] = ['a', 'b', '', '__proto__', 'constructor', '\ud800', 'tab\tkey', '"q"', '😀', 'ARN', 'eventID'];

/** A JSON value as JSON.parse could return it (no undefined, NaN or Infinity: a file cannot hold them). */
function randomJson(random: () => number, depth: number): unknown {
  const kind = depth > 5 ? int(random, 0, 3) : int(random, 0, 6);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return pick(random, [0, -0, 1.5, -3e21, 1e-7, 42, 1e308, -1e308, 5e-324, 12345678901234567890, -9007199254740993]);
    case 3:
      return randomString(random);
    case 4:
    case 5: {
      const object: Loose = {};
      for (let k = int(random, 0, 4); k > 0; k--) put(object, pick(random, KEYS), randomJson(random, depth + 1));
      return object;
    }
    default:
      return Array.from({ length: int(random, 0, 4) }, () => randomJson(random, depth + 1));
  }
}

/** One to three hostile pieces, or a plain word. */
function randomString(random: () => number): string {
  if (random() < 0.2) return pick(random, ['GetObject', 'us-east-1', 'alice', 'AccessDenied', '1.08']);
  let out = '';
  for (let k = int(random, 1, 3); k > 0; k--) out += pick(random, NASTY_STRINGS).slice(0, 200);
  return out;
}

/** A copy of a shared value (the generator adds keys to the objects it picks). */
const fresh = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** A value for a text field: plain, hostile text, the wrong type, or a random JSON value. */
function randomField(random: () => number): unknown {
  const r = random();
  if (r < 0.3) return randomString(random);
  if (r < 0.6) return fresh(pick(random, WRONG_TYPES));
  if (r < 0.75) return randomJson(random, 3);
  return pick(random, ['GetObject', 's3.amazonaws.com', 'us-east-1', '203.0.113.9', 'true', 'false', 'Management']);
}

function maybe(random: () => number, record: Loose, key: string, value: () => unknown): void {
  if (random() < 0.8) put(record, key, value());
}

function randomLeaves(random: () => number, keys: readonly string[]): unknown {
  if (random() < 0.2) return randomField(random);
  const object: Loose = {};
  for (const key of keys) maybe(random, object, key, () => randomField(random));
  return object;
}

function randomIdentity(random: () => number): unknown {
  if (random() < 0.15) return randomField(random);
  const identity = randomLeaves(random, ['type', 'principalId', 'arn', 'accountId', 'invokedBy', 'accessKeyId', 'userName']);
  if (typeof identity !== 'object' || identity === null || Array.isArray(identity)) return identity;
  const object = identity as Loose;
  if (random() < 0.5) object.type = pick(random, ['IAMUser', 'AssumedRole', 'Root', 'IdentityCenterUser', 'AWSService', '']);
  maybe(random, object, 'onBehalfOf', () => randomLeaves(random, ['userId', 'identityStoreArn']));
  maybe(random, object, 'sessionContext', () => {
    if (random() < 0.2) return randomField(random);
    const context: Loose = {};
    maybe(random, context, 'attributes', () => randomLeaves(random, ['mfaAuthenticated', 'creationDate']));
    maybe(random, context, 'sessionIssuer', () => randomLeaves(random, ['type', 'principalId', 'arn', 'accountId', 'userName']));
    maybe(random, context, 'sourceIdentity', () => randomField(random));
    maybe(random, context, 'ec2RoleDelivery', () => randomField(random));
    maybe(random, context, 'webIdFederationData', () => {
      if (random() < 0.2) return randomField(random);
      const data: Loose = {};
      maybe(random, data, 'federatedProvider', () => randomField(random));
      // Keys of every kind (KEYS: '', __proto__, a lone surrogate ...) with values of every kind.
      maybe(random, data, 'attributes', () => (random() < 0.2 ? randomField(random) : Object.fromEntries(KEYS.filter(() => random() < 0.5).map((key) => [key, randomField(random)]))));
      return data;
    });
    return context;
  });
  return object;
}

function randomResources(random: () => number): unknown {
  if (random() < 0.2) return randomField(random);
  return Array.from({ length: int(random, 0, 4) }, () => {
    if (random() < 0.25) return randomField(random);
    const entry: Loose = {};
    maybe(random, entry, random() < 0.5 ? 'ARN' : 'ARNPrefix', () => randomField(random));
    maybe(random, entry, 'accountId', () => randomField(random));
    maybe(random, entry, 'type', () => randomField(random));
    return entry;
  });
}

function randomRecord(random: () => number, n: number): Loose {
  const record: Loose = {};
  // Unique ids, most of them hostile text; a few of the wrong type (then the id is the content's hash, or the number as text).
  const idKind = random();
  if (idKind < 0.85) record.eventID = `r${n}-${randomString(random)}`;
  else if (idKind < 0.92) record.eventID = 1_000_000 + n;
  else record.eventID = pick(random, [null, {}, [], true, { n }]);
  record.eventVersion = randomField(random);
  record.eventTime = random() < 0.6 ? pick(random, TIMES) : randomField(random);
  for (const field of TEXT_FIELDS.slice(3)) maybe(random, record, field, () => randomField(random));
  maybe(random, record, 'userIdentity', () => randomIdentity(random));
  maybe(random, record, 'resources', () => randomResources(random));
  // The columns AWS's table gained (schema 9, archive/laterColumns.ts).
  maybe(random, record, 'vpcEndpointAccountId', () => randomField(random));
  maybe(random, record, 'sessionCredentialFromConsole', () => randomField(random));
  maybe(random, record, 'addendum', () => randomLeaves(random, ['reason', 'updatedFields', 'originalRequestID', 'originalEventID']));
  maybe(random, record, 'tlsDetails', () => randomLeaves(random, ['tlsVersion', 'cipherSuite', 'clientProvidedHostHeader', 'keyExchange']));
  maybe(random, record, 'edgeDeviceDetails', () => (random() < 0.3 ? randomField(random) : randomJson(random, 2)));
  for (const field of JSON_FIELDS) maybe(random, record, field, () => (random() < 0.3 ? fresh(pick(random, JSON_VALUES.slice(0, -2))) : randomJson(random, 0)));
  if (random() < 0.1) put(record, pick(random, KEYS), randomJson(random, 2));
  return record;
}

// ---------------------------------------------------------------------------------------------
// The folder, the import, and what the in-memory reader makes of the same files
// ---------------------------------------------------------------------------------------------

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function scratch(): string {
  const folder = tempFolder('trailtop-hostile-');
  cleanups.push(folder.remove);
  return folder.dir;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** A file of each shape the reader takes, every record hostile. */
function writeHostileFolder(logs: string): void {
  mkdirSync(join(logs, 'sub dir'), { recursive: true });
  // Each file delivered a second after the one written before it (whole seconds: no ties, whatever the file system keeps).
  const written: string[] = [];
  const write = (path: string, data: string | Buffer): void => {
    writeFileSync(path, data);
    written.push(path);
  };
  const named = namedRecords();
  for (const [k, part] of chunks(named, 400).entries()) write(join(logs, `named-${k}.json`), JSON.stringify({ Records: part }));
  write(join(logs, 'raw-numbers.json'), RAW_NUMBERS_FILE);
  // Times no 64-bit count of ms holds (they once failed the import), each its own record.
  write(join(logs, 'huge-times.json'), JSON.stringify({ Records: HUGE_TIMES.map((time, k) => ({ eventID: `huge-time-${k}`, eventTime: time })) }));
  // One string past DuckDB's default 2 MB line, in its own file (under the 4 MB depth-check size).
  write(join(logs, 'long.json'), JSON.stringify({ Records: [{ eventID: 'long-agent', eventTime: '2024-03-05T08:00:00Z', userAgent: `${'\u00e9'.repeat(1_200_000)}\t${'z'.repeat(600_000)}` }] }));
  // Nested deeper than JSON.stringify recurses (the bug fixed in a914867): small, so read whole.
  write(join(logs, 'deep.json'), `{"Records":[{"eventID":"deep","requestParameters":${'['.repeat(50_000)}"\\ud800"${']'.repeat(50_000)}}]}`);

  const random = rng(SEED);
  const generated = Array.from({ length: RANDOM_RECORDS }, (_, n) => randomRecord(random, n));
  const [a = [], b = [], c = [], d = []] = chunks(generated, Math.ceil(RANDOM_RECORDS / 4));
  write(join(logs, 'random-a.json'), JSON.stringify({ Records: a }));
  write(join(logs, 'sub dir', "random-b it's.json.gz"), gzipSync(JSON.stringify({ Records: b })));
  write(join(logs, 'random-c.jsonl'), c.map((r) => JSON.stringify(r)).join('\n') + '\n');
  write(join(logs, 'random-d.json'), JSON.stringify(d));
  // lookup-events (the record is the CloudTrailEvent string) and EventBridge envelopes (the record is detail).
  const lookup = named.slice(0, 60).map((record, k) => ({
    EventId: `lookup-${k}`,
    EventName: pick(random, NASTY_STRINGS),
    EventTime: pick(random, TIMES),
    Username: pick(random, NASTY_STRINGS),
    CloudTrailEvent: JSON.stringify({ ...record, eventID: k % 3 === 0 ? null : `lookup-inner-${k}-${String(record.eventID)}` }),
    Resources: [{ ResourceType: '\t', ResourceName: 'arn:aws:s3:::\ud800' }],
  }));
  write(join(logs, 'lookup.json'), JSON.stringify({ Events: lookup }));
  const envelopes = named.slice(60, 120).map((record, k) => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: { ...record, eventID: `bridge-${k}-${String(record.eventID)}` } }));
  write(join(logs, 'bridge.json'), JSON.stringify(envelopes));
  // UTF-16 with its byte-order mark, and UTF-8 with one.
  const utf16 = JSON.stringify({ Records: named.slice(120, 150).map((r, k) => ({ ...r, eventID: `utf16-${k}-${String(r.eventID)}` })) });
  write(join(logs, 'utf16.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]));
  const bom = JSON.stringify({ Records: named.slice(150, 180).map((r, k) => ({ ...r, eventID: `bom-${k}-${String(r.eventID)}` })) });
  write(join(logs, 'bom.json'), `\ufeff${bom}`);
  // Records that are not events beside events (the file is read in part, as scan says), in a file named to hurt SQL and TSV.
  write(
    join(logs, 'weird \t\'name\' "q" \\ 😀\n.json'),
    JSON.stringify({ Records: [null, 'a string', 5, [], true, { eventID: 'weird-name-1', eventName: '\t' }, {}, { detail: {}, x: 1 }] }),
  );
  // Ids apart only by NUL, and the same copies in conflict (other content) in a file delivered later: the first copy stays.
  const nulIds = ['nul-id', 'nul-id\u0000', 'nul-id\u0000\u0000', '\u0000nul-id'].map((id, k) => ({ eventID: id, eventName: `n${k}`, eventTime: TIMES[k] }));
  write(join(logs, 'nul-ids.json'), JSON.stringify({ Records: nulIds }));
  const forged = [...nulIds, ...named.slice(200, 260)].map((r) => ({ ...r, eventName: 'Forged\t\ud800', userIdentity: { type: 'Root' } }));
  write(join(logs, 'zz-forged.json'), JSON.stringify({ Records: forged }));
  // The same records again in a file delivered later: identical copies collapse, one row each.
  write(join(logs, 'zz-copies.json'), JSON.stringify({ Records: named.slice(0, 40) }));
  // The newest delivery (written last) is read first: its first record is the first line of the first staging file.
  write(join(logs, 'zzz-newest.json'), JSON.stringify({ Records: [{ eventID: '\ufeffbom-first', eventName: 'Bom' }, { eventID: 'bom-first', eventName: 'Plain' }] }));
  const first = Math.floor(Date.now() / 1000) * 1000 - written.length * 1000;
  written.forEach((path, k) => utimesSync(path, new Date(), new Date(first + k * 1000)));
}

interface MemoryEvent {
  row: EventRow;
  record: Loose;
  file: string;
}

interface MemoryRead {
  /** Every copy of each id, in file order (ingest/order.ts fileOrder): the first is the one THE duplicate rule keeps. */
  byId: Map<string, MemoryEvent[]>;
  /** Files as scan would report them bad (or read in part). */
  bad: BadFile[];
  readFiles: number;
}

/** The folder as the in-memory reader reads it (the files the import lists, each with readEventFile). */
async function readInMemory(folder: string): Promise<MemoryRead> {
  const listing = await listFolder(resolve(folder));
  const byId = new Map<string, MemoryEvent[]>();
  const bad: BadFile[] = [...listing.bad];
  let readFiles = 0;
  for (const path of await pathsInFileOrder(listing.files)) {
    const result = await readEventFile(path, { records: true });
    if (result.shape === 'bad') bad.push({ path, reason: result.reason });
    else if (READ_SHAPES.has(result.shape) && result.reason !== '') bad.push({ path, reason: `partly read: ${result.reason}` });
    if (!READ_SHAPES.has(result.shape)) continue;
    readFiles++;
    for (const [k, row] of result.rows.entries()) {
      const copies = byId.get(row.id) ?? [];
      copies.push({ row, record: result.records![k]!, file: path });
      byId.set(row.id, copies);
    }
  }
  return { byId, bad, readFiles };
}

async function importInto(dir: string, logs: string, options: ImportOptions = {}): Promise<{ archive: Archive; summary: ImportSummary }> {
  const archive = await openArchive(join(dir, 'archive.duckdb'));
  cleanups.unshift(() => archive.close());
  const summary = await importFolder(archive, logs, options);
  return { archive, summary };
}

// ---------------------------------------------------------------------------------------------
// What a row must hold
// ---------------------------------------------------------------------------------------------

/** Lone surrogates as U+FFFD, as a UTF-8 encoder makes them (the archive's documented behaviour). */
function wellFormed(value: string): string {
  return value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A parsed JSON value with every string (keys too) well-formed; iterative, for records nested 50,000 deep. */
function wellFormedCopy(root: unknown): unknown {
  const convert = (value: unknown): unknown => {
    if (typeof value === 'string') return wellFormed(value);
    if (typeof value !== 'object' || value === null) return value;
    return Array.isArray(value) ? new Array<unknown>(value.length) : {};
  };
  const top = convert(root);
  const stack: [unknown, unknown][] = [[root, top]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    if (typeof from !== 'object' || from === null) continue;
    if (Array.isArray(from)) {
      from.forEach((item, k) => {
        const copy = convert(item);
        (to as unknown[])[k] = copy;
        stack.push([item, copy]);
      });
    } else {
      for (const [key, item] of Object.entries(from as Loose)) {
        const copy = convert(item);
        put(to as Loose, wellFormed(key), copy);
        stack.push([item, copy]);
      }
    }
  }
  return top;
}

/** JSON text of a value as the archive should hold it (well-formed strings); null for absent or JSON null. */
function expectedJson(value: unknown): string | null {
  return value === undefined || value === null ? null : stringifyJson(wellFormedCopy(value));
}

/** JSON text a stored column parses to, written the same way, for comparing. */
function storedJson(stored: unknown): string | null {
  return stored === null || stored === undefined ? null : stringifyJson(JSON.parse(String(stored)));
}

const orNull = (value: string): string | null => (value === '' ? null : wellFormed(value));

function objectOf(value: unknown): Loose | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : null;
}

/** The columns read back, in the order of COLUMNS_SQL. */
const COLUMNS = [
  'eventid',
  'tt_record',
  'tt_time',
  'tt_name',
  'tt_source',
  'tt_actor',
  'tt_principalarn',
  'tt_usernames',
  'tt_account',
  'tt_accesskey',
  'tt_readonly',
  'tt_resources',
  'tt_fingerprint',
  'tt_users',
  'tt_file',
  'tt_index',
  'eventtime',
  'eventname',
  'eventsource',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestid',
  'readonly',
  'recipientaccountid',
  'sharedeventid',
  'vpcendpointid',
  'eventcategory',
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'serviceeventdetails',
  'useridentity',
  'resources',
  'vpcendpointaccountid',
  'addendum',
  'sessioncredentialfromconsole',
  'edgedevicedetails',
  'tlsdetails',
] as const;
type Column = (typeof COLUMNS)[number];

/**
 * Every column as JSON text (to_json), parsed here: what the archive holds, whatever the client's
 * text decoder does (@duckdb/node-api's default drops a leading U+FEFF; db.ts gives it one that keeps
 * it, checked on its own below).
 */
const COLUMNS_SQL = COLUMNS.map((c) => `to_json(${c})::VARCHAR`).join(', ');

/** A column's to_json text as the value it stands for; the nested ones stay JSON text (compared reparsed). */
function fromJsonColumn(column: Column, json: unknown): unknown {
  if (json === null) return null;
  const value = JSON.parse(String(json)) as unknown;
  if (value === null) return null;
  switch (column) {
    case 'tt_usernames':
    case 'tt_resources':
    case 'useridentity':
    case 'resources':
    case 'addendum':
    case 'tlsdetails':
      return JSON.stringify(value);
    case 'tt_time':
      return String(json);
    default:
      return value;
  }
}

/** Epoch ms as a BIGINT holds it; null when the reader has no time; undefined (not compared) for one no BIGINT holds. */
function expectedTime(time: number): string | null | undefined {
  if (Number.isNaN(time)) return null;
  const rounded = Math.round(time);
  return Math.abs(rounded) < 2 ** 63 ? BigInt(rounded).toString() : undefined;
}

/** What each column must hold for a row the reader made (Athena columns from the record, tt_* from the row). */
function expectedColumns(event: MemoryEvent): Record<Column, unknown> {
  const { row, record } = event;
  const identity = objectOf(record.userIdentity);
  const context = identity ? objectOf(identity.sessionContext) : null;
  const leaves = (object: Loose | null, keys: readonly [string, string][], leaf: (value: unknown) => string | null = (value) => orNull(text(value))): Loose | null =>
    object ? Object.fromEntries(keys.map(([from, to]) => [to, leaf(object[from])])) : null;
  const userIdentity = identity
    ? {
        ...leaves(identity, [
          ['type', 'type'],
          ['principalId', 'principalid'],
          ['arn', 'arn'],
          ['accountId', 'accountid'],
          ['invokedBy', 'invokedby'],
          ['accessKeyId', 'accesskeyid'],
          ['userName', 'username'],
        ]),
        onbehalfof: leaves(objectOf(identity.onBehalfOf), [
          ['userId', 'userid'],
          ['identityStoreArn', 'identitystorearn'],
        ]),
        sessioncontext: context
          ? {
              attributes: leaves(objectOf(context.attributes), [
                ['mfaAuthenticated', 'mfaauthenticated'],
                ['creationDate', 'creationdate'],
              ]),
              sessionissuer: leaves(objectOf(context.sessionIssuer), [
                ['type', 'type'],
                ['principalId', 'principalid'],
                ['arn', 'arn'],
                ['accountId', 'accountid'],
                ['userName', 'username'],
              ]),
              sourceidentity: orNull(text(context.sourceIdentity)),
              ec2roledelivery: orNull(text(context.ec2RoleDelivery)),
              webidfederationdata: webIdFederation(context.webIdFederationData),
            }
          : null,
      }
    : null;
  const resources = Array.isArray(record.resources)
    ? record.resources
        .map(objectOf)
        .filter((entry): entry is Loose => entry !== null)
        .map((entry) => ({ arn: orNull(text(entry.ARN) || text(entry.ARNPrefix)), accountid: orNull(text(entry.accountId)), type: orNull(text(entry.type)) }))
    : null;
  const users = [row.actor, row.principalArn, ...row.userNames]
    .map((u) => wellFormed(u).toLowerCase().replace(/\\/g, '\\\\').replace(/\n/g, '\\n'))
    .filter((u, k, all) => u !== '' && all.indexOf(u) === k);
  return {
    eventid: wellFormed(row.id),
    tt_record: expectedJson(record),
    tt_time: expectedTime(row.time),
    tt_name: wellFormed(row.name),
    tt_source: wellFormed(row.source),
    tt_actor: wellFormed(row.actor),
    tt_principalarn: wellFormed(row.principalArn),
    tt_usernames: JSON.stringify(row.userNames.map(wellFormed)),
    tt_account: wellFormed(row.account),
    tt_accesskey: wellFormed(row.accessKey),
    tt_readonly: row.readOnly,
    tt_resources: JSON.stringify(row.resources.map((r) => ({ type: wellFormed(r.type), name: wellFormed(r.name), arn: wellFormed(r.arn), accountid: wellFormed(r.accountId) }))),
    tt_fingerprint: rowFingerprint(row),
    // Compared as a set of lines (DuckDB's list_distinct keeps no order), see sameUsers.
    tt_users: users.length === 0 ? null : [...users].sort(),
    tt_file: event.file,
    tt_index: row.recordIndex,
    eventtime: orNull(text(record.eventTime) || timeRawOf(row)),
    eventname: orNull(text(record.eventName)),
    eventsource: orNull(text(record.eventSource)),
    awsregion: orNull(text(record.awsRegion)),
    sourceipaddress: orNull(text(record.sourceIPAddress)),
    useragent: orNull(text(record.userAgent)),
    errorcode: orNull(text(record.errorCode)),
    errormessage: orNull(row.errorMessage),
    requestid: orNull(requestIdOf(row)),
    readonly: orNull(text(record.readOnly)),
    recipientaccountid: orNull(text(record.recipientAccountId)),
    sharedeventid: orNull(sharedEventIdOf(row)),
    vpcendpointid: orNull(text(record.vpcEndpointId)),
    eventcategory: orNull(text(record.eventCategory)),
    requestparameters: expectedJson(record.requestParameters),
    responseelements: expectedJson(record.responseElements),
    additionaleventdata: expectedJson(record.additionalEventData),
    serviceeventdetails: expectedJson(record.serviceEventDetails),
    useridentity: userIdentity === null ? null : JSON.stringify(userIdentity),
    resources: resources === null ? null : JSON.stringify(resources),
    vpcendpointaccountid: laterText(record.vpcEndpointAccountId),
    addendum: jsonOrNull(
      leaves(
        objectOf(record.addendum),
        [
          ['reason', 'reason'],
          ['updatedFields', 'updatedfields'],
          ['originalRequestID', 'originalrequestid'],
          ['originalEventID', 'originaleventid'],
        ],
        laterText,
      ),
    ),
    sessioncredentialfromconsole: laterText(record.sessionCredentialFromConsole),
    edgedevicedetails: expectedJson(record.edgeDeviceDetails),
    tlsdetails: jsonOrNull(
      leaves(
        objectOf(record.tlsDetails),
        [
          ['tlsVersion', 'tlsversion'],
          ['cipherSuite', 'ciphersuite'],
          ['clientProvidedHostHeader', 'clientprovidedhostheader'],
        ],
        laterText,
      ),
    ),
  };
}

const jsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

/**
 * A text leaf of the columns schema 9 added (archive/laterColumns.ts leafText): as the older ones,
 * but NULL for a number JSON cannot write (a log's 1e400), which tt_record holds as null, so the
 * upgrade could only give NULL.
 */
const laterText = (value: unknown): string | null => (typeof value === 'number' && !Number.isFinite(value) ? null : orNull(text(value)));

/**
 * useridentity.sessioncontext.webidfederationdata: its provider as text, its attributes a map of the
 * record's keys (well-formed: two keys a lone surrogate apart are one, the first kept) to text.
 */
function webIdFederation(value: unknown): Loose | null {
  const data = objectOf(value);
  if (!data) return null;
  const attributes = objectOf(data.attributes);
  const map: Loose = {};
  for (const [key, inner] of Object.entries(attributes ?? {})) if (!Object.hasOwn(map, wellFormed(key))) put(map, wellFormed(key), laterText(inner));
  return { federatedprovider: laterText(data.federatedProvider), attributes: attributes ? map : null };
}

/** A stored column as the expectation is written: text columns '' for NULL (as query.ts reads tt_* back), JSON reparsed. */
function storedColumn(column: Column, value: unknown): unknown {
  switch (column) {
    case 'tt_name':
    case 'tt_source':
    case 'tt_actor':
    case 'tt_principalarn':
    case 'tt_account':
    case 'tt_accesskey':
      return value === null ? '' : value;
    case 'tt_usernames':
      return value === null ? '[]' : JSON.stringify(JSON.parse(String(value)));
    case 'tt_resources':
      return value === null ? '[]' : JSON.stringify(JSON.parse(String(value)));
    case 'tt_fingerprint':
      return Number(value);
    case 'tt_users':
      return value === null ? null : String(value).split('\n').filter((u) => u !== '').sort();
    case 'tt_record':
    case 'requestparameters':
    case 'responseelements':
    case 'additionaleventdata':
    case 'serviceeventdetails':
    case 'edgedevicedetails':
      return storedJson(value);
    case 'useridentity':
    case 'resources':
    case 'addendum':
    case 'tlsdetails':
      return value === null ? null : JSON.stringify(JSON.parse(String(value)));
    default:
      return value;
  }
}

const show = (value: unknown): string => {
  const shown = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return shown.length > 160 ? `${shown.slice(0, 160)}... (${shown.length} chars)` : shown;
};

/**
 * tt_users holds the names lowercased by DuckDB's lower() (schema.ts USERS_SQL, as the SQL `user:` test
 * lowers), which differs from toLowerCase past ASCII (İ, a final Σ): as many lines, and every ASCII
 * line on either side is on the other.
 */
function sameUsers(stored: unknown, expected: unknown): boolean {
  if (stored === null || expected === null) return stored === expected;
  const got = stored as string[];
  const want = expected as string[];
  if (got.length !== want.length) return false;
  const ascii = (line: string): boolean => /^[\x00-\x7f]*$/.test(line);
  return want.filter(ascii).every((line) => got.includes(line)) && got.filter(ascii).every((line) => want.includes(line));
}

/** Columns of a stored row that differ from what the copy holds; [] when it is that copy. */
function differences(stored: Record<Column, unknown>, event: MemoryEvent): string[] {
  const expected = expectedColumns(event);
  const out: string[] = [];
  for (const column of COLUMNS) {
    if (expected[column] === undefined) continue;
    const got = storedColumn(column, stored[column]);
    if (column === 'tt_users' ? !sameUsers(got, expected[column]) : JSON.stringify(got) !== JSON.stringify(expected[column])) out.push(`${column}: stored ${show(got)}, reader ${show(expected[column])}`);
  }
  return out;
}

/** Every archived row against the reader's copies of its id; returns one line per problem. */
async function compareWithReader(archive: Archive, memory: MemoryRead): Promise<{ problems: string[]; rows: number }> {
  const result = await archive.connection.runAndReadAll(`SELECT ${COLUMNS_SQL} FROM events`);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const rows = result.getRows();
  // The reader's ids as the archive keys them (lone surrogates as U+FFFD).
  const byStoredId = new Map<string, MemoryEvent[]>();
  for (const [id, copies] of memory.byId) byStoredId.set(wellFormed(id), [...(byStoredId.get(wellFormed(id)) ?? []), ...copies]);
  for (const values of rows) {
    const stored = Object.fromEntries(COLUMNS.map((c, k) => [c, fromJsonColumn(c, values[k])])) as Record<Column, unknown>;
    const id = String(stored.eventid);
    seen.set(id, (seen.get(id) ?? 0) + 1);
    const copies = byStoredId.get(id);
    if (!copies) {
      problems.push(`${show(id)}: archived, but the reader has no such id`);
      continue;
    }
    const diff = differences(stored, copies[0]!);
    if (diff.length > 0) problems.push(`${show(id)} (${copies.length} copies): ${diff.join('; ')}`);
  }
  for (const [id, n] of seen) if (n > 1) problems.push(`${show(id)}: ${n} rows`);
  for (const id of byStoredId.keys()) if (!seen.has(id)) problems.push(`${show(id)}: the reader has it, the archive does not`);
  return { problems, rows: rows.length };
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe(`archive import of hostile records (seed ${SEED}, replay with TRAILTOP_SEED=${SEED})`, () => {
  it('imports every hostile value whole, with one row per id holding what the in-memory reader read', async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeHostileFolder(logs);
    const memory = await readInMemory(logs);
    // The files are all ones scan reads, one of them in part (records that are not events).
    expect(memory.bad.map((b) => b.reason)).toEqual(['partly read: 6 records were not CloudTrail events and were skipped']);
    expect(memory.readFiles).toBeGreaterThanOrEqual(14);
    // Small batches, so many rows are a staging file's first line.
    const { archive, summary } = await importInto(dir, logs, { batchFiles: 3 });
    expect(summary.bad).toEqual(memory.bad);
    expect(summary.aborted).toBe(false);
    const ids = memory.byId.size;
    expect(summary.eventsTotal).toBe(ids);
    const { problems, rows } = await compareWithReader(archive, memory);
    expect(rows).toBe(ids);
    expect(problems.length, `${problems.length} problems, the first:\n${problems.slice(0, 30).join('\n')}`).toBe(0);
    // tt_inexact as the import wrote it (JavaScript) is what an upgrade computes (SQL), and hostile values make many rows odd.
    const inexactSql = archiveInexactLeavesSql();
    const [[odd, differing]] = (
      await archive.connection.runAndReadAll(`SELECT count(tt_inexact), count(*) FILTER (WHERE tt_inexact IS DISTINCT FROM ${inexactSql}) FROM events`)
    ).getRows() as [[bigint, bigint]];
    expect(Number(differing)).toBe(0);
    expect(Number(odd)).toBeGreaterThan(ids / 10);

    // Every file touched (its delivery order kept): all read again, every copy settled against the archived one.
    const files = (await listFolder(resolve(logs))).files;
    for (const path of files) {
      const mtime = statSync(path).mtimeMs;
      utimesSync(path, new Date(), new Date(mtime + 1_000_000));
    }
    const again = await importFolder(archive, logs, { batchFiles: 2 });
    expect(again.filesDone - again.filesUnchanged).toBe(files.length);
    expect(again.bad).toEqual(memory.bad);
    expect(again.eventsTotal).toBe(ids);
    const reread = await readInMemory(logs);
    expect(reread.byId.size).toBe(ids);
    const second = await compareWithReader(archive, reread);
    expect(second.problems.length, `${second.problems.length} problems after the second run, the first:\n${second.problems.slice(0, 30).join('\n')}`).toBe(0);
  }, 30_000);

  it("answers queries on the columns AWS's table gained (schema 9) as the in-memory engine does", async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeHostileFolder(logs);
    const memory = await readInMemory(logs);
    const { archive } = await importInto(dir, logs, { batchFiles: 3 });
    // Read from the columns where tt_inexact says they hold the record's value, else from the record.
    // Values the generator writes: plain words (us-east-1, true, GetObject ...), hostile text, wrong types.
    const queries = [
      'tlsDetails.tlsVersion:us-east-1',
      'tlsDetails.tlsVersion:TLSv1.*',
      'tlsDetails.tlsVersion:*1*',
      'tlsDetails.cipherSuite:*',
      '-tlsDetails.tlsVersion:*',
      'tlsDetails.clientProvidedHostHeader:*a*',
      'sessionCredentialFromConsole:true',
      'vpcEndpointAccountId:*',
      'vpcEndpointAccountId:GetObject OR vpcEndpointAccountId:1*',
      'addendum.reason:*',
      '-addendum.originalEventID:*',
      'edgeDeviceDetails:*',
      'userIdentity.sessionContext.webIdFederationData.federatedProvider:*',
      'userIdentity.sessionContext.webIdFederationData.federatedProvider:us-east-1',
    ];
    const failures: string[] = [];
    let informative = 0;
    for (const query of queries) {
      const parsed = parseQuery(query, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const matcher = compileRecordMatcher(parsed.ast);
      const expected = [...memory.byId.values()]
        // A number past what a double holds (1e400) is Infinity in memory, whose JSON text is "null", and JSON null in
        // tt_record (JSON.stringify): the archive holds no value there, on every path (laterColumns.ts leafText).
        .filter((copies) => copies[0]!.row.id !== 'raw-infinite' && matcher(copies[0]!.record))
        .map((copies) => wellFormed(copies[0]!.row.id))
        .sort();
      const where = compileWhere(parsed.ast, { dialect: 'duckdb', schema: 'archive' });
      const found = (await archive.connection.runAndReadAll(`SELECT eventid FROM events WHERE ${where} AND eventid <> 'raw-infinite'`)).getRows().map((row) => String(row[0]));
      if (JSON.stringify(found.sort()) !== JSON.stringify(expected)) {
        failures.push(`${query}: memory ${expected.length}, archive ${found.length}; only in memory ${show(expected.filter((id) => !found.includes(id)).slice(0, 5))}, only in the archive ${show(found.filter((id) => !expected.includes(id)).slice(0, 5))}`);
      }
      if (expected.length > 0 && expected.length < memory.byId.size) informative++;
    }
    expect(failures).toEqual([]);
    // Not trivially: most queries keep some events and leave others.
    expect(informative).toBeGreaterThan(queries.length - 3);
  }, 30_000);

  it("gives the columns AWS's table gained (schema 9) the same values whether imported or filled by the upgrade from schema 8", async () => {
    const dir = scratch();
    const logs = join(dir, 'logs');
    writeHostileFolder(logs);
    const { archive } = await importInto(dir, logs, { batchFiles: 3 });
    // tt_inexact too: the upgrade computes its entries for the new columns' leaves as the import did.
    const later = ['useridentity', ...LATER_COLUMNS.map((c) => c.name), 'tt_inexact'];
    const snapshot = async (of: Archive): Promise<unknown[][]> =>
      (await of.connection.runAndReadAll(`SELECT eventid, ${later.map((c) => `to_json(${c})::VARCHAR`).join(', ')} FROM events ORDER BY eventid`)).getRows() as unknown[][];
    const imported = await snapshot(archive);
    const held = (k: number): number => imported.filter((row) => row[k] !== null).length;
    for (const k of later.keys()) expect(held(k + 1), later[k]).toBeGreaterThan(100);
    // As schema 8 wrote it (written out: DuckDB 1.5 cannot replay a struct field's DROP from its log).
    await archive.connection.run(`UPDATE events SET tt_inexact = ${schema8InexactLeavesSql()}`);
    for (const column of ['tt_lossy', ...LATER_COLUMNS.map((c) => c.name), 'useridentity.sessioncontext.webidfederationdata']) await archive.connection.run(`ALTER TABLE events DROP COLUMN ${column}`);
    await markSchema(archive.connection, 8);
    await archive.connection.run('CHECKPOINT');
    await archive.close();
    const upgraded = await openArchive(join(dir, 'archive.duckdb'));
    cleanups.unshift(() => upgraded.close());
    const rows = await snapshot(upgraded);
    expect(rows.length).toBe(imported.length);
    const differing = rows.filter((row, k) => JSON.stringify(row) !== JSON.stringify(imported[k]));
    expect(differing.length, `${differing.length} rows differ, the first: ${show(differing[0])} (imported: ${show(imported.find((row) => row[0] === differing[0]?.[0]))})`).toBe(0);
  }, 30_000);
});

/** One file of `records` imported alone: the archive, the summary and the reader's view. */
async function importOne(records: readonly object[]): Promise<{ archive: Archive; summary: ImportSummary; memory: MemoryRead }> {
  const dir = scratch();
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  writeFileSync(join(logs, 'one.json'), JSON.stringify({ Records: records }));
  const memory = await readInMemory(logs);
  const { archive, summary } = await importInto(dir, logs);
  return { archive, summary, memory };
}

describe('archive import of single hostile values', () => {
  it.each(HUGE_TIMES.map((time) => [time]))('imports a record whose eventTime is the number %s (epoch ms past a BIGINT)', async (time) => {
    const { archive, summary, memory } = await importOne([{ eventID: 'big-time', eventTime: time }, { eventID: 'plain', eventTime: '2024-03-05T08:00:00Z' }]);
    expect(memory.byId.size).toBe(2);
    expect(summary.bad).toEqual([]);
    expect(summary.eventsTotal).toBe(2);
    expect((await compareWithReader(archive, memory)).problems).toEqual([]);
  });

  it('keeps a leading U+FEFF of the first id of a staging file (read_csv must not take it for a byte-order mark)', async () => {
    const { archive, summary, memory } = await importOne([{ eventID: '\ufeffbom-id', eventName: '\ufeffname' }, { eventID: 'bom-id' }]);
    expect(summary.eventsTotal).toBe(memory.byId.size);
    expect((await compareWithReader(archive, memory)).problems).toEqual([]);
  });

  // UTF-8 has no lone surrogate, so the archive keys such an id with U+FFFD, the one difference from
  // the in-memory reader: an id written with U+FFFD is then the same id, and a differing copy is a
  // conflicting duplicate the import reports, never a silent loss.
  it('keys an id with a lone surrogate as U+FFFD, and reports a differing copy under that id as a conflict', async () => {
    const { archive, summary, memory } = await importOne([
      { eventID: 'sur-\ud800', eventName: 'Lone' },
      { eventID: 'sur-\ufffd', eventName: 'Replacement' },
    ]);
    expect(memory.byId.size).toBe(2);
    expect(summary.eventsTotal).toBe(1);
    expect(summary.conflicts).toBe(1);
    const rows = (await archive.connection.runAndReadAll('SELECT eventid, tt_name FROM events')).getRows();
    expect(rows).toEqual([['sur-\ufffd', 'Lone']]);
  });

  it("gives back a leading U+FEFF through the archive's read path (query.ts pageEvents)", async () => {
    const { archive } = await importOne([{ eventID: '\ufeffbom-id', eventName: '\ufeffName', eventTime: '2024-03-05T08:00:00Z', userIdentity: { type: 'IAMUser', userName: '\ufeffalice' } }]);
    const [event] = await pageEvents(archive, null, 10);
    expect(event!.record.eventID).toBe('\ufeffbom-id');
    expect(event!.row.id).toBe('\ufeffbom-id');
    expect(event!.row.name).toBe('\ufeffName');
    expect(event!.row.actor).toBe('\ufeffalice');
  });
});
