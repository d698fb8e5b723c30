import { describe, expect, it } from 'vitest';
import type { ResourceRef } from '../../src/model/types.js';
import { ListColumn } from '../../src/store/columns.js';
import { OwnResourceLists } from '../../src/store/ownResources.js';

const bucket: ResourceRef = Object.freeze({ type: 'AWS::S3::Bucket', name: 'logs', arn: 'arn:aws:s3:::logs', accountId: '111122223333' });
const object = (key: string, accountId = ''): ResourceRef => ({ type: 'AWS::S3::Object', name: `logs/${key}`, arn: `arn:aws:s3:::logs/${key}`, accountId });

describe('OwnResourceLists', () => {
  it('gives back every list it was given, field for field, whatever its shape', () => {
    const own = new OwnResourceLists();
    const lists: ResourceRef[][] = [];
    for (let k = 0; k < 3000; k++) {
      const shape = k % 7;
      const list =
        shape === 0 ? [object(`a/${k}`), bucket]
        : shape === 1 ? [bucket, object(`b/${k}`, '2')]
        : shape === 2 ? [object(`c/${k}`)]
        : shape === 3 ? [{ type: 'AWS::IAM::Role', name: 'role-x', arn: '', accountId: '' }] // no ARN: kept as it came
        : shape === 4 ? [object(`d/${k}`), object(`e/${k}`)] // two own ones
        : shape === 5 ? [{ type: 'T', name: 'whole', arn: 'whole', accountId: '' }, bucket] // name is the whole ARN
        : [object(`f/${k}`), bucket, bucket]; // three: kept as it came
      own.set(k, list);
      lists.push(list);
    }
    for (let k = 0; k < lists.length; k++) expect(own.at(k)).toEqual(lists[k]);
    // The shared resource stays the very object; rows without a list read as empty.
    expect(own.at(0)[1]).toBe(bucket);
    expect(own.at(5000)).toEqual([]);
    // A list that fits a template is built at each read; any other is the array it came as.
    for (const k of [0, 1, 2]) expect(own.at(k)).not.toBe(own.at(k));
    for (const k of [3, 6]) expect(own.at(k)).toBe(lists[k]);
    // Set again, a row switches between the two ways of keeping a list.
    own.set(3, [object('again'), bucket]);
    own.set(0, [{ type: 'X', name: 'n', arn: '', accountId: '' }]);
    expect(own.at(3)).toEqual([object('again'), bucket]);
    expect(own.at(0)).toEqual([{ type: 'X', name: 'n', arn: '', accountId: '' }]);
  });

  it('is where the store resource column keeps the lists it does not share', () => {
    const column = new ListColumn<ResourceRef>('resources', 4, new OwnResourceLists());
    const lists = Array.from({ length: 50 }, (_, k) => [object(`k${k}`), bucket]);
    for (const list of lists) column.append(list, false);
    expect(lists.map((_, k) => column.listAt(k))).toEqual(lists);
  });
});
