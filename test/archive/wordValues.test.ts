/**
 * A plain word of one run is tested on the archive value by value (query/sql/compile.ts searchInValues),
 * no longer in the joined, lowercased search text: each search part (model/searchText.ts) holds hostile
 * text here, and every word must find what the in-memory engine finds: LIKE's wildcards and its escape
 * character as plain text, quotes, a line break (the joined text, still), Unicode folding (İ, final
 * sigma, which SQL's lower() keeps and foldCase makes σ), runs in order across values, and words of two
 * letters that lie in many values.
 */
import { describe, expect, it } from 'vitest';
import { eachQueryAnswersAsInMemory, idsOnArchive } from './sameAnswers.js';

const at = (minute: number): string => `2024-03-05T08:${String(minute).padStart(2, '0')}:00Z`;

const RECORDS: readonly Record<string, unknown>[] = [
  { eventID: 'name', eventTime: at(0), eventName: 'Get100%_Done', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1' },
  { eventID: 'quote', eventTime: at(1), eventName: 'Get', userIdentity: { type: 'IAMUser', userName: "o'brien \"q\"" } },
  { eventID: 'slash', eventTime: at(2), eventName: 'Get', userIdentity: { type: 'IAMUser', userName: 'back\\slash' } },
  { eventID: 'dotted', eventTime: at(3), eventName: 'Get', resources: [{ ARN: 'arn:aws:s3:::İSTANBUL-bucket' }] },
  { eventID: 'sigma', eventTime: at(4), eventName: 'ΟΔΟΣ', awsRegion: 'eu-west-1' },
  { eventID: 'final', eventTime: at(5), eventName: 'Put', userIdentity: { type: 'IAMUser', userName: 'οδος' } },
  { eventID: 'ip', eventTime: at(6), eventName: 'Put', sourceIPAddress: '10.0.3.7', userIdentity: { type: 'IAMUser', userName: 'alice', accessKeyId: 'AKIA_EXAMPLE' } },
  { eventID: 'denied', eventTime: at(7), eventName: 'Put', errorCode: 'AccessDenied', errorMessage: 'no %s' },
  // A failed sign-in has no errorCode: its errorMessage is the error label a word finds.
  { eventID: 'signin', eventTime: at(8), eventName: 'ConsoleLogin', errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' } },
  { eventID: 'lines', eventTime: at(9), eventName: 'Get', userIdentity: { type: 'IAMUser', userName: 'line1\nline2' } },
  { eventID: 'arn', eventTime: at(10), eventName: 'Get', resources: [{ ARN: 'arn:aws:s3:::bkt/say "hi"_%' }, { ARN: 'plain-res' }] },
  // Letters that lowercase to ASCII (Kelvin sign, dotted capital I) beside digits and signs, which a word of those finds unlowered.
  { eventID: 'kelvin', eventTime: at(12), eventName: 'Get', resources: [{ ARN: 'arn:aws:s3:::\u212a10-\u0130-7:/x' }], sourceIPAddress: '2001:DB8::1' },
  {
    eventID: 'assumed',
    eventTime: at(11),
    eventName: 'AssumeRole',
    eventSource: 'sts.amazonaws.com',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice', sessionContext: { sessionIssuer: { userName: 'Admin' } } },
  },
];

const QUERIES = [
  // LIKE's wildcards and escape character are plain text in a word.
  '100%',
  '0%_d',
  '%',
  '_',
  '%_',
  '"\\\\"',
  '"k\\\\s"',
  '"_%"',
  // Quotes.
  "o'brien",
  "'",
  '"\\"q\\""',
  '"say \\"hi\\""',
  // A line break: the joined text, one value per line.
  '"line1\\u{a}line2"',
  '"e1\\u{a}li"',
  '"get\\u{a}line1"',
  // Unicode folding.
  'İstanbul',
  'istanbul',
  'İSTANBUL-BUCKET',
  'ΟΔΟΣ',
  'οδος',
  'οδοσ',
  'ς',
  'σ',
  // Runs in order, inside one value or across values.
  'get*done',
  '100*%*done',
  'get*bob',
  'get*line2',
  'put*alice',
  'line1*line2',
  '%*_',
  // Each part of the search text, and two letters found in many values.
  'alice',
  '10.0.3.7',
  '"10.0.3"',
  'accessdenied',
  'authentication',
  'fail*auth',
  'akia_',
  'eu-west',
  'sts.amazonaws',
  'assumerole',
  'assumed-role/admin',
  'admin',
  'plain-res',
  'ab',
  'ge',
  'in',
  '-ab',
  '-assumerole name:Get',
  'assumerole user:alice',
  'xyzzy',
  // ASCII digits and signs, tested without lower().
  '10-',
  '"-7:/"',
  '"0-"',
  '::',
  '2001:',
  'k10',
  'i-7',
  '"10-i"',
  '"-İ-"',
];

describe('plain words, value by value on the archive = in memory', () => {
  const archive = eachQueryAnswersAsInMemory(RECORDS, QUERIES);

  it('finds each hostile value where it is (the comparison is not trivial)', async () => {
    expect(await idsOnArchive(archive(), '100%')).toEqual(['name']);
    expect(await idsOnArchive(archive(), '0%_d')).toEqual(['name']);
    expect(await idsOnArchive(archive(), '"k\\\\s"')).toEqual(['slash']);
    expect(await idsOnArchive(archive(), '"\\"q\\""')).toEqual(['quote']);
    expect(await idsOnArchive(archive(), '"say \\"hi\\""')).toEqual(['arn']);
    expect(await idsOnArchive(archive(), '"line1\\u{a}line2"')).toEqual(['lines']);
    expect(await idsOnArchive(archive(), 'istanbul')).toEqual(['dotted']);
    expect(await idsOnArchive(archive(), 'οδος')).toEqual(['final', 'sigma']);
    expect(await idsOnArchive(archive(), 'authentication')).toEqual(['signin']);
    expect(await idsOnArchive(archive(), 'akia_')).toEqual(['ip']);
    expect(await idsOnArchive(archive(), 'assumerole user:alice')).toEqual(['assumed']);
    expect(await idsOnArchive(archive(), '"-7:/"')).toEqual(['kelvin']);
    expect(await idsOnArchive(archive(), 'k10')).toEqual(['kelvin']);
  });
});
