/**
 * A number JSON cannot hold (1e400 in a log: JSON.parse gives Infinity) is null once written back: in
 * the JSON view (v), in `export --db` and in the archive's columns. The record matcher read it as the
 * text "null", a value, so `requestParameters.b:*` kept the event in memory (the folder dashboard,
 * scan, export) and dropped it on the archive, where the README promises the same answers.
 */
import { describe, expect, it } from 'vitest';
import { compileRecordMatcher } from '../../src/query/recordMatch.js';
import { callerIdentityCall } from './helpers.js';
import { deepQuery, eachQueryAnswersAsInMemory } from './sameAnswers.js';

// Parsed from text, as a reader parses the log: the overrides hold Infinity and -Infinity.
const huge = JSON.parse('{"requestParameters":{"b":1e400,"c":-1e400,"list":[1e400,"x"],"n":1}}') as Record<string, unknown>;
const records = [callerIdentityCall('huge', huge), callerIdentityCall('plain', { requestParameters: { b: 'text', c: 2, list: ['y'], n: 1 } })];

const queries = [
  'requestParameters.b:*',
  '-requestParameters.b:*',
  'requestParameters.c:*',
  'requestParameters.b:null',
  'requestParameters.list:x',
  'requestParameters.n:1',
];

describe('a number JSON writes as null (1e400) is no value, in memory as on the archive', () => {
  eachQueryAnswersAsInMemory(records, queries);

  it('in memory: b:* and c:* keep only the event whose b and c are real values', () => {
    const ids = (text: string) => records.filter(compileRecordMatcher(deepQuery(text), { deepTerms: true })).map((r) => r.eventID);
    expect(ids('requestParameters.b:*')).toEqual(['plain']);
    expect(ids('requestParameters.c:*')).toEqual(['plain']);
    expect(ids('requestParameters.b:null')).toEqual([]);
    expect(ids('requestParameters.list:x')).toEqual(['huge']);
  });
});
