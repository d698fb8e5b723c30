/**
 * The findings view in the dashboard: `!` opens it from the list, the header
 * counts rules by level and changes when hits arrive, Enter lists the rule's
 * events through `rule:ID`, and the details of an event name the rules it fired.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Findings } from '../../../src/detect/findings.js';
import type { Rule } from '../../../src/detect/rule.js';
import { EventStore } from '../../../src/store/eventStore.js';
import { noteConflict } from '../../../src/store/progress.js';
import { App } from '../../../src/ui/App.js';
import { FindingsView } from '../../../src/ui/findings/FindingsView.js';
import { makeRow } from '../fixtures.js';
import { KEYS, renderApp, type Harness } from '../harness.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function rule(id: string, title: string, level: Rule['level']): Rule {
  return {
    id,
    title,
    level,
    status: 'stable',
    description: `What ${title} means.`,
    references: [`https://example.com/${id}`],
    tags: ['attack.defense-evasion', 'attack.t1562.008'],
    author: 'test',
    falsepositives: [],
    path: `${id}.yml`,
    origin: 'builtin',
    ast: { kind: 'const', value: true },
  };
}

function setup(): { h: Harness; findings: Findings; store: EventStore } {
  const store = new EventStore(0);
  const rows = [makeRow({ id: 'e-stop', name: 'StopLogging' }), makeRow({ id: 'e-kms', name: 'ScheduleKeyDeletion' }), makeRow({ id: 'e-plain', name: 'ListBuckets' })];
  const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped', 'high'), rule('r-kms', 'KMS key deletion', 'medium')], skipped: [] }, 0);
  findings.add([{ id: 'e-stop', time: rows[0]!.time, index: 0, rules: [0] }]);
  store.add(rows);
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ findings: FindingsView }} findings={findings} />, 100, 30);
  open.push(h);
  return { h, findings, store };
}

describe('findings in the dashboard', () => {
  it('shows the count by level in the header, live, and lists the rules that fired with !', async () => {
    const { h, findings } = setup();
    await h.waitFor((f) => f.includes('⚑ 1 high (!)'));
    findings.add([{ id: 'e-kms', time: Date.UTC(2024, 2, 5, 15), index: 1, rules: [1] }]);
    await h.waitFor((f) => f.includes('⚑ 1 high 1 med (!)'));
    const view = await h.press('!', (f) => f.includes('Findings (2 of 2 rules fired)'));
    expect(view).toContain('Trail stopped');
    expect(view).toContain('KMS key deletion');
    expect(view).toContain('What KMS key deletion means.'); // the newest hit is selected first
    expect(view).toContain('https://example.com/r-kms');
  });

  it("Enter lists the selected rule's events through rule:ID; Esc from the view returns to the list", async () => {
    const { h } = setup();
    await h.press('!', (f) => f.includes('Findings ('));
    const list = await h.press(KEYS.enter, (f) => f.includes('rule:r-trail') && f.includes('1 of 3 events'));
    expect(list).toContain('StopLogging');
    expect(list).not.toContain('ListBuckets');
    expect(list).toContain('1 of 3 events');
    // Opened over that list, the view counts the rules among its events.
    await h.press('!', (f) => f.includes("Findings on the query's 1 event (1 of 2 rules fired)"));
    const back = await h.press(KEYS.escape, (f) => !f.includes('Findings on'));
    expect(back).toContain('StopLogging');
  });

  it('says in its foot that a rule was stopped part way, its counts being short', async () => {
    const { h, store } = setup();
    store.updateProgress((p) => void p.ruleStops.push({ path: '/logs/f05.json', reason: 'rule Trail \u001b[2Jstopped (r-trail.yml) stopped after 5 s on one event of this file' }));
    const view = await h.press('!', (f) => f.includes('Findings ('));
    expect(view).toContain('! 1 rule stopped, findings incomplete: rule Trail');
    expect(view).not.toContain('\u001b');
  });

  it('! ? ? o in one burst: the help opens and closes, and o reaches the view again', async () => {
    const { h } = setup();
    await h.waitFor((f) => f.includes('⚑ 1 high (!)'));
    const frame = await h.press('!??o', (f) => f.includes('Findings (') && f.includes('o order: level'));
    expect(frame).not.toContain('Help ');
  });

  it('lists the conflicting duplicates as a high finding beside the rules (as detect does); Enter opens the bad files, Esc comes back', async () => {
    const { h, store } = setup();
    await h.waitFor((f) => f.includes('⚑ 1 high (!)'));
    store.updateProgress((p) => noteConflict(p, { eventID: 'e-stop', keptFile: '/logs/a.json', file: '/logs/b.json', field: 'userIdentity' }));
    await h.waitFor((f) => f.includes('⚑ 2 high (!)'));
    const view = await h.press('!', (f) => f.includes('Findings (2 of 2 rules fired)'));
    const row = view.split('\n').find((line) => line.includes('Conflicting duplicates'));
    expect(row).toMatch(/high\s+1\s/);
    const chosen = (f: string) => f.split('\n').some((line) => line.startsWith('›') && line.includes('Conflicting duplicates'));
    let selected = view;
    for (let i = 0; i < 2 && !chosen(selected); i++) selected = await h.press('j', (f) => f !== selected && f.split('\n').some((line) => line.startsWith('›')));
    expect(chosen(selected), selected).toBe(true);
    expect(selected).toContain('status built-in');
    expect(selected).toContain('bad-files view (b)');
    const problems = await h.press(KEYS.enter, (f) => f.includes('Conflicting duplicates: same eventID, different content (1)'));
    // One line each (the bad-files view cuts paths on one line): what differs, then where the copies are.
    expect(problems).toMatch(/userIdentity differs\n\s+other copy in \/logs\/b\.json\n\s+kept the copy in \/logs\/a\.json/);
    await h.press(KEYS.escape, (f) => f.includes('Findings (2 of 2 rules fired)'));
  });

  it("an event's details list the rules it fired, with description and references", async () => {
    const { h } = setup();
    await h.press('/', (f) => f.includes('Query'));
    await h.press('rule:r-trail', (f) => f.includes('1 of 3 events'));
    h.stdin.write(KEYS.enter); // keeps the query
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    // The section follows the event's own lines: PgDn reaches it (the key handler counts it in the panel's length).
    const details = await h.press(KEYS.pageDown, (f) => f.includes('Detections (1)'));
    expect(details).toContain('Trail stopped');
    expect(details).toContain('What Trail stopped means.');
  });
});

describe('findings list cut to fit the terminal', () => {
  it('says how many rules are above and below the rows shown (80x24 shows 10 of 14: the details take 6 lines)', async () => {
    const store = new EventStore(0);
    const rows = Array.from({ length: 14 }, (_, i) => makeRow({ id: `e-${i}`, name: `Call${i}`, time: Date.UTC(2024, 2, 5, 10, i) }));
    const rules = rows.map((_, i) => rule(`r-${i}`, `Rule number ${i}`, 'medium'));
    const findings = new Findings({ rules, skipped: [] }, 0);
    findings.add(rows.map((row, i) => ({ id: row.id, time: row.time, index: i, rules: [i] })));
    store.add(rows);
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ findings: FindingsView }} findings={findings} />, 80, 24);
    open.push(h);
    let view = await h.press('!', (f) => f.includes('Findings (14 of 14 rules fired)'));
    const shown = view.split('\n').filter((l) => /^. med .*Rule number \d/.test(l)).length;
    expect(shown).toBe(10);
    expect(view).toContain(`↓ ${14 - shown} more`);
    expect(view).not.toContain('above');
    view = await h.press('G', (f) => f.includes('above'));
    expect(view).toContain(`↑ ${14 - shown} above`);
    expect(view).not.toContain('more (j/k)');
  });

  it('on a tall terminal the list takes the height the details leave: no blank lines under them while rules hide below (200x50, 40 rules)', async () => {
    const store = new EventStore(0);
    const rows = Array.from({ length: 40 }, (_, i) => makeRow({ id: `e-${i}`, name: `Call${i}`, time: Date.UTC(2024, 2, 5, 10, i) }));
    const rules = rows.map((_, i) => rule(`r-${i}`, `Rule number ${i}`, 'medium'));
    const findings = new Findings({ rules, skipped: [] }, 0);
    findings.add(rows.map((row, i) => ({ id: row.id, time: row.time, index: i, rules: [i] })));
    store.add(rows);
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ findings: FindingsView }} findings={findings} />, 200, 50);
    open.push(h);
    const view = await h.press('!', (f) => f.includes('Findings (40 of 40 rules fired)'));
    const lines = view.split('\n');
    const shown = lines.filter((l) => /^. med .*Rule number \d/.test(l)).length;
    expect(view).toContain(`↓ ${40 - shown} more`);
    // The details (title, level, tags, description, reference, origin) end on the line above the status line.
    const origin = lines.findIndex((l) => l.startsWith('from built-in pack'));
    expect(origin).toBeGreaterThan(0);
    expect(lines.slice(origin + 1, -2).filter((l) => l.trim() === '')).toEqual([]);
    expect(shown).toBeGreaterThan(30);
  });

  it('wraps the no-finding sentence between words: no line starts with a space (56 columns: a sentence ends at the edge)', async () => {
    const store = new EventStore(0);
    store.add([makeRow({ id: 'e-plain', name: 'ListBuckets' })]);
    const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped', 'high'), rule('r-kms', 'KMS key deletion', 'medium')], skipped: [] }, 0);
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} views={{ findings: FindingsView }} findings={findings} />, 56, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('ListBuckets'));
    const frame = await h.press('!', (f) => f.includes('None of the 2'));
    const lines = frame.split('\n');
    const at = lines.findIndex((l) => l.startsWith('None of the 2'));
    const sentence = lines.slice(at, at + 4).filter((l) => l.trim() !== '' && !l.includes('? help'));
    for (const line of sentence) expect(line, line).not.toMatch(/^ /);
    expect(sentence.join(' ')).toContain('Rules run on every event as it loads');
  });
});
