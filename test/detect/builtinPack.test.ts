/**
 * The built-in pack (rules/): every rule is complete (id, title, level,
 * ATT&CK tags, description) and each of its test events does what the test
 * file says: `fires` events fire it (and the brute-force reference agrees),
 * `quiet` events do not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { builtinRulesDir, loadRuleSet } from '../../src/detect/loadRules.js';
import { createDetector } from '../../src/detect/recordDetector.js';
import { referenceMatches, referenceRules } from './sigmaReference.js';

const dir = builtinRulesDir();
const set = loadRuleSet([]);
const files = readdirSync(join(dir, 'aws')).filter((f) => f.endsWith('.yml')).sort();

describe('the built-in rules pack', () => {
  test('loads whole: no rule skipped, one rule per file, unique UUIDs', () => {
    expect(set.skipped).toEqual([]);
    expect(set.rules.map((r) => basename(r.path)).sort()).toEqual(files);
    expect(new Set(set.rules.map((r) => r.id)).size).toBe(set.rules.length);
    for (const rule of set.rules) expect(rule.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test.each(files)('%s: complete, fires on its firing events and not on its quiet ones', (file) => {
    const rule = set.rules.find((r) => basename(r.path) === file)!;
    expect(rule.title.length).toBeGreaterThan(5);
    expect(rule.description.length).toBeGreaterThan(40);
    expect(rule.origin).toBe('builtin');
    expect(rule.tags.some((t) => /^attack\.t\d{4}/.test(t)), 'an ATT&CK technique tag').toBe(true);
    expect(rule.tags.some((t) => /^attack\.[a-z-]+$/.test(t)), 'an ATT&CK tactic tag').toBe(true);
    expect(readFileSync(rule.path, 'utf8')).toMatch(/^level: (informational|low|medium|high|critical)$/m);

    const events = JSON.parse(readFileSync(join(dir, 'tests', file.replace(/\.yml$/, '.json')), 'utf8')) as { fires: unknown[]; quiet: unknown[] };
    expect(events.fires.length).toBeGreaterThan(0);
    expect(events.quiet.length).toBeGreaterThan(0);
    const detector = createDetector([{ ast: rule.ast }]);
    const reference = referenceRules(readFileSync(rule.path, 'utf8'))[0]!;
    for (const event of events.fires) {
      expect(detector.test(event), `fires: ${JSON.stringify(event)}`).toEqual([0]);
      expect(referenceMatches(reference, event)).toBe(true);
    }
    for (const event of events.quiet) {
      expect(detector.test(event), `quiet: ${JSON.stringify(event)}`).toBeNull();
      expect(referenceMatches(reference, event)).toBe(false);
    }
  });
});
