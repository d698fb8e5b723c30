import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { keyProbeOf } from '../../src/query/deep/keyProbe.js';
import { matchFile } from '../../src/query/deep/matchFile.js';
import type { FileSpans } from '../../src/query/deep/protocol.js';
import { Matchers } from '../../src/query/deep/run.js';
import { fileIdentity } from '../../src/model/recordBatch.js';
import type { QueryNode } from '../../src/query/ast.js';
import { compileQuery, compileRecordMatcher } from '../../src/query/index.js';
import { prefilterOf } from '../../src/query/prefilter.js';
import { recordKeysRead } from '../../src/query/recordMatch.js';
import { tempFolder } from '../support/files.js';

/** A path term as a Sigma rule may give it (the query bar writes only letters, digits, _ and - in keys). */
function pathExists(...path: string[]): QueryNode {
  return { kind: 'field', ref: { kind: 'path', path }, match: { kind: 'exists' } };
}

function astOf(query: string) {
  const result = compileQuery(query, { deepTerms: true });
  if (!result.ok) throw new Error(result.error.message);
  return result.query.ast;
}

describe('recordKeysRead: the top-level keys a query reads, when it reads only them', () => {
  it.each([
    ['requestParameters.bucketName:x', ['requestParameters']],
    ['params:x', ['requestParameters', 'responseElements', 'additionalEventData', 'serviceEventDetails']],
    ['tlsDetails.tlsVersion:TLSv1 -additionalEventData.MFAUsed:* tlsDetails:*', ['tlsDetails', 'additionalEventData']],
    ['requestParameters.bucketName:a requestParameters.bucketName:b', ['requestParameters']],
  ])('%s', (query, keys) => {
    expect(recordKeysRead(astOf(query))?.sort()).toEqual([...keys].sort());
  });

  it.each(['name:GetObject requestParameters.bucketName:x', 'secret requestParameters.bucketName:x', 'error:* params:x'])('%s reads more: null', (query) => {
    expect(recordKeysRead(astOf(query))).toBeNull();
  });
});

describe('keyProbeOf: path keys searched as written, values parsed alone', () => {
  it('needs the last key of each path term that must hold, quoted, inside its first key', () => {
    const probe = keyProbeOf({ kind: 'and', children: [astOf('requestParameters.bucketName:acme*'), pathExists('responseElements', 'x', 'ÿ/key'), pathExists('responseElements', 'a"b')] })!;
    expect(probe.keys).toEqual(['requestParameters', 'responseElements']);
    // A key JSON must escape is never written as itself: no needle.
    expect(probe.needles.map((n) => [n.key, n.bytes.toString('utf8')])).toEqual([
      [0, '"bucketName"'],
      [1, '"ÿ/key"'],
    ]);
  });

  it('a negated or alternative path term needs nothing; with no needle at all there is no probe', () => {
    expect(keyProbeOf(astOf('-requestParameters.bucketName:acme*'))).toBeNull();
    expect(keyProbeOf(astOf('requestParameters.bucketName:a requestParameters.bucketName:b'))).toBeNull();
    expect(keyProbeOf(astOf('params:0.0.0.0/0'))).toBeNull();
    expect(keyProbeOf(astOf('tlsDetails:*'))).toBeNull();
    expect(keyProbeOf(astOf('requestParameters.a:x -requestParameters.b:y'))!.needles.map((n) => n.bytes.toString())).toEqual(['"a"']);
  });

  it('keys the scanner cannot note, or that parse to no own property, give no probe', () => {
    expect(keyProbeOf(pathExists('__proto__', 'x'))).toBeNull();
    expect(keyProbeOf(pathExists('a"b', 'x'))).toBeNull();
    expect(keyProbeOf(astOf(`${'k'.repeat(32)}.x:y`))).toBeNull();
    expect(keyProbeOf(astOf(`${'k'.repeat(31)}.x:y`))).not.toBeNull();
    expect(keyProbeOf(astOf('requestParameters.x:y name:GetObject'))).toBeNull();
  });

  it('the prefilter of a probed search leaves the path keys to the probe', () => {
    expect(prefilterOf(astOf('requestParameters.bucketName:acme-prod*'))?.clauses).toEqual([['bucketname'], ['acme-prod']]);
    expect(prefilterOf(astOf('requestParameters.bucketName:acme-prod*'), { pathKeys: false })?.clauses).toEqual([['acme-prod']]);
  });
});

