import { describe, expect, it } from 'vitest';
import { compileQuery, filterRows, filterStore, FIELDS, Vocabulary } from '../../src/query/index.js';
import { compileNode } from '../../src/query/compile.js';
import type { QueryNode } from '../../src/query/ast.js';
import { EventStore } from '../../src/store/eventStore.js';
import type { TextField } from '../../src/query/fields.js';
import { makeRow } from './rows.js';

describe('exact terms on fields with a short form', () => {
  it('every field with a short form names the one long form that shortens to a value', () => {
    const withShortForm = FIELDS.filter((f): f is TextField => f.kind === 'text' && f.shortForm !== undefined);
    expect(withShortForm.length).toBeGreaterThan(0);
    for (const field of withShortForm) {
      expect(field.longForm, field.name).toBeDefined();
      for (const value of ['s3', 'ec2::instance', 's3.amazonaws.com', 'aws::x']) {
        const long = field.longForm!(value);
        expect(long).not.toBe(value);
        expect(field.shortForm!(long)).toBe(value);
      }
    }
  });

  it('source:s3 finds the same rows as a lowercase comparison, whichever string matched before', () => {
    const sources = ['s3.amazonaws.com', 'S3.AmazonAWS.com', 's3', 'S3', 'ec2.amazonaws.com', 's3.amazonaws.co', 'xs3.amazonaws.com', ''];
    // Distinct string objects with equal text too, as rows from different files may carry.
    const rows = Array.from({ length: 64 }, (_, i) => makeRow({ source: sources[(i * 5) % sources.length]!.split('').join('') }));
    // The documented meaning: the lowercase value, or it without .amazonaws.com, equals a named value.
    const named = (r: (typeof rows)[number], values: string[]): boolean => {
      const lower = r.source.toLowerCase();
      const short = lower.endsWith('.amazonaws.com') ? lower.slice(0, -'.amazonaws.com'.length) : lower;
      return values.some((v) => lower === v || short === v);
    };
    for (const values of [['s3'], ['s3.amazonaws.com'], ['ec2', 's3']]) {
      const source = values.map((v) => `source:${v.toUpperCase()}`).join(' ');
      const compiled = compileQuery(source);
      const negated = compileQuery(`-${source}`);
      if (!compiled.ok || !negated.ok) throw new Error(source);
      expect(filterRows(rows, compiled.query), source).toEqual(rows.filter((r) => named(r, values)));
      if (values.length === 1) expect(filterRows(rows, negated.query)).toEqual(rows.filter((r) => !named(r, values)));
    }
    expect(rows.filter((r) => named(r, ['s3'])).length).toBeGreaterThan(8);
  });
});

describe('an empty exact value on a summary field (an AST the parser would refuse, fuzzDifferential.test.ts)', () => {
  it('finds nothing, as on SQL: a row with no value for the field has no empty value to match', () => {
    const rows = [makeRow({ accessKey: '' }), makeRow({ accessKey: 'AKIAEXAMPLE' }), makeRow({ actor: '', source: '' })];
    const store = new EventStore(0);
    store.add(rows);
    for (const name of ['key', 'actor', 'source']) {
      const ast: QueryNode = { kind: 'field', ref: { kind: 'summary', name }, match: { kind: 'glob', pattern: { segments: [''], glob: false } } };
      const query = compileNode(ast);
      expect(filterRows(rows, query), name).toEqual([]);
      expect(filterStore(store, query), name).toEqual([]);
    }
  });
});

describe('fuzzy words remember one answer per value', () => {
  it('a value first seen before the vocabulary knew it matches once the vocabulary learns it', () => {
    const vocabulary = new Vocabulary();
    const row = makeRow({ name: 'AssumeRole', source: 'sts.amazonaws.com', actor: 'alice', userNames: ['alice'] });
    const compiled = compileQuery('assumrole', { vocabulary });
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(compiled.query.test(row)).toBe(false);
    vocabulary.addRows([row]);
    expect(compiled.query.test(row)).toBe(true);
  });

  it('a fuzzily meant value counts only in the fields it was found in', () => {
    const vocabulary = new Vocabulary();
    const named = makeRow({ name: 'AssumeRole' });
    vocabulary.addRows([named]);
    // The same text as a region or an ARN is plain text there: 'assumrole' is not inside it.
    const elsewhere = makeRow({ name: 'ListBuckets', region: 'AssumeRole', sourceIp: 'AssumeRole', accessKey: 'AssumeRole' });
    const compiled = compileQuery('assumrole', { vocabulary });
    if (!compiled.ok) throw new Error(compiled.error.message);
    expect(compiled.query.test(named)).toBe(true);
    expect(compiled.query.test(elsewhere)).toBe(false);
  });
});
