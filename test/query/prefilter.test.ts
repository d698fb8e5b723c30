import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { scanRecordSpans, SpanKeys, SPAN_PLAIN } from '../../src/ingest/recordSpans.js';
import { compileRecordMatcher, parseQuery } from '../../src/query/index.js';
import { fileMayMatch, prefilterKeys, prefilterOf, spanMask, spanMayMatch, type Prefilter } from '../../src/query/prefilter.js';
import { int, pick } from '../support/random.js';
import { DATASETS, randomRecord } from './records.js';
import { seededRandom } from './rows.js';

/** A file of records as bytes, some letters and slashes written as JSON escapes (which spell the same text). */
function fileOf(records: readonly unknown[], random: () => number): Buffer {
  const texts = records.map((record) => {
    let text = JSON.stringify(record);
    if (random() < 0.1) text = text.replace(/A/g, '\\u0041');
    if (random() < 0.1) text = text.replace(/\//g, '\\/');
    if (random() < 0.05) text = text.replace(/s/, '\\u0073');
    return text;
  });
  return Buffer.from(`{"Records":[\n${texts.join(',\n')}\n]}`, 'utf8');
}

const VALUES = [
  'AuthorizeSecurityGroupIngress', 'GetSecretValue', 'ConsoleLogin', 'AccessDenied', 'Client.UnauthorizedOperation',
  'logs-prod', 'snap-0abc123', 'secret/db', '0.0.0.0/0', '10.0.0.0/8', '10.1.2.3', '192.168.1.0/24', '2001:db8::/32',
  'TLSv1', 'No', 'Yes', 'Failure', 'us-east-1', 'ec2', 'signin', 'alice', 'aws-cli/2.13.5', 'kelvin', 'iam', 'GetObject',
  'AssumeRole', 'Describe', 'K\u212Aey', 'ïn', '22', 'true', '1.5', 'Ünïcödé',
];
const FIELDS = ['name', 'error', 'ip', 'source', 'region', 'agent', 'user', 'resource', 'account', 'eventtype', 'category', 'key', 'identity', 'requestid', 'id'];
const PATHS = [
  'requestParameters.bucketName', 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp', 'additionalEventData.MFAUsed',
  'tlsDetails.tlsVersion', 'responseElements.ConsoleLogin', 'requestParameters.nested', 'requestParameters.ipPermissions.items.fromPort',
  'userIdentity.userName', 'errorMessage', 'requestParameters.cidrIp', 'requestParameters.groupId', 'eventName',
];

function valueOf(random: () => number, words: readonly string[]): string {
  const value = pick(random, words);
  const r = random();
  const quote = (v: string) => (/[\s"]/.test(v) ? `"${v.replace(/"/g, '\\"')}"` : v);
  if (r < 0.15) return `${quote(value.slice(0, Math.max(1, Math.floor(value.length / 2))))}*`;
  if (r < 0.25) return `*${quote(value.slice(Math.floor(value.length / 2)))}`;
  if (r < 0.3) return `*${quote(value.slice(1, -1) || value)}*`;
  if (r < 0.38) return '*';
  return quote(value);
}

/** A random query of 1 to 3 terms over fields, record paths, params and words, some negated, some repeated. */
function randomQuery(random: () => number, words: readonly string[]): string {
  const terms: string[] = [];
  const count = int(random, 1, 3);
  for (let k = 0; k < count; k++) {
    const negate = random() < 0.2 ? '-' : '';
    const r = random();
    let term: string;
    if (r < 0.35) term = `${pick(random, FIELDS)}:${valueOf(random, words)}`;
    else if (r < 0.7) term = `${pick(random, PATHS)}:${valueOf(random, words)}`;
    else if (r < 0.85) term = `params:${valueOf(random, words)}`;
    else term = valueOf(random, words).replace(/^\*$/, 'x');
    terms.push(negate + term);
    if (random() < 0.2) terms.push(term.replace(/^-/, ''));
  }
  return terms.join(' ');
}

interface FileUnderTest {
  name: string;
  bytes: Buffer;
}

function datasetFiles(): FileUnderTest[] {
  const out: FileUnderTest[] = [];
  for (const folder of ['traildiscover', 'stratus-red-team', 'aws-docs-examples']) {
    const dir = path.join(DATASETS, folder);
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.includes('.json')) continue;
      const raw = readFileSync(path.join(dir, name));
      out.push({ name, bytes: raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw });
    }
  }
  return out;
}


/** The prefilter's mask of each record in `bytes` for `query`, searching the values of its keys when `keysGiven` (else the whole record). */
function keyedMask(bytes: Buffer, query: string, keysGiven: boolean, options: Parameters<typeof parseQuery>[1] = {}): number[] {
  const parsed = parseQuery(query, options);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const prefilter = prefilterOf(parsed.ast)!;
  const keys = prefilterKeys(prefilter);
  const spans = scanRecordSpans(bytes, keysGiven && keys.length > 0 ? new SpanKeys(keys) : undefined)!;
  const keyed = keysGiven && spans.values ? { keys, values: spans.values } : undefined;
  return Array.from(spanMask(prefilter, spans.bytes, spans.starts, spans.ends, spans.flags, keyed));
}

describe('the literal prefilter never changes an answer', () => {
  const random = seededRandom(1400);
  const generated: FileUnderTest[] = Array.from({ length: 30 }, (_, f) => ({
    name: `generated-${f}`,
    bytes: fileOf(Array.from({ length: 100 }, (_, k) => randomRecord(random, f * 100 + k)), random),
  }));
  const files = [...generated, ...datasetFiles()];
  const scanned = files
    .map((file) => ({ file, spans: scanRecordSpans(file.bytes) }))
    .filter((f): f is { file: FileUnderTest; spans: NonNullable<ReturnType<typeof scanRecordSpans>> } => f.spans !== null);
  const records = scanned.map(({ spans }) => spans.starts.map((start, k) => JSON.parse(spans.bytes.subarray(start, spans.ends[k]).toString('utf8')) as unknown));
  const words = [...VALUES];
  for (const { spans } of scanned.slice(30, 60)) {
    // Values from real records too, so queries hit them.
    for (let k = 0; k < Math.min(3, spans.starts.length); k++) {
      const text = spans.bytes.subarray(spans.starts[k], spans.ends[k]).toString('utf8');
      for (const m of text.matchAll(/"(eventName|errorCode|sourceIPAddress|eventSource|bucketName|cidrIp)"\s*:\s*"([^"\\]{3,40})"/g)) words.push(m[2]!);
    }
  }

  /** The files scanned again noting the values of `keys` (prefilterKeys), per key list. */
  const noted = new Map<string, (number[] | null)[]>();
  const valuesOf = (prefilter: Prefilter): { keys: string[]; values: (number[] | null)[] } | null => {
    const keys = prefilterKeys(prefilter);
    if (keys.length === 0) return null;
    let values = noted.get(keys.join());
    if (!values) {
      values = scanned.map(({ file }) => scanRecordSpans(file.bytes, new SpanKeys(keys))?.values ?? null);
      noted.set(keys.join(), values);
    }
    return { keys, values };
  };

  it('500 random queries: the records kept with the prefilter are the records kept without it', { timeout: 300_000 }, () => {
    const queries = Array.from({ length: 500 }, () => randomQuery(random, words));
    let q = 0;
    let pruned = 0;
    let total = 0;
    let withLiterals = 0;
    let matchedTotal = 0;
    let filesRuledOut = 0;
    let keyedQueries = 0;
    let keyedPruned = 0;
    for (const query of queries) {
      const parsed = parseQuery(query, { deepTerms: true });
      if (!parsed.ok) throw new Error(`${query}: ${parsed.error.message}`);
      const matches = compileRecordMatcher(parsed.ast);
      const prefilter = prefilterOf(parsed.ast);
      if (prefilter) withLiterals++;
      // The per-record form is checked against the per-file form on every tenth query.
      const checkSpans = q++ % 10 === 0;
      // Clauses searched in one key's values (error: in errorCode, name: in eventName): the same guarantee.
      const keyed = prefilter ? valuesOf(prefilter) : null;
      if (keyed) keyedQueries++;
      scanned.forEach(({ spans }, f) => {
        const mask = prefilter
          ? spanMask(prefilter, spans.bytes, spans.starts, spans.ends, spans.flags)
          : null;
        const values = keyed?.values[f];
        const keyedMask = prefilter && keyed && values ? spanMask(prefilter, spans.bytes, spans.starts, spans.ends, spans.flags, { keys: keyed.keys, values }) : null;
        // The whole-file form on every tenth query: a file it rules out holds no match.
        const fileRuledOut = checkSpans && prefilter !== null && !fileMayMatch(prefilter, spans.bytes);
        if (fileRuledOut) filesRuledOut++;
        for (let k = 0; k < spans.starts.length; k++) {
          if (fileRuledOut && matches(records[f]![k])) throw new Error(`whole-file prefilter dropped a match: ${query} in ${scanned[f]!.file.name} record ${k}`);
          const plain = (spans.flags[k]! & SPAN_PLAIN) !== 0;
          const candidate = mask === null || !plain || mask[k] === 1;
          const without = matches(records[f]![k]);
          const withPrefilter = candidate && without;
          total++;
          if (!candidate) pruned++;
          if (without) matchedTotal++;
          if (withPrefilter !== without) throw new Error(`prefilter dropped a match: ${query} in ${scanned[f]!.file.name} record ${k}`);
          if (keyedMask && plain) {
            if (keyedMask[k] === 0) keyedPruned++;
            if (keyedMask[k] === 0 && without) throw new Error(`prefilter by key values dropped a match: ${query} in ${scanned[f]!.file.name} record ${k}`);
          }
          if (checkSpans && prefilter && plain) expect(spanMayMatch(prefilter, spans.bytes, spans.starts[k]!, spans.ends[k]!), query).toBe(mask![k] === 1);
        }
      });
    }
    // The prefilter does prune: most queries have literals, and they skip most records.
    expect(withLiterals).toBeGreaterThan(250);
    expect(pruned / total).toBeGreaterThan(0.3);
    expect(matchedTotal).toBeGreaterThan(0);
    expect(filesRuledOut).toBeGreaterThan(100);
    expect(keyedQueries).toBeGreaterThan(30);
    expect(keyedPruned).toBeGreaterThan(1000);
  });

  it('by key values: error: reads errorCode alone; name: and source: keep records without one (an Insight names its own)', () => {
    const records = [
      { eventName: 'GetObject', errorCode: 'AccessDenied' },
      { eventName: 'GetObject', errorMessage: 'AccessDenied', requestParameters: { errorCode: 'AccessDenied' } },
      { eventName: 'GetObject', errorCode: 'ACCESSDENIED' },
      { eventName: 'GetObject', errorCode: '' },
      { eventName: 'GetObject', errorCode: 17 },
      { eventName: 'GetObject', errorCode: 'ESCAPED' },
      { eventName: 'GetObject', errorCode: 'Invalidİd' },
      { errorCode: 'x', insightDetails: { eventName: 'GetObject' } },
      { eventName: '', insightDetails: { eventName: 'GetObject' } },
      { eventName: 'PutObject', errorCode: 'x', errorCode2: 'AccessDenied' },
    ];
    // Record 5's errorCode is written with an escape (the text is the JSON below, not JSON.stringify's).
    const text = `{"Records":[${records.map((r) => JSON.stringify(r)).join(',')}]}`.replace('"ESCAPED"', '"Access\\u0044enied"');
    const bytes = Buffer.from(text, 'utf8');
    const maskOf = (query: string, keysGiven = true) => keyedMask(bytes, query, keysGiven, { deepTerms: true });
    expect(JSON.parse(text).Records[5].errorCode).toBe('AccessDenied');
    // AccessDenied elsewhere in the record (1, 9) is no errorCode; a number (4) is kept, as are escapes (5); 'accessdenied' has an i: non-ASCII (6) is kept.
    // Without an errorCode and with an empty eventName (8), an Insight's row may be a ConsoleLogin, whose errorMessage error: reads: kept.
    expect(maskOf('error:AccessDenied')).toEqual([1, 0, 1, 0, 1, 1, 1, 0, 1, 0]);
    expect(maskOf('error:AccessDenied', false)).toEqual([1, 1, 1, 0, 0, 1, 1, 0, 0, 1]);
    expect(maskOf('name:GetObject')).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(maskOf('name:PutObject')).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    // No record has an eventSource or an awsRegion: source: falls back to an Insight's, region: has nothing to match.
    expect(maskOf('source:GetObject')).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(maskOf('region:GetObject')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(maskOf('region:GetObject', false)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    // Alternatives (an or, as Sigma rules make) are searched in the whole record; an and of a key's term and another is searched both ways.
    const either = (a: string, b: string) => {
      const [x, y] = [parseQuery(a), parseQuery(b)];
      if (!x.ok || !y.ok) throw new Error('does not parse');
      return prefilterOf({ kind: 'or', children: [x.ast, y.ast] })!;
    };
    expect(either('name:PutObject', 'error:AccessDenied')).toEqual({ clauses: [['putobject', 'accessdenied']] });
    expect(either('name:PutObject error:AccessDenied', 'error:AccessDenied')).toEqual({ clauses: [['accessdenied']] });
    expect(maskOf('error:AccessDenied params:AccessDenied')).toEqual([1, 0, 1, 0, 0, 1, 1, 0, 0, 0]);
  });

  // error:VALUE reads a failed sign-in's errorMessage (model/failure.ts errorLabel): searched in errorCode alone, it dropped them.
  it('by key values: error: keeps a ConsoleLogin without an errorCode, whose errorMessage it reads', () => {
    const records = [
      { eventName: 'ConsoleLogin', errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' } },
      { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Failure' } },
      { eventName: 'ConsoleLogin', errorCode: '', errorMessage: 'Failed authentication' },
      { eventName: 'GetObject', errorMessage: 'Failed authentication' },
      { eventName: 'ConsoleLogin', errorCode: 'Throttling', errorMessage: 'Failed authentication' },
      { eventName: 'ESCAPED', errorMessage: 'Failed authentication' },
      { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' } },
    ];
    // Record 5's eventName is written with an escape: it may be ConsoleLogin.
    const text = `{"Records":[${records.map((r) => JSON.stringify(r)).join(',')}]}`.replace('"ESCAPED"', '"Console\u004cogin"');
    const bytes = Buffer.from(text, 'utf8');
    const maskOf = (query: string, keysGiven = true) => keyedMask(bytes, query, keysGiven);
    const matching = (query: string) => {
      const parsed = parseQuery(query);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const matches = compileRecordMatcher(parsed.ast);
      return (JSON.parse(text) as { Records: unknown[] }).Records.map((r) => (matches(r) ? 1 : 0));
    };
    expect(matching('error:"Failed authentication"')).toEqual([1, 0, 1, 0, 0, 1, 0]);
    expect(matching('error:Failure')).toEqual([0, 1, 0, 0, 0, 0, 0]);
    for (const query of ['error:"Failed authentication"', 'error:Failed*', 'error:Failure']) {
      const keyed = maskOf(query);
      const whole = maskOf(query, false);
      const wanted = matching(query);
      // Every match is kept, by key values and in the whole record.
      wanted.forEach((m, k) => {
        if (m === 1) expect([keyed[k], whole[k]], `${query} record ${k}`).toEqual([1, 1]);
      });
    }
    // By key values, only ConsoleLogin records without an errorCode (and the escaped name) stay: GetObject's message is no error: value.
    expect(maskOf('error:"Failed authentication"')).toEqual([1, 1, 1, 0, 0, 1, 1]);
    const parsed = parseQuery('error:Failed*');
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(prefilterKeys(prefilterOf(parsed.ast)!)).toEqual(['errorCode', 'eventName']);
  });

  it('escapes and case folding keep records that spell a literal another way', () => {
    const file = Buffer.from(
      '{"Records":[{"eventName":"Get\\u004fbject","errorCode":"\u212Aey"},{"eventName":"PutObject","errorCode":"\u0130nvalid"},{"eventName":"x","errorCode":"AccessDenied"}]}',
      'utf8',
    );
    const spans = scanRecordSpans(file)!;
    const maskOf = (query: string) => {
      const parsed = parseQuery(query);
      if (!parsed.ok) throw new Error(parsed.error.message);
      const prefilter = prefilterOf(parsed.ast)!;
      return Array.from(spanMask(prefilter, spans.bytes, spans.starts, spans.ends, spans.flags));
    };
    expect(maskOf('name:GetObject')).toEqual([1, 0, 0]);
    expect(maskOf('error:key')).toEqual([1, 1, 0]);
    expect(maskOf('error:invalid error:accessdenied')).toEqual([1, 1, 1]);
    // 'accessdenied' holds an i: the record with a non-ASCII capital I stays a candidate.
    expect(maskOf('error:accessdenied')).toEqual([1, 1, 1]);
    expect(maskOf('name:xyz*')).toEqual([1, 0, 0]);
  });

  it('gives no literals where a match need not contain one', () => {
    for (const query of ['-name:GetObject', 'user:alice', 'resource:logs', 'type:s3::bucket', 'error:*', 'name:Get* xyz', 'id:content:abc', 'requestParameters.port:22', 'ip:2001:db8::/32']) {
      const parsed = parseQuery(query, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const prefilter = prefilterOf(parsed.ast);
      if (query === 'name:Get* xyz') expect(prefilter?.clauses).toEqual([['get']]);
      else if (query === 'requestParameters.port:22') expect(prefilter?.clauses).toEqual([['port']]);
      else expect(prefilter, query).toBeNull();
    }
  });

  it('takes a /32 block\'s literal as the address itself, which no dot follows', () => {
    for (const [query, literal] of [['ip:10.0.0.1/32', '10.0.0.1'], ['ip:::ffff:10.1.2.3/128', '10.1.2.3'], ['ip:10.0.0.0/24', '10.0.0.']]) {
      const parsed = parseQuery(query!, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      expect(prefilterOf(parsed.ast)?.clauses.at(-1), query).toContain(literal);
    }
  });

  it('keeps the records of a pretty-printed or spaced file: a path or params literal never spans the white space JSON may put between tokens', () => {
    const records = [
      { eventID: 'a', eventName: 'Put', sourceIPAddress: '10.0.0.1', requestParameters: { list: [1, 2, 3], flags: { on: true, off: null }, items: [{ k: 'v' }] } },
      { eventID: 'b', eventName: 'Get', sourceIPAddress: '10.0.0.2', requestParameters: { arn: 'arn:aws:iam::123456789012:role/x', list: ['a,b', 'c'] } },
    ];
    const layouts = {
      compact: JSON.stringify({ Records: records }),
      // One line, a space between tokens (indented JSON's line breaks are never inside a string).
      spaced: JSON.stringify({ Records: records }, null, 1).replace(/\n\s*/g, ' '),
      indented: JSON.stringify({ Records: records }, null, 2),
    };
    const queries = [
      'params:"2,3]"',
      'params:":true,"',
      'params:*"[{\\"k\\":"*',
      'requestParameters.list:"[1,2,3]"',
      'requestParameters.flags:"{\\"on\\":true,\\"off\\":null}"',
      'requestParameters.items:*"}]"',
      'requestParameters.arn:arn:aws:iam::123456789012:role/x',
      'requestParameters.list:"a,b"',
      'params:"/x\\",\\"list\\":[\\"a,b"',
    ];
    for (const query of queries) {
      const parsed = parseQuery(query, { deepTerms: true });
      if (!parsed.ok) throw new Error(`${query}: ${parsed.error.message}`);
      const prefilter = prefilterOf(parsed.ast);
      const matcher = compileRecordMatcher(parsed.ast, { deepTerms: true });
      const expected = records.map((record) => (matcher(record) ? 1 : 0));
      expect(expected, query).toContain(1);
      if (!prefilter) continue;
      for (const [layout, text] of Object.entries(layouts)) {
        const bytes = Buffer.from(text, 'utf8');
        const spans = scanRecordSpans(bytes)!;
        const mask = spanMask(prefilter, bytes, spans.starts, spans.ends, spans.flags);
        expect(
          expected.every((want, k) => want === 0 || mask[k] === 1),
          `${query} (${layout}): kept ${[...mask].join('')}, matches ${expected.join('')}`,
        ).toBe(true);
        expect(fileMayMatch(prefilter, bytes), `${query} (${layout})`).toBe(true);
      }
    }
  });
});

describe('the byte search under the prefilter (no strings: bytes folded four at a time, hits checked)', () => {
  const prefilterFor = (query: string) => {
    const parsed = parseQuery(query, { deepTerms: true });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return prefilterOf(parsed.ast)!;
  };
  /** `text` as UTF-8 placed `shift` bytes into a fresh ArrayBuffer (the fold reads aligned words around it). */
  const placed = (text: string, shift: number): Uint8Array => {
    const bytes = Buffer.from(text, 'utf8');
    const room = new Uint8Array(bytes.length + shift + 7).fill(0x41);
    room.set(bytes, shift);
    return room.subarray(shift, shift + bytes.length);
  };
  /** What the search must answer: the text lowercased holds the literal (Latin-1: one character a byte), or escapes or folding non-ASCII may spell it. */
  const reference = (bytes: Uint8Array, word: string): boolean => {
    const lower = Buffer.from(bytes).toString('latin1').toLowerCase();
    if (lower.includes(word) || lower.includes('\\u') || lower.includes('\\/')) return true;
    return /[ki]/.test(word) && /[\x80-\xff]/.test(lower);
  };

  it('finds a literal in any case at every position and alignment, word-straddling and at the very end', () => {
    const prefilter = prefilterFor('error:AccessDenied');
    const random = seededRandom(1402);
    for (let shift = 0; shift < 4; shift++) {
      for (let before = 0; before < 9; before++) {
        for (let after = 0; after < 6; after++) {
          const cased = [...'accessdenied'].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('');
          const bytes = placed(`${'x'.repeat(before)}${cased}${'y'.repeat(after)}`, shift);
          expect(fileMayMatch(prefilter, bytes), `${shift} ${before} ${cased}`).toBe(true);
          expect(spanMayMatch(prefilter, bytes, 0, bytes.length)).toBe(true);
          // One byte short, cut at either end: not there.
          expect(fileMayMatch(prefilter, placed(`${'x'.repeat(before)}${cased.slice(1)}${'y'.repeat(after)}`, shift))).toBe(false);
          expect(fileMayMatch(prefilter, placed(`${'x'.repeat(before)}${cased.slice(0, -1)}${'y'.repeat(after)}`, shift))).toBe(false);
        }
      }
    }
  });

  it('tells apart bytes a case fold could merge (@ and `, [ and {, _ and DEL, \\ and |, control bytes and punctuation), and punctuation in a literal matches only itself', () => {
    // Literals with these characters: only the exact byte matches (no ASCII byte lowercases to a non-letter).
    const cases: [string, string, boolean][] = [
      ['key:a@b.c', 'x a@b.c y', true],
      ['key:a@b.c', 'x a`b.c y', false],
      ['key:a[bc', 'x a{bc y', false],
      ['key:a[bc', 'x A[BC y', true],
      ['key:a_bc', 'x a\x7fbc y', false],
      ['key:a_bc', 'x A_bc y', true],
      ['key:a|bc', 'x a|bc y', true],
      ['key:a*bc', 'x a\nbc y', false],
      ['key:a*bc', 'x a*bc y', false], // '*' is a glob: the literal is 'bc', shorter than 3 characters, so no prefilter
      // Punctuation in a literal (regex or glob syntax elsewhere) matches only itself, in any case of its letters.
      ['key:a@b.c', 'x a@bxc y', false],
      ['key:a|bc', 'x a y', false],
      ['key:a|bc', 'x bc y', false],
      ['key:"(ab)+$"', 'x (AB)+$ y', true],
      ['key:"(ab)+$"', 'x abab y', false],
      ['key:^a{2}', 'x ^A{2} y', true],
      ['key:^a{2}', 'aa', false],
      ['key:a[bc]d/e', 'x a[BC]d/e y', true],
      ['key:a[bc]d/e', 'x abd/e y', false],
      ['key:ab?c', 'x AB?C y', true],
      ['key:ab?c', 'x ac y', false],
      ['key:ab?c', 'x abc y', false],
    ];
    for (const [query, text, found] of cases) {
      const parsed = parseQuery(query, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      const prefilter = prefilterOf(parsed.ast);
      if (query === 'key:a*bc') {
        expect(prefilter).toBeNull();
        continue;
      }
      for (let shift = 0; shift < 4; shift++) expect(fileMayMatch(prefilter!, placed(text, shift)), `${query} in ${JSON.stringify(text)}`).toBe(found);
    }
  });

  it('random bytes (ASCII corners, UTF-8 multibyte, escapes): the same answer as a lowercased Latin-1 string', () => {
    const random = seededRandom(1403);
    const alphabet = ['a', 'c', 'C', 'e', 'E', 's', 'S', 'd', 'D', 'n', 'i', 'I', 'k', 'K', '@', '`', '[', '{', '_', '\x7f', '|', '.', '/', '0', ' ', '\t', 'é', 'É', '\u212A', '\u0130', '€', '\\', '"'];
    const words = ['error:AccessDenied', 'name:Cess', 'params:0.0.0.0/0', 'error:DENIED', 'key:kin', 'params:é'];
    for (let t = 0; t < 3000; t++) {
      const query = pick(random, words);
      const prefilter = prefilterOf((parseQuery(query, { deepTerms: true }) as { ok: true; ast: never }).ast);
      if (!prefilter) continue;
      const word = prefilter.clauses[0]![0]!;
      const length = int(random, 0, 40);
      let text = '';
      for (let k = 0; k < length; k++) text += random() < 0.15 ? word.slice(0, int(random, 1, word.length)) : pick(random, alphabet);
      if (random() < 0.3) {
        const cased = [...word].map((c) => (random() < 0.5 ? c.toUpperCase() : c)).join('');
        const at = int(random, 0, text.length);
        text = text.slice(0, at) + cased + text.slice(at);
      }
      const bytes = placed(text, int(random, 0, 3));
      expect(fileMayMatch(prefilter, bytes), `${query} in ${JSON.stringify(text)}`).toBe(reference(bytes, word));
    }
  });

  it('a literal without letters (searched from its rarest byte): every overlap and partial copy over its own bytes', () => {
    const random = seededRandom(1404);
    for (const query of ['params:0.0.0.0/0', 'ip:10.0.0.0/16', 'params:1.2.3.4']) {
      const prefilter = prefilterOf((parseQuery(query, { deepTerms: true }) as { ok: true; ast: never }).ast)!;
      expect(prefilter.clauses).toHaveLength(1);
      // ip: gives the address and its CIDR prefix (10.0.) as alternatives: either found is a hit.
      const clause = prefilter.clauses[0]!;
      const word = clause[0]!;
      const alphabet = [...new Set(clause.join(''))];
      for (let t = 0; t < 2000; t++) {
        let text = '';
        const length = int(random, 0, 30);
        for (let k = 0; k < length; k++) text += random() < 0.2 ? word.slice(int(random, 0, word.length - 1), int(random, 1, word.length)) : pick(random, alphabet);
        if (random() < 0.2) text += word;
        const bytes = placed(text, int(random, 0, 3));
        const want = clause.some((literal) => reference(bytes, literal));
        expect(fileMayMatch(prefilter, bytes), `${clause.join(' | ')} in ${JSON.stringify(text)}`).toBe(want);
        expect(spanMayMatch(prefilter, bytes, 0, bytes.length)).toBe(want);
      }
    }
  });

  it('a literal written with JSON escapes keeps its record; one that straddles two records matches neither', () => {
    const file = Buffer.from('{"Records":[{"errorCode":"Access\\u0044enied"},{"errorCode":"ACCESS"},{"errorCode":"DENIED"},{"e":"x\\/y"},{"errorCode":"accessdenieD"}]}', 'utf8');
    const spans = scanRecordSpans(file)!;
    const mask = spanMask(prefilterFor('error:AccessDenied'), spans.bytes, spans.starts, spans.ends, spans.flags);
    expect(Array.from(mask)).toEqual([1, 0, 0, 1, 1]);
    // In an unaligned view of the same bytes.
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(Array.from(spanMask(prefilterFor('error:AccessDenied'), shifted.subarray(1), spans.starts, spans.ends, spans.flags))).toEqual([1, 0, 0, 1, 1]);
  });
});

describe('a case-insensitive regex without the u flag', () => {
  it('gives no literal: it runs with u (query/valueMatch.ts compileRegex), where the Kelvin sign is a k', () => {
    const node = { kind: 'field', ref: { kind: 'path', path: ['requestParameters', 'bucketName'] }, match: { kind: 'regex', source: 'kelvin-logs', flags: 'i' } } as const;
    expect(prefilterOf(node, { pathKeys: false })).toBeNull();
    const record = { requestParameters: { bucketName: '\u212Aelvin-logs' } };
    expect(compileRecordMatcher(node)(record)).toBe(true);
    // Valid only without u (the escape \-): it runs as written, so the literal still holds.
    const legacy = { ...node, match: { kind: 'regex', source: 'kelvin\\-logs', flags: 'i' } } as const;
    expect(prefilterOf(legacy, { pathKeys: false })).not.toBeNull();
  });
});