/** Records that spell, hide, nest or repeat a path's keys: raw JSON text, so escapes and duplicates stay as written. */
const HOSTILE = [
  '{"eventID":"a1","requestParameters":{"bucketName":"acme-prod-backups-1"}}',
  '{"eventID":"a2","requestParameters":{"bucket\\u004eame":"ACME-PROD-BACKUPS-2"}}',
  '{"eventID":"a3","requestParameters":{"bucketName":"other"},"responseElements":{"bucketName":"acme-prod-backups-3"}}',
  '{"eventID":"a4","requestParameters":{"nested":{"bucketName":"acme-prod-backups-4"}}}',
  '{"eventID":"a5","requestParameters":{"bucketName":"acme-prod-backups-5"},"requestParameters":{"bucketName":"other"}}',
  '{"eventID":"a6","requestParameters":{"bucketName":"other"},"requestParameters":{"bucketName":"acme-prod-backups-6"}}',
  '{"eventID":"a7","requestParameters":[{"bucketName":"x"},{"bucketName":["y","acme-prod-backups-7"]}]}',
  '{"eventID":"a8","requestParameters":{"policy":"{\\"bucketName\\":\\"acme-prod-backups-8\\"}"}}',
  '{"eventID":"a9","requestParameters":{"bucketName":"ACME-PROD-BACKUPS-9 \u00e9"}}',
  '{"eventID":"b1","requestParameters":{"bucketName":"acme-prod-backups-\\u00e9"}}',
  '{"eventID":"b2","requestParameters":null}',
  '{"eventID":"b3"}',
  '{"eventID":"b4","requestParameters":{"bucketName":12},"userAgent":"\\"bucketName\\""}',
  '{"eventID":"b5","requestParameters":{"a\\/b":{"c":"acme-prod-backups"}}}',
  '{"eventID":"b6","requestParameters":{"a/b":{"c":"ACME-prod-backups-b6"}}}',
  '{"eventID":"b7","requestParameters":"acme-prod-backups"}',
];

const QUERIES = [
  'requestParameters.bucketName:acme-prod-backups*',
  'requestParameters.bucketName:*',
  'requestParameters.bucketName:12',
  'requestParameters.nested.bucketName:acme*',
  'requestParameters.bucketName:acme* -params:other',
  'requestParameters.bucketName:* -requestParameters.bucketName:other',
  'requestParameters.bucketName:acme* responseElements.bucketName:*',
];

describe('a probed search decides each record as the matcher does on the whole record', async () => {
  const { dir, remove } = tempFolder('i14-probe-');
  afterAll(remove);
  const file = join(dir, 'hostile.json.gz');
  writeFileSync(file, gzipSync(`{"Records":[\n${HOSTILE.join(',\n')}\n]}`));
  const records = HOSTILE.map((text) => JSON.parse(text) as unknown);
  const indexes = records.map((_, k) => k);

  async function search(query: string, search: number, known: FileSpans | null = null): Promise<{ found: number[]; spans: FileSpans | null }> {
    const tests = new Matchers().of(search, astOf(query));
    const found: number[] = [];
    const spans = await matchFile(file, indexes, tests, () => false, (k) => found.push(k), known);
    return { found, spans };
  }

  it.each(QUERIES)('%s', async (query) => {
    const matcher = compileRecordMatcher(astOf(query));
    const want = indexes.filter((k) => matcher(records[k]));
    const first = await search(query, 1);
    expect(first.found).toEqual(want);
    // The probe's key values were noted with the spans, and a search of the same keys reads them back.
    const keys = keyProbeOf(astOf(query))!.keys;
    expect(first.spans?.keys).toBe(keys.join('\n'));
    expect(first.spans?.values?.length).toBe(HOSTILE.length * keys.length * 2);
    const again = await search(query, 2, first.spans);
    expect(again.found).toEqual(want);
    expect(again.spans).toBeNull();
  });

  it('the first query finds the escaped, duplicated, listed and case-folded values and nothing nested elsewhere', async () => {
    const { found } = await search(QUERIES[0]!, 3);
    expect(found.map((k) => (records[k] as { eventID: string }).eventID)).toEqual(['a1', 'a2', 'a6', 'a7', 'a9', 'b1']);
  });

  it('spans kept without the probe keys are scanned again; a search without a probe reads spans with keys', async () => {
    const plain = await search('params:acme', 4);
    expect(plain.spans?.keys).toBeUndefined();
    const probed = await search(QUERIES[0]!, 5, plain.spans);
    expect(probed.spans?.keys).toBe('requestParameters');
    const matcher = compileRecordMatcher(astOf('params:acme'));
    const back = await search('params:acme', 6, probed.spans);
    expect(back.spans).toBeNull();
    expect(back.found).toEqual(indexes.filter((k) => matcher(records[k])));
  });
});

