/**
 * `/` over the views that summarise the query's events (T, h, !, i), as k9s and lnav users press it
 * anywhere: the query bar opens over the view, which stays drawn and counts the drafts' events; Enter
 * keeps the query and the view, Esc restores the query before. It did nothing there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import type { Rule } from '../../src/detect/rule.js';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { actionFor, NO_KEY } from '../../src/ui/keys.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { sampleStore } from './insights-fixtures.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function rows(): EventRow[] {
  const out: EventRow[] = [];
  const at = (i: number) => Date.UTC(2024, 2, 5, 10, i);
  for (let i = 0; i < 6; i++) out.push(makeRow({ id: `a${i}`, name: 'GetObject', actor: 'alice', userNames: ['alice'], time: at(i) }));
  for (let i = 0; i < 3; i++) out.push(makeRow({ id: `b${i}`, name: 'PutObject', actor: 'bob', userNames: ['bob'], time: at(10 + i) }));
  out.push(makeRow({ id: 'm0', name: 'StopLogging', actor: 'mallory', userNames: ['mallory'], errorCode: 'AccessDenied', time: at(20) }));
  return out;
}

function rule(id: string, title: string): Rule {
  return {
    id,
    title,
    level: 'high',
    status: 'stable',
    description: `What ${title} means.`,
    references: [],
    tags: [],
    author: 'test',
    falsepositives: [],
    path: `${id}.yml`,
    origin: 'builtin',
    ast: { kind: 'const', value: true },
  };
}

function mount(width = 100, height = 30): { h: Harness; findings: Findings } {
  const store = new EventStore(0);
  const all = rows();
  store.add(all);
  store.flush();
  // r-write fired on bob's three PutObject and mallory's StopLogging; r-stop on StopLogging alone.
  const findings = new Findings({ rules: [rule('r-write', 'Write calls'), rule('r-stop', 'Trail stopped')], skipped: [] }, 0);
  findings.attach(store);
  findings.add(all.filter((r) => r.actor !== 'alice').map((r) => ({ id: r.id, time: r.time, index: 0, rules: [0] })));
  findings.add([{ id: 'm0', time: all.at(-1)!.time, index: 0, rules: [1] }]);
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={PLAIN} views={{ findings: FindingsView }} findings={findings} />, width, height);
  open.push(h);
  return { h, findings };
}

const queryLine = (f: string) => f.split('\n').find((l) => l.startsWith('Query')) ?? '';

describe('/ over the views', () => {
  it('is bound in T, h, ! and i (and still in the list and details), not in the help or the column chooser', () => {
    const slash = { ...NO_KEY };
    for (const mode of ['top', 'histogram', 'findings', 'insights', 'list', 'detail'] as const) expect(actionFor(mode, '/', slash), mode).toBe('editQuery');
    for (const mode of ['help', 'columns', 'json'] as const) expect(actionFor(mode, '/', slash), mode).not.toBe('editQuery');
  });

  it('T: the values count the draft as it is typed, Enter keeps the query with the view open, Esc restores the query before', async () => {
    const { h } = mount();
    await h.waitFor((f) => f.includes('10 events'));
    let frame = await h.press('T', (f) => f.includes('Top values of User for all events'));
    expect(frame).toContain('alice');
    frame = await h.press('/', (f) => f.includes('Enter keep'));
    // Still the top values under the bar, not the list.
    expect(frame).toContain('Top values of User');
    frame = await h.press('name:PutObject', (f) => f.includes('Top values of User for name:PutObject · 1 distinct · 3 events'));
    expect(frame).not.toContain('alice');
    frame = await h.press(KEYS.enter, (f) => !f.includes('Enter keep') && f.includes('Top values of User for name:PutObject'));
    expect(frame).toContain('bob');
    expect(queryLine(frame)).toContain('name:PutObject');
    // The view keeps its keys: Tab changes the field over the new query.
    frame = await h.press(KEYS.tab, (f) => f.includes('Top values of Source IP for name:PutObject'));
    // Esc in the bar restores the query before and stays in the view.
    await h.press('/', (f) => f.includes('Enter keep'));
    frame = await h.press(' error:*', (f) => f.includes('for name:PutObject error:*'));
    frame = await h.press(KEYS.escape, (f) => !f.includes('Enter keep') && f.includes('for name:PutObject ·'));
    expect(frame).toContain('Top values of Source IP');
    // Esc again closes the view, back to the list on that query.
    frame = await h.press(KEYS.escape, (f) => !f.includes('Top values'));
    expect(frame).toContain('3 of 10 events');
  });

  it('T with / and the query typed and Enter in one burst (a paste over SSH): the view counts the new query', async () => {
    const { h } = mount();
    await h.waitFor((f) => f.includes('10 events'));
    const frame = await h.press('T/user:mallory\r', (f) => f.includes('Top values of User for user:mallory · 1 distinct · 1 event') && !f.includes('Enter keep'));
    expect(frame).toContain('mallory');
  });

  it('h: the histogram counts the new query and stays open', async () => {
    const { h } = mount();
    await h.waitFor((f) => f.includes('10 events'));
    let frame = await h.press('h', (f) => f.includes('Histogram'));
    expect(frame).toMatch(/10 events/);
    frame = await h.press('/', (f) => f.includes('Enter keep'));
    expect(frame).toContain('Histogram');
    frame = await h.press('user:bob\r', (f) => f.includes('Histogram') && !f.includes('Enter keep') && f.includes('3 of 10 events'));
    expect(queryLine(frame)).toContain('user:bob');
    // Its keys are its own again: Esc closes it.
    frame = await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
    expect(frame).toContain('PutObject');
    expect(frame).not.toContain('GetObject');
  });

  it('h: a bucket size fitted to the rows before is fitted to the new query\'s (1 s buckets over two events no longer span the whole list in seconds)', async () => {
    const { h } = mount();
    await h.waitFor((f) => f.includes('10 events'));
    await h.press('/id:(m0 b2)\r', (f) => f.includes('2 of 10 events'));
    let frame = await h.press('h', (f) => f.includes('Histogram'));
    const size = (f: string) => /Histogram (\S+) ·/.exec(f)?.[1];
    const narrow = size(frame);
    frame = await h.press('/' + KEYS.backspace.repeat(12) + '\r', (f) => f.includes('Histogram') && !f.includes('Enter keep') && f.includes('10 events') && size(f) !== narrow);
    // The size `h` opens with on the whole list.
    await h.press(KEYS.escape, (f) => !f.includes('Histogram'));
    const fresh = await h.press('h', (f) => f.includes('Histogram'));
    expect(size(frame)).toBe(size(fresh));
    // Zoomed with +/-, the size is the reader's: kept over a new query.
    await h.press('+', (f) => size(f) !== size(fresh));
    const zoomed = size(h.frame());
    frame = await h.press('/user:bob\r', (f) => f.includes('3 of 10 events') && !f.includes('Enter keep'));
    expect(size(frame)).toBe(zoomed);
  });

  it('!: under a query the rules are counted among its events; Enter lists the query narrowed to the rule', async () => {
    const { h } = mount();
    await h.waitFor((f) => f.includes('10 events'));
    let frame = await h.press('!', (f) => f.includes('Findings (2 of 2 rules fired)'));
    const count = (f: string, title: string) => /high +(\d+)/.exec(f.split('\n').find((l) => l.includes(title)) ?? '')?.[1];
    expect(count(frame, 'Write calls')).toBe('4');
    frame = await h.press('/user:bob\r', (f) => f.includes("Findings on the query's 3 events (1 of 2 rules fired)"));
    expect(count(frame, 'Write calls')).toBe('3');
    expect(frame).not.toContain('Trail stopped');
    frame = await h.press(KEYS.enter, (f) => f.includes('user:bob rule:r-write') && !f.includes('Findings'));
    expect(frame).toContain('3 of 10 events');
    // Esc back into the view, on the query before.
    frame = await h.press(KEYS.escape, (f) => f.includes("Findings on the query's 3 events"));
    // A query none of the rules fired on says so, and Esc in the bar brings the findings back.
    await h.press('/', (f) => f.includes('Enter keep'));
    frame = await h.press(KEYS.backspace.repeat(3) + 'alice', (f) => f.includes('None of the 2 detection rules fired on the events of this query'));
    frame = await h.press(KEYS.escape, (f) => f.includes("Findings on the query's 3 events"));
    expect(queryLine(frame)).toContain('user:bob');
  });
});

describe('/ over the Insights (the bundled samples: four Insights)', () => {
  it('lists the Insights the query concerns, charts its events, and Enter narrows the query to the Insight', async () => {
    const store = await sampleStore();
    const h = renderApp(<App store={store} folder="/samples" watching={false} env={PLAIN} views={{ insights: InsightsView }} />, 100, 40);
    open.push(h);
    await h.waitFor((f) => f.includes('events'));
    let frame = await h.press('i', (f) => f.includes('Insights (4)'));
    frame = await h.press('/region:eu-west-1\r', (f) => f.includes('Insights (1 of 4 for the query; rates: its events)'));
    expect(frame).toContain('RunInstances');
    expect(frame).not.toContain('ListBuckets');
    frame = await h.press(KEYS.enter, (f) => !f.includes('Insights (') && f.includes('region:eu-west-1 AND (name:RunInstances'));
    // A query that concerns none says so; Esc in the bar restores the one before.
    frame = await h.press(KEYS.escape, (f) => f.includes('Insights (1 of 4'));
    await h.press('/', (f) => f.includes('Enter keep'));
    frame = await h.press(' user:nobody-here', (f) => f.includes('None of the 4 Insights concerns the events of this query'));
    frame = await h.press(KEYS.escape, (f) => f.includes('Insights (1 of 4'));
  });
});
