import { describe, expect, test } from 'vitest';
import type { Rule } from '../../../src/detect/rule.js';
import { findingDetailLines, findingRowLine, findingsHeaderForms, findingsHeaderText, findingsLayout, ruleLines, skippedSummary } from '../../../src/ui/findings/findingsModel.js';
import { displayWidth } from '../../../src/term/width.js';

function rule(fields: Partial<Rule> = {}): Rule {
  return {
    id: 'r-1',
    title: 'Trail stopped',
    level: 'high',
    status: 'stable',
    description: 'First line\nof one paragraph.\n\nSecond paragraph.',
    references: ['https://example.com/ref'],
    tags: ['attack.defense-evasion', 'attack.t1562.008'],
    author: 'someone',
    falsepositives: [],
    path: '/rules/r.yml',
    origin: 'builtin',
    ast: { kind: 'const', value: true },
    ...fields,
  };
}

describe('findings text', () => {
  test('the header counts rules by level, highest first, and says nothing when none fired', () => {
    expect(findingsHeaderText({ informational: 0, low: 1, medium: 0, high: 2, critical: 1 })).toBe('⚑ 1 crit 2 high 1 low (!)');
    expect(findingsHeaderText({ informational: 0, low: 0, medium: 0, high: 0, critical: 0 })).toBe('');
    // Shorter forms for a narrow header: without the key hint, levels by letter, then the total.
    expect(findingsHeaderForms({ informational: 0, low: 2, medium: 8, high: 6, critical: 0 })).toEqual(['⚑ 6 high 8 med 2 low (!)', '⚑ 6 high 8 med 2 low', '⚑ 6h 8m 2l', '⚑ 16']);
    expect(findingsHeaderForms({ informational: 0, low: 0, medium: 0, high: 0, critical: 0 })).toEqual([]);
  });

  test('rows fit the width; techniques shortened; times when wide', () => {
    for (const width of [40, 80, 100, 160]) {
      const layout = findingsLayout(width);
      const line = findingRowLine({ rule: rule(), count: 12, first: Date.UTC(2024, 6, 31, 12, 46), last: Date.UTC(2024, 6, 31, 13, 6) }, layout, 'utc', true);
      expect(displayWidth(line), `at ${width}`).toBeLessThanOrEqual(Math.max(width, 40));
      if (width >= 90) expect(line).toContain('2024-07-31 12:46');
      if (width >= 120) expect(line).toContain('T1562.008');
    }
  });

  test('strings from rule files are sanitised before they are drawn', () => {
    const hostile = rule({ title: 'evil\u001b[2Jtitle', description: 'desc\u001b]8;;x\u0007', references: ['https://x\u001b[31m'] });
    for (const line of ruleLines(hostile, 80)) expect(line.text).not.toMatch(/\u001b|\u0007/);
    const row = findingRowLine({ rule: hostile, count: 1, first: NaN, last: NaN }, findingsLayout(100), 'utc', false);
    expect(row).not.toContain('\u001b');
    expect(skippedSummary([{ path: '/r/\u001b[2Jx.yml', reason: 'bad\u001b' }])).not.toContain('\u001b');
  });

  test('a description is rewrapped by paragraph', () => {
    const lines = ruleLines(rule(), 80).map((l) => l.text);
    expect(lines).toContain('First line of one paragraph.');
    expect(lines).toContain('Second paragraph.');
  });

  test('the details section lists each rule with its description, techniques, references and its rule: term', () => {
    const lines = findingDetailLines([rule()]);
    expect(lines.map((l) => [l.label, l.value])).toEqual([
      ['', 'Detections (1)'],
      ['high', 'Trail stopped'],
      ['', 'First line of one paragraph. Second paragraph.'],
      ['ATT&CK', 'T1562.008'],
      ['reference', 'https://example.com/ref'],
      ['rule', 'rule:r-1'],
    ]);
    expect(findingDetailLines([])).toEqual([]);
  });
});
