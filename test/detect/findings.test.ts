import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import { loadRuleSet, ruleFolders, RulesFolderError } from '../../src/detect/loadRules.js';
import type { Rule } from '../../src/detect/rule.js';
import { compileQuery } from '../../src/query/index.js';
import { normalize } from '../../src/model/normalize.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { EventStore } from '../../src/store/eventStore.js';
import { makeEvent, tempFolder } from '../watch/helpers.js';

function rule(id: string, level: Rule['level'], title = `Rule ${id}`): Rule {
  return { id, title, level, status: '', description: '', references: [], tags: [], author: '', falsepositives: [], path: `${id}.yml`, origin: 'test', ast: { kind: 'const', value: true } };
}

const T = (minute: number) => Date.UTC(2024, 0, 1, 0, minute);

describe('Findings keyed by the caller (an archive: tt_seq, no event IDs kept)', () => {
  test('takes hits by key, answers rulesOfKey, and forgets one rule whose run failed part way', () => {
    const findings = new Findings({ rules: [rule('a', 'low'), rule('b', 'high')], skipped: [] }, 0);
    findings.keyedByCaller();
    findings.hitKeys(0, [10, 2_000_000, 7], [T(3), T(9), NaN]);
    findings.hitKeys(1, [7, 8], [NaN, T(1)]);
    findings.hitKeys(0, [10], [T(3)]);
    expect(findings.list('level').map((f) => [f.rule.id, f.count, f.first, f.last])).toEqual([
      ['b', 2, T(1), T(1)],
      ['a', 3, T(3), T(9)],
    ]);
    expect(findings.rulesOfKey(7).map((r) => r.id)).toEqual(['b', 'a']);
    expect(findings.rulesOfKey(2_000_000).map((r) => r.id)).toEqual(['a']);
    expect(findings.rulesOfKey(11)).toEqual([]);
    expect(findings.eventsWithFindings).toBe(4);
    // No IDs: only the caller knows its events.
    expect(findings.rulesOf('7')).toEqual([]);

    findings.forgetRule(1);
    expect(findings.list('level').map((f) => f.rule.id)).toEqual(['a']);
    expect(findings.rulesOfKey(7).map((r) => r.id)).toEqual(['a']);
    expect(findings.rulesOfKey(8)).toEqual([]);
    expect(findings.eventsWithFindings).toBe(3);
    expect(findings.levelCounts().high).toBe(0);
  });
});

describe('Findings.listAmong (the findings view under a query)', () => {
  test('counts each rule among the given events only, with their first and last time; events numbered by ID or by store seq', () => {
    const findings = new Findings({ rules: [rule('a', 'low'), rule('b', 'high')], skipped: [] }, 0);
    findings.add([
      { id: 'e1', time: T(1), index: 0, rules: [0] },
      { id: 'e2', time: T(2), index: 1, rules: [0, 1] },
      { id: 'e3', time: T(3), index: 2, rules: [0] },
      { id: 'e4', time: NaN, index: 3, rules: [1] },
    ]);
    const row = (id: string, time: number) => ({ id, time, seq: -1 });
    const among = findings.listAmong([row('e3', T(3)), row('e2', T(2)), row('e4', NaN), row('x', T(9))], 'level');
    expect(among.map((f) => [f.rule.id, f.count, f.first, f.last])).toEqual([
      ['b', 2, T(2), T(2)],
      ['a', 2, T(2), T(3)],
    ]);
    // None of the events fired a rule: nothing listed; the whole list is unchanged.
    expect(findings.listAmong([row('x', T(9))])).toEqual([]);
    expect(findings.list('level').map((f) => [f.rule.id, f.count])).toEqual([['b', 2], ['a', 3]]);
  });

  test('in a folder load the rows are found by their store seq', () => {
    const store = new EventStore(0);
    const batch = new RecordBatch('f');
    const rows = [0, 1, 2].map((i) => normalize({ eventID: `s${i}`, eventTime: new Date(T(i)).toISOString(), eventName: 'Get' }, batch, i));
    store.add(rows);
    const findings = new Findings({ rules: [rule('a', 'low')], skipped: [] }, 0);
    findings.attach(store);
    findings.add([{ id: 's1', time: T(1), index: 0, rules: [0] }, { id: 's2', time: T(2), index: 0, rules: [0] }]);
    const kept = store.rows().filter((r) => r.id !== 's2');
    expect(findings.listAmong(kept).map((f) => [f.rule.id, f.count, f.first])).toEqual([['a', 1, T(1)]]);
  });
});