describe('reading back a file of the version the store read (FileAsk.identity)', async () => {
  const { dir, remove } = tempFolder('i14-trust-');
  afterAll(remove);
  const hostile = join(dir, 'hostile.json.gz');
  writeFileSync(hostile, gzipSync(`{"Records":[\n${HOSTILE.join(',\n')}\n]}`));
  const records = HOSTILE.map((text) => JSON.parse(text) as unknown);
  const indexes = records.map((_, k) => k);
  const identityOf = (file: string): string => fileIdentity(statSync(file));

  async function search(file: string, query: string, identity: string, count = indexes.length): Promise<{ found: number[]; spans: FileSpans | null }> {
    const tests = new Matchers().of(0, astOf(query));
    const found: number[] = [];
    const spans = await matchFile(file, indexes.slice(0, count), tests, () => false, (k) => found.push(k), null, identity);
    return { found, spans };
  }

  it.each([...QUERIES, 'params:acme-prod', 'requestParameters:*'])('%s: the same records as the matcher on each, of the version read or not', async (query) => {
    const matcher = compileRecordMatcher(astOf(query));
    const want = indexes.filter((k) => matcher(records[k]));
    const trusted = await search(hostile, query, identityOf(hostile));
    expect(trusted.found).toEqual(want);
    expect(trusted.spans?.identity).toBe(identityOf(hostile));
    expect((await search(hostile, query, 'another:version')).found).toEqual(want);
    expect((await search(hostile, query, '')).found).toEqual(want);
  });

  it('a record whose kept span does not parse (the file rewritten under the same identity) is read the ordinary way, not thrown', async () => {
    const rewritten = join(dir, 'rewritten.json.gz');
    writeFileSync(rewritten, gzipSync(`{"Records":[\n${HOSTILE.slice(0, 4).join(',\n')}\n]}`));
    for (const query of [QUERIES[0]!, 'params:acme']) {
      const tests = new Matchers().of(0, astOf(query));
      const fresh = await matchFile(rewritten, [0, 1, 2, 3], tests, () => false, () => undefined, null, identityOf(rewritten));
      // Spans of another version under this identity: every span and noted value starts one byte late, inside it.
      const stale: FileSpans = { ...fresh!, starts: fresh!.starts.map((start) => start + 1), values: fresh!.values?.map((at) => (at >= 0 ? at + 1 : at)) };
      const found: number[] = [];
      await matchFile(rewritten, [0, 1, 2, 3], tests, () => false, (k) => found.push(k), stale, identityOf(rewritten));
      const matcher = compileRecordMatcher(astOf(query));
      expect(found).toEqual([0, 1, 2, 3].filter((k) => matcher(records[k])));
      expect(found.length).toBeGreaterThan(0);
    }
  });

  it('a file that holds none of a probed path key, as written or escaped, is decided without a scan', async () => {
    const without = join(dir, 'without.json.gz');
    writeFileSync(without, gzipSync('{"Records":[{"eventID":"d1","requestParameters":{"bucket":"acme-prod-backups"}},{"eventID":"d2","requestParameters":{"BucketName":"acme-prod-backups","x":"bucketName-ish"}}]}'));
    const skipped = await search(without, QUERIES[0]!, identityOf(without), 2);
    expect(skipped).toEqual({ found: [], spans: null });
    // The key present anywhere (here outside requestParameters): the file is scanned, and the record decided on its value.
    const elsewhere = join(dir, 'elsewhere.json.gz');
    writeFileSync(elsewhere, gzipSync('{"Records":[{"eventID":"d1","requestParameters":{"bucket":"acme-prod-backups"}},{"eventID":"d2","responseElements":{"bucketName":"acme-prod-backups"}}]}'));
    const scanned = await search(elsewhere, QUERIES[0]!, identityOf(elsewhere), 2);
    expect(scanned.found).toEqual([]);
    expect(scanned.spans?.starts.length).toBe(2);
    // Escaped (a backslash in the file): scanned, and found.
    const escaped = join(dir, 'escaped.json.gz');
    writeFileSync(escaped, gzipSync('{"Records":[{"eventID":"d1","requestParameters":{"bucket\\u004eame":"acme-prod-backups"}}]}'));
    expect((await search(escaped, QUERIES[0]!, identityOf(escaped), 1)).found).toEqual([0]);
  });
});
