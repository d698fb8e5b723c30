/**
 * The built-in pack (rules/): every rule is complete (id, title, level,
 * ATT&CK tags, description) and each of its test events does what the test
 * file says: `fires` events fire it (and the brute-force reference agrees),
 * `quiet` events do not. On an archive, each rule's SQL (detect --db, rule:)
 * fires on the same test events, of every file, as in memory.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ruleCondition } from '../../src/archive/filter.js';
import { builtinRulesDir, loadRuleSet } from '../../src/detect/loadRules.js';
import { createDetector } from '../../src/detect/recordDetector.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { referenceMatches, referenceRules } from './sigmaReference.js';

const dir = builtinRulesDir();
const set = loadRuleSet([]);
const files = readdirSync(join(dir, 'aws')).filter((f) => f.endsWith('.yml')).sort();
type TestEvents = { fires: Record<string, unknown>[]; quiet: Record<string, unknown>[] };
const testEvents = (file: string) => JSON.parse(readFileSync(join(dir, 'tests', file.replace(/\.yml$/, '.json')), 'utf8')) as TestEvents;

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

    const events = testEvents(file);
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

describe('the built-in rules pack on an archive', () => {
  const all = files.flatMap((file) => [...testEvents(file).fires, ...testEvents(file).quiet]);
  let archive: TestArchive | undefined;
  beforeAll(async () => {
    archive = await archiveOf(all);
  });
  afterAll(() => archive?.close());

  test('the test events have unique eventIDs, so the archive keeps every one', () => {
    expect(new Set(all.map((e) => e.eventID)).size).toBe(all.length);
    expect(archive!.summary.eventsTotal).toBe(all.length);
  });

  test.each(files)('%s: its SQL fires on the test events it fires on in memory, its own firing ones among them', async (file) => {
    const rule = set.rules.find((r) => basename(r.path) === file)!;
    const detector = createDetector([{ ast: rule.ast }]);
    const memory = all.filter((e) => detector.test(e) !== null).map((e) => String(e.eventID)).sort();
    expect(memory).toEqual(expect.arrayContaining(testEvents(file).fires.map((e) => String(e.eventID))));
    expect(await archive!.ids(ruleCondition(rule.ast))).toEqual(memory);
  });
});
