/**
 * A rules folder may come from anywhere, and YAML aliases can make a small
 * file expand to billions of nodes. The parser refuses past 100 aliases, but
 * by throwing, not as a document error: one such file stopped every command
 * that loaded its folder (`detect`, the dashboard with --rules). It is a rule
 * that cannot run, listed with its reason; the folder's other rules still run.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../src/detect/loadRules.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import { tempFolder } from '../support/files.js';

const HEAD = 'level: high\nlogsource:\n  product: aws\n  service: cloudtrail\n';

/** Nine lists of nine aliases of the one before: 9^10 strings once expanded. */
function billionLaughs(): string {
  const lines = ['title: Laughs', 'id: laughs', HEAD.trimEnd(), 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  lines.push('detection:', '  sel:', '    eventName: *a9', '  condition: sel');
  return `${lines.join('\n')}\n`;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('a rule file whose aliases expand past the limit', () => {
  it('is skipped with a reason', () => {
    const parsed = parseRuleFile(billionLaughs(), 'laughs.yml', 'rules');
    expect(parsed.rules).toEqual([]);
    expect(parsed.skipped).toEqual([{ path: 'laughs.yml', reason: expect.stringMatching(/^not valid YAML: .*alias/i) }]);
  });

  it('leaves the other rules of its folder running', () => {
    const { dir, remove } = tempFolder('trailtop-rule-aliases-');
    cleanups.push(remove);
    writeFileSync(join(dir, 'laughs.yml'), billionLaughs());
    writeFileSync(join(dir, 'ok.yml'), `title: Console login\nid: ok-rule\n${HEAD}detection:\n  sel:\n    eventName: ConsoleLogin\n  condition: sel\n`);
    const set = loadRuleSet([dir], { builtin: false });
    expect(set.rules.map((r) => r.id)).toEqual(['ok-rule']);
    expect(set.skipped.map((s) => s.path)).toEqual([join(dir, 'laughs.yml')]);
  });
});
