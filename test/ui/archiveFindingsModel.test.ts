/** What the --db dashboard shows of its background rules, and when a followed folder's import runs them again. */
import { describe, expect, it } from 'vitest';
import type { FollowStatus } from '../../src/archive/follow.js';
import { Findings } from '../../src/detect/findings.js';
import { commandRules } from '../../src/commands/rules.js';
import { archiveFindingsOf, rulesDueAfter } from '../../src/ui/archive/useArchiveFindings.js';

const status = (phase: FollowStatus['phase']): FollowStatus => ({ phase, progress: null, eventsAdded: 0, bad: [], error: null, folderGone: false });

describe('the --db findings', () => {
  it('run again when an import ends with new events, not after each batch of a catch-up', () => {
    expect(rulesDueAfter(status('watching'), true)).toBe(true);
    expect(rulesDueAfter(status('stopped'), true)).toBe(true);
    expect(rulesDueAfter(status('catching up'), true)).toBe(false);
    expect(rulesDueAfter(status('importing'), true)).toBe(false);
    expect(rulesDueAfter(status('watching'), false)).toBe(false);
  });

  it('count the conflicting duplicates beside the rules in the header, and say a run going on or a failure', () => {
    const set = commandRules(undefined);
    const findings = new Findings(set);
    const root = set.rules.findIndex((rule) => rule.title === 'Root account used');
    findings.add([{ id: 'e1', time: 0, index: 0, rules: [root] }]);
    const result = { set, findings, unique: 1, conflicts: { count: 2, keptTimes: [0, 1000] } };
    const shown = archiveFindingsOf({ result, running: { done: 3, total: 19 }, error: '' });
    expect(shown.headerForms[0]).toBe('⚑ 1 high 1 med (!)');
    expect(shown.builtin?.count).toBe(2);
    expect(shown.pending).toBe('running rules… 3/19');
    expect(archiveFindingsOf({ result: null, running: null, error: 'Out of Memory \u001b[2J' }).pending).toBe('the rules failed on the archive: Out of Memory \\x1b[2J');
    expect(archiveFindingsOf({ result: null, running: null, error: '' })).toEqual({ findings: undefined, builtin: null, headerForms: [], pending: '' });
  });
});
