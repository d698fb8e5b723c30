import { describe, expect, test } from 'vitest';
import type { Rule } from '../../../src/detect/rule.js';
import { findingDetailLines, findingRowLine, findingsHeaderForms, findingsHeaderLine, findingsHeaderText, findingsLayout, ruleLines, skippedSummary } from '../../../src/ui/findings/findingsModel.js';
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

  test('the count column is as wide as the widest count: rows stay under the header at 10M events', () => {
    const busy = { rule: rule({ title: 'AssumeRole' }), count: 8_506_590, first: Date.UTC(2026, 10, 5), last: Date.UTC(2026, 10, 24) };
    const few = { rule: rule({ title: 'Root' }), count: 20, first: Date.UTC(2026, 10, 6), last: Date.UTC(2026, 10, 24) };
    for (const width of [80, 100]) {
      const layout = findingsLayout(width, false, [busy.count, few.count]);
      const header = findingsHeaderLine(layout);
      const rows = [busy, few].map((finding) => findingRowLine(finding, layout, 'utc', false));
      // Each count ends where EVENTS does, and each title starts where RULE does.
      const end = header.indexOf('EVENTS') + 'EVENTS'.length;
      expect(rows[0]!.slice(0, end)).toMatch(/ 8,506,590$/);
      expect(rows[1]!.slice(0, end)).toMatch(/ 20$/);
      for (const row of rows) expect(row.indexOf(row.includes('AssumeRole') ? 'AssumeRole' : 'Root')).toBe(header.indexOf('RULE'));
      for (const row of rows) expect(displayWidth(row)).toBeLessThanOrEqual(width);
    }
  });

  test('at 80 columns the hit times stay, short, and the title gives them room; the last (newest) hit goes last', () => {
    const finding = { rule: rule({ title: 'Console password (login profile) created or changed' }), count: 2, first: Date.UTC(2026, 10, 23, 8, 5), last: Date.UTC(2026, 10, 24, 23, 59) };
    const at = (width: number, withYear = false): { header: string; row: string } => {
      const layout = findingsLayout(width, withYear);
      return { header: findingsHeaderLine(layout), row: findingRowLine(finding, layout, 'utc', false) };
    };
    // The list is newest hit first: the time it is ordered by shows at 80x24.
    const eighty = at(80);
    expect(eighty.header).toMatch(/EVENTS  FIRST        LAST         RULE/);
    expect(eighty.row).toContain('11-23 08:05  11-24 23:59  Console password (login profile) cre…');
    expect(displayWidth(eighty.row)).toBeLessThanOrEqual(80);
    // Narrower, the first time goes, then (at 40, where the title would be unreadable) the last.
    expect(at(70).header).not.toContain('FIRST');
    expect(at(70).row).toContain('  11-24 23:59  Console password');
    expect(at(40).header).not.toContain('LAST');
    // Wide, both with their year, as before.
    expect(at(100).row).toContain('2026-11-23 08:05  2026-11-24 23:59  Console password');
    // Hits in more than one year: a short time keeps its year, and the first time gives way sooner.
    const spanning = at(80, true);
    expect(spanning.header).not.toContain('FIRST');
    expect(spanning.row).toContain('  2026-11-24 23:59  Console password');
    expect(displayWidth(spanning.row)).toBeLessThanOrEqual(80);
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
