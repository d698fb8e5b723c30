import { describe, expect, it } from 'vitest';
import { distinctCuts, truncateMiddle } from '../../src/ui/distinctCut.js';
import { displayWidth } from '../../src/term/width.js';

describe('distinctCuts', () => {
  it('cuts from the end where the cut values still differ', () => {
    const values = ['alpha-one-very-long', 'beta-two-very-long'].map((v) => ({ shown: v, whole: v }));
    expect(distinctCuts(values, 10)).toEqual(['alpha-one…', 'beta-two-…']);
  });

  it('cuts in the middle, then from the start, where cutting from the end would make them read the same', () => {
    const values = ['role/deploy-a', 'role/deploy-b', 'prefix-xxxxxxxxxxxxxx-1', 'prefix-xxxxxxxxxxxxxx-2', 'short'].map((v) => ({ shown: v, whole: v }));
    expect(distinctCuts(values, 12)).toEqual(['rol…deploy-a', 'rol…deploy-b', 'pre…xxxxxx-1', 'pre…xxxxxx-2', 'short']);
    // Two that differ only just before their end: the start goes.
    const close = ['head-xxxxxxxxxx-abc1def-tail', 'head-xxxxxxxxxx-abc2def-tail'].map((v) => ({ shown: v, whole: v }));
    expect(distinctCuts(close, 12)).toEqual(['…bc1def-tail', '…bc2def-tail']);
  });

  it('cuts the whole value where its short form would read like another', () => {
    const values = [
      { shown: 'SSO/alice', whole: 'SSO/Admin_1111/alice' },
      { shown: 'SSO/alice', whole: 'SSO/ReadOnly_2222/alice' },
    ];
    expect(distinctCuts(values, 14)).toEqual(['SSO/…111/alice', 'SSO/…222/alice']);
  });

  it('asked to, drops the words a group shares at its start before cutting its middle', () => {
    const values = ['team-red-alpha-role/s1', 'team-red-beta-role/s2', 'team-blue/s3'].map((v) => ({ shown: v, whole: v }));
    expect(distinctCuts(values, 9, { commonPrefixFirst: true })).toEqual(['…alpha-r…', '…beta-ro…', 'team-blu…']);
    // Nothing shared at a word's end: the middle cut as without it.
    const bare = ['abcdefghij1', 'abcdefghij2'].map((v) => ({ shown: v, whole: v }));
    expect(distinctCuts(bare, 8, { commonPrefixFirst: true })).toEqual(distinctCuts(bare, 8));
  });

  it('looks for a shared start only as far as a screen could show (a log value can be megabytes)', () => {
    const shared = 'k-'.repeat(3000);
    const values = [`${shared}alpha`, `${shared}beta`].map((v) => ({ shown: v, whole: v }));
    // Past the limit the shared start is not dropped: the middle cut, as for values that share nothing.
    expect(distinctCuts(values, 12, { commonPrefixFirst: true })).toEqual(distinctCuts(values, 12));
  });

  it('never splits a wide character or goes over the width', () => {
    const text = '删除存储桶删除存储桶删除存储桶';
    for (let w = 1; w < 20; w++) expect(displayWidth(truncateMiddle(text, w))).toBeLessThanOrEqual(w);
  });
});