describe('Findings', () => {
  test('counts unique events per rule, keeps first and last time, ignores NaN times and unknown rules', () => {
    const findings = new Findings({ rules: [rule('a', 'low'), rule('b', 'high'), rule('c', 'medium')], skipped: [] }, 0);
    expect(findings.add([{ id: 'e1', time: T(5), index: 0, rules: [0, 1] }])).toBe(2);
    expect(findings.add([{ id: 'e1', time: T(5), index: 3, rules: [0] }, { id: 'e2', time: T(1), index: 1, rules: [0, 7] }, { id: 'e3', time: NaN, index: 2, rules: [0] }])).toBe(2);
    const list = findings.list('level');
    expect(list.map((f) => [f.rule.id, f.count, f.first, f.last])).toEqual([
      ['b', 1, T(5), T(5)],
      ['a', 3, T(1), T(5)],
    ]);
    expect(findings.levelCounts()).toEqual({ informational: 0, low: 1, medium: 0, high: 1, critical: 0 });
    expect(findings.rulesOf('e1').map((r) => r.id)).toEqual(['b', 'a']);
    expect(findings.rulesOf('nope')).toEqual([]);
    expect(findings.eventsWithFindings).toBe(3);
  });

  test('newest order puts the rule with the latest hit first', () => {
    const findings = new Findings({ rules: [rule('a', 'critical'), rule('b', 'low')], skipped: [] }, 0);
    findings.add([{ id: 'e1', time: T(1), index: 0, rules: [0] }, { id: 'e2', time: T(9), index: 1, rules: [1] }]);
    expect(findings.list('newest').map((f) => f.rule.id)).toEqual(['b', 'a']);
    expect(findings.list('level').map((f) => f.rule.id)).toEqual(['a', 'b']);
  });

  test('rule: terms read the live sets: an event hit later matches without recompiling', () => {
    const findings = new Findings({ rules: [rule('11111111-aaaa', 'high', 'Trail stopped'), rule('22222222-bbbb', 'low', 'Other')], skipped: [] }, 0);
    const byId = compileQuery('rule:11111111-aaaa', { tags: { rules: findings.tagRules } });
    const byTitle = compileQuery('rule:"trail stopped"', { tags: { rules: findings.tagRules } });
    expect(byId.ok && byTitle.ok).toBe(true);
    if (!byId.ok || !byTitle.ok) return;
    const row = { id: 'e1' } as Parameters<typeof byId.query.test>[0];
    expect(byId.query.test(row)).toBe(false);
    findings.add([{ id: 'e1', time: T(1), index: 0, rules: [0] }]);
    expect(byId.query.test(row)).toBe(true);
    expect(byTitle.query.test(row)).toBe(true);
  });

  test('attached to a store, events are its row seqs: hits and forgets by seq, lookups by id or row', () => {
    const store = new EventStore(0);
    store.add([makeEvent('e0', 5), makeEvent('e1', 1), makeEvent('e2', 9)].map((event, k) => normalize(event, new RecordBatch('f.json'), k)));
    const findings = new Findings({ rules: [rule('a', 'low'), rule('b', 'high')], skipped: [] }, 0);
    findings.attach(store);
    const seq = (id: string) => store.get(id)!.seq;
    const time = (id: string) => store.get(id)!.time;
    const fired = Int32Array.from([0, 1, 0, 7]);
    findings.hit(seq('e0'), time('e0'), fired, 0, 2);
    findings.hit(seq('e1'), time('e1'), fired, 2, 4); // rule 7 is not in the set: ignored
    findings.hit(seq('e2'), time('e2'), fired, 0, 1);
    findings.hit(seq('e2'), time('e2'), fired, 0, 1); // already known: nothing new
    expect(findings.list('level').map((f) => [f.rule.id, f.count, f.first, f.last])).toEqual([
      ['b', 1, time('e0'), time('e0')],
      ['a', 3, time('e1'), time('e2')],
    ]);
    expect(findings.rulesOf('e0').map((r) => r.id)).toEqual(['b', 'a']);
    expect(findings.eventsWithFindings).toBe(3);
    const tag = findings.tagRules[1]!;
    expect([tag.has('e0'), tag.has('e1'), tag.has('nope')]).toEqual([true, false, false]);
    // A stored row is found by its seq alone; a row not stored (seq -1) by its id.
    expect(tag.hasRow({ id: 'other', seq: seq('e0') })).toBe(true);
    expect(tag.hasRow({ id: 'e0', seq: -1 })).toBe(true);
    expect([...findings.tagRules[0]!.eventIds()].sort()).toEqual(['e0', 'e1', 'e2']);
    // The newest event's hits are forgotten (its row replaced by an earlier copy): first and last are worked out again.
    findings.forgetKey(seq('e2'));
    findings.forgetKey(seq('e2')); // twice: nothing more
    expect(findings.list('level').map((f) => [f.rule.id, f.count, f.first, f.last])).toEqual([
      ['b', 1, time('e0'), time('e0')],
      ['a', 2, time('e1'), time('e0')],
    ]);
    expect(findings.rulesOf('e2')).toEqual([]);
    expect(findings.eventsWithFindings).toBe(2);
    findings.forget('e0');
    expect(findings.list().map((f) => f.rule.id)).toEqual(['a']);
    expect(findings.levelCounts()).toEqual({ informational: 0, low: 1, medium: 0, high: 0, critical: 0 });
  });

  test('seqs past the bitsets\' first words and far apart are kept apart', () => {
    const seqs = [0, 31, 32, 63, 64, 5_000, 1_000_003];
    // A store stand-in holding rows only at those seqs.
    const log: { id: string; time: number }[] = [];
    for (const n of seqs) log[n] = { id: `e${n}`, time: n };
    const findings = new Findings({ rules: [rule('a', 'low'), rule('b', 'low')], skipped: [] }, 0);
    findings.attach({ get: (id) => (log[Number(id.slice(1))] ? { seq: Number(id.slice(1)) } : undefined), log: () => log });
    for (const n of seqs) findings.hit(n, n, [n % 2], 0, 1);
    expect([...findings.tagRules[0]!.eventIds()]).toEqual(['e0', 'e32', 'e64', 'e5000']);
    expect([...findings.tagRules[1]!.eventIds()]).toEqual(['e31', 'e63', 'e1000003']);
    expect(findings.list().map((f) => [f.rule.id, f.count, f.first, f.last])).toEqual([
      ['b', 3, 31, 1_000_003],
      ['a', 4, 0, 5_000],
    ]);
    expect(findings.tagRules[1]!.hasRow({ id: '', seq: 1_000_003 })).toBe(true);
    expect(findings.tagRules[1]!.hasRow({ id: '', seq: 1_000_004 })).toBe(false);
    expect(findings.tagRules[1]!.hasRow({ id: '', seq: 99_000_000 })).toBe(false);
  });

  test('listeners hear about changes, coalesced', async () => {
    const findings = new Findings({ rules: [rule('a', 'low')], skipped: [] }, 20);
    let calls = 0;
    findings.subscribe(() => calls++);
    findings.add([{ id: 'e1', time: T(1), index: 0, rules: [0] }]);
    findings.add([{ id: 'e2', time: T(1), index: 0, rules: [0] }]);
    findings.add([{ id: 'e2', time: T(1), index: 0, rules: [0] }]); // nothing new: no change
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toBe(1);
  });
});

