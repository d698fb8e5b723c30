import { describe, expect, it } from 'vitest';
import { buildSearchText } from '../../src/model/searchText.js';
import type { EventRow } from '../../src/model/types.js';
import { containsInOrder, containsWord } from '../../src/query/words.js';
import { EventStore } from '../../src/store/eventStore.js';
import { makeRow, randomRow, resource, seededRandom } from './rows.js';

/** Rows without a stored text must answer words exactly as a scan of the built search text would. */
const hostile: EventRow[] = [
  makeRow({ name: 'ΟΔΟΣ', source: 'ΣΑΣ.amazonaws.com' }), // final sigma lowercases by context
  makeRow({ actor: 'İstanbul', userNames: ['İstanbul'] }), // lowercases to a longer string
  makeRow({ resources: [resource('AWS::S3::Object', 'a\nb', 'arn:aws:s3:::a\nb')] }), // a value with a line break
  makeRow({ name: 'Get', source: 'Object.amazonaws.com', errorCode: '\u212Aelvin' }), // Kelvin sign lowercases to k
  makeRow({ actor: '', userNames: [], resources: [], sourceIp: '', accessKey: '', errorCode: '' }),
  makeRow({ resources: [resource('AWS::S3::Bucket', 'same', 'same')] }),
];
const random = seededRandom(7);
const rows = [...hostile, ...Array.from({ length: 300 }, () => randomRow(random))];

const words = ['σ', 'ς', 'οδος', 'σας', 'i̇stanbul', 'istanbul', 'a\nb', 'b\narn', 'get\nobject', 'kelvin', 'k', 's3', 'alice', '10.0.2', 'us-east-1\nakia', 'same\nsame', 'same', 'zzz', '\n'];

describe('containsWord', () => {
  it.each(words)('matches the same rows as a scan of the built text for %j', (word) => {
    const test = containsWord(word);
    const expected = rows.filter((r) => buildSearchText(r).includes(word));
    expect(rows.filter((r) => test(r))).toEqual(expected);
    // Answers come from a memo after the first rows: a second pass must agree.
    expect(rows.filter((r) => test(r))).toEqual(expected);
  });

  it('gives the same answers on store rows, whose shared lists are remembered once per list', () => {
    const store = new EventStore();
    const random = seededRandom(11);
    store.add(Array.from({ length: 400 }, () => randomRow(random)));
    const stored = store.log();
    expect(stored.filter((r) => Object.isFrozen(r.resources) && r.resources.length > 0).length).toBeGreaterThan(0);
    for (const word of ['logs', 'key1', 'arn:aws:s3:::backups/', 'alice', 'ci-job', 'i-03', 'zzz']) {
      const test = containsWord(word);
      const expected = stored.filter((r) => buildSearchText(r).includes(word));
      expect(stored.filter((r) => test(r)), word).toEqual(expected);
      expect(stored.filter((r) => test(r)), word).toEqual(expected);
    }
  });

  it('finds words in every searched field and not in the others', () => {
    const row = makeRow({ userAgent: 'secret-agent', requestId: 'req-hidden', errorMessage: 'hidden message' });
    for (const word of ['describeinstances', 'ec2', 'alice', '198.51', 'us-east', 'akiaexample']) expect(containsWord(word)(row), word).toBe(true);
    for (const word of ['secret-agent', 'req-hidden', 'hidden message', '111122223333:user']) expect(containsWord(word)(row), word).toBe(false);
  });
});

describe('containsInOrder', () => {
  it.each([
    [['get', 'object']],
    [['', 's3', '']],
    [['alice', '10.0']],
    [['ec2', 'us-']],
    [['us-', 'ec2']],
    [['', '']],
    [['a\nb', 'arn']],
  ])('matches the same rows as the built text for runs %j', (segments) => {
    const runs = segments.filter((s) => s !== '');
    const expected = rows.filter((r) => {
      const text = buildSearchText(r);
      let at = 0;
      for (const run of runs) {
        const found = text.indexOf(run, at);
        if (found < 0) return false;
        at = found + run.length;
      }
      return true;
    });
    const test = containsInOrder(segments);
    expect(rows.filter((r) => test(r))).toEqual(expected);
  });
});