describe('rule folders', () => {
  test('--rules values then TRAILTOP_RULES entries, split like PATH', () => {
    expect(ruleFolders(['a', 'b'], { TRAILTOP_RULES: 'c::d' })).toEqual(['a', 'b', 'c', 'd']);
    expect(ruleFolders(undefined, {})).toEqual([]);
  });

  test('a missing folder is an error; files that are not rules are left alone; duplicates and bad files are listed', () => {
    expect(() => loadRuleSet(['/nonexistent/rules'], { builtin: false })).toThrow(RulesFolderError);
    const temp = tempFolder('trailtop-rules-');
    try {
      const body = (id: string) => `title: T ${id}\nid: ${id}\nlogsource: {product: aws, service: cloudtrail}\ndetection: {sel: {eventName: X}, condition: sel}\n`;
      mkdirSync(join(temp.dir, 'sub'));
      writeFileSync(join(temp.dir, 'a.yml'), body('one'));
      writeFileSync(join(temp.dir, 'sub/b.yaml'), body('two'));
      writeFileSync(join(temp.dir, 'sub/c.yml'), body('one'));
      writeFileSync(join(temp.dir, 'd.yml'), 'title: [unclosed\n');
      writeFileSync(join(temp.dir, 'README.md'), '# not a rule');
      const set = loadRuleSet([temp.dir], { builtin: false });
      expect(set.rules.map((r) => r.id)).toEqual(['one', 'two']);
      expect(set.skipped.map((s) => [s.path.slice(temp.dir.length + 1), s.reason.replace(/\(already loaded from .*\)/, '(...)')])).toEqual([
        ['d.yml', expect.stringMatching(/^not valid YAML: line 2, column 1: /)],
        ['sub/c.yml', 'duplicate rule id one (...)'],
      ]);
      // A single file may be named too.
      expect(loadRuleSet([join(temp.dir, 'sub/b.yaml')], { builtin: false }).rules.map((r) => r.id)).toEqual(['two']);
      // A folder with no rule file in it (a wrong path) is an error too, not a run with no rules of its own.
      mkdirSync(join(temp.dir, 'empty'));
      writeFileSync(join(temp.dir, 'empty', 'notes.txt'), 'no rules here');
      expect(() => loadRuleSet([join(temp.dir, 'empty')])).toThrow(/no rule files \(\.yml, \.yaml\) in the rules folder: .*empty/);
    } finally {
      temp.remove();
    }
  });
});
