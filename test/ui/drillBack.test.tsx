/**
 * Going back after a query change: the header's "▲ N new" counts only events that
 * arrived after the reader paused (after a pivot and `[` it counted the rows above
 * the cursor: `paused ▲ 9 new (f)` with --no-watch, where nothing can arrive); `[`
 * after T's Enter from the details comes back to those details; and Esc in a list
 * opened from a view (T, p, h ... then Enter) goes back into that view, on both
 * dashboards (the --db dashboard's Esc in the list did nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { Findings } from '../../src/detect/findings.js';
import { rule } from './viewScript.js';
import { App } from '../../src/ui/App.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { initialState, reducer, type UiState } from '../../src/ui/state.js';
import { bothDashboardsForThisBlock, idle, queryOf } from './archiveDashboard.js';
import { makeRow, makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
const SIZES = [
  [80, 24],
  [140, 45],
] as const;

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function storeWith(rows: EventRow[]): EventStore {
  const store = new EventStore(0);
  store.add(rows);
  store.flush();
  return store;
}

function mount(store: EventStore, columns: number, height: number, watching = false): Harness {
  const h = renderApp(<App store={store} folder="/logs" watching={watching} env={PLAIN} />, columns, height);
  open.push(h);
  return h;
}

const header = (f: string) => f.split('\n')[0] ?? '';
const cursorRow = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';
/** The selected line of the top values (full width). */
const selectedLink = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

/**
 * Esc on its own, when it changes no frame: Ink holds a lone ESC until the next turn of the event
 * loop (it may start a sequence), so a key written straight after it would make Alt+key of it.
 */
async function loneEscape(h: Harness): Promise<void> {
  h.stdin.write(KEYS.escape);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

describe('the "new" count after going back', () => {
  it('is restored with the place: [ does not count the rows above the cursor as new', () => {
    const newestFirst = [...makeRows(30)].reverse();
    let s: UiState = initialState('');
    s = reducer(s, { type: 'move', rows: newestFirst, to: 9, height: 20 });
    expect(s.newestWhenLeft).toBe(newestFirst[0]);
    s = reducer(s, { type: 'setQuery', text: 'name:Event20', from: newestFirst[9]! });
    s = reducer(s, { type: 'queryBack' });
    expect(s.anchor).toBe(newestFirst[9]);
    expect(s.newestWhenLeft).toBe(newestFirst[0]);
  });

  for (const [columns, rows] of SIZES) {
    it(`--no-watch, ${columns}x${rows}: + on a field of the list's row, then [: the header says paused, with no new events`, async () => {
      const h = mount(storeWith(makeRows(30)), columns, rows);
      await h.waitFor((f) => cursorRow(f).includes('Event29'));
      await h.press('jjjjjjjjj', (f) => cursorRow(f).includes('Event20'));
      expect(header(h.frame())).toContain('paused');
      await h.press('+', (f) => f.includes('Add:'));
      await h.press('n', (f) => f.includes('1 of 30 events'));
      // Event21 is drawn once the rows of the query gone back to are in.
      const frame = await h.press('[', (f) => f.includes('30 events') && !f.includes('1 of 30') && f.includes('Event21'));
      expect(cursorRow(frame)).toContain('Event20');
      expect(header(frame)).toContain('paused');
      expect(header(frame)).not.toMatch(/new/);
    });

    it(`--no-watch, ${columns}x${rows}: + on a value in the details, [ and Esc: paused, with no new events`, async () => {
      const rows30 = makeRows(30);
      rows30.forEach((row, i) => (row.actor = `user${i}`));
      const h = mount(storeWith(rows30), columns, rows);
      await h.waitFor((f) => cursorRow(f).includes('Event29'));
      await h.press('jjjjjjjjj', (f) => cursorRow(f).includes('Event20'));
      await h.press(KEYS.enter, (f) => f.includes('Event details'));
      for (let i = 0; i < 20 && !/›User name +user20/.test(h.frame()); i++) await h.press(KEYS.tab);
      await h.press('+', (f) => f.includes('1 of 30 events'));
      await h.press('[', (f) => f.includes('30 events') && !f.includes('1 of 30') && f.includes('Event details'));
      const frame = await h.press(KEYS.escape, (f) => !f.includes('Event details'));
      expect(cursorRow(frame)).toContain('Event20');
      expect(header(frame)).toContain('paused');
      expect(header(frame)).not.toMatch(/new/);
    });
  }

  it('still counts events that really arrived after the pause, once back', async () => {
    const store = storeWith(makeRows(30));
    const h = mount(store, 140, 45, true);
    await h.waitFor((f) => cursorRow(f).includes('Event29'));
    await h.press('jjjjjjjjj', (f) => cursorRow(f).includes('Event20'));
    await h.press('+', (f) => f.includes('Add:'));
    await h.press('n', (f) => f.includes('1 of 30 events'));
    store.add([makeRow({ name: 'Late1', time: Date.UTC(2024, 2, 6) }), makeRow({ name: 'Late2', time: Date.UTC(2024, 2, 6, 1) })]);
    store.flush();
    await h.waitFor((f) => f.includes('1 of 32 events'));
    const frame = await h.press('[', (f) => f.includes('32 events') && !f.includes('1 of 32') && f.includes('Event21'));
    expect(cursorRow(frame)).toContain('Event20');
    expect(header(frame)).toContain('paused ▲ 2 new (f)');
  });
});

function people(): EventRow[] {
  return [
    makeRow({ name: 'CreateUser', actor: 'alice', userNames: ['alice'] }),
    makeRow({ name: 'PutObject', actor: 'bob', userNames: ['bob'] }),
    makeRow({ name: 'GetObject', actor: 'bob', userNames: ['bob'] }),
    makeRow({ name: 'DeleteTrail', actor: 'carol', userNames: ['carol'] }),
  ];
}

describe('back from a list opened from a view', () => {
  for (const [columns, rows] of SIZES) {
    it(`${columns}x${rows}: T from the details, Enter, then [: the same details again`, async () => {
      const h = mount(storeWith(people()), columns, rows);
      await h.waitFor((f) => cursorRow(f).includes('DeleteTrail'));
      await h.press('jj', (f) => cursorRow(f).includes('PutObject'));
      await h.press(KEYS.enter, (f) => f.includes('Event details') && f.includes('PutObject'));
      await h.press('T', (f) => f.includes('Top values of User'));
      await h.press(KEYS.enter, (f) => f.includes('2 of 4 events') && !f.includes('Top values of'));
      expect(h.frame()).not.toContain('Event details');
      const frame = await h.press('[', (f) => f.includes('4 events') && !f.includes('2 of 4'));
      expect(frame).toContain('Event details');
      expect(frame).toMatch(/Event name +PutObject/);
      // Esc closes those details, onto the list with the cursor on their event.
      const list = await h.press(KEYS.escape, (f) => !f.includes('Event details'));
      expect(cursorRow(list)).toContain('PutObject');
    });

    it(`${columns}x${rows}: Esc in the list T's Enter opened goes back into the top values, then to the details, then the list`, async () => {
      const h = mount(storeWith(people()), columns, rows);
      await h.waitFor((f) => cursorRow(f).includes('DeleteTrail'));
      await h.press('jj', (f) => cursorRow(f).includes('PutObject'));
      await h.press(KEYS.enter, (f) => f.includes('Event details') && f.includes('PutObject'));
      await h.press('T', (f) => f.includes('Top values of User'));
      await h.press('j', (f) => (f.split('\n').find((l) => l.startsWith(' ›')) ?? '').includes('alice') || (f.split('\n').find((l) => l.startsWith(' ›')) ?? '').includes('carol'));
      await h.press(KEYS.enter, (f) => f.includes('1 of 4 events') && !f.includes('Top values of'));
      let frame = await h.press(KEYS.escape, (f) => f.includes('Top values of User'));
      // The query before, and the same value selected.
      expect(frame).toContain('4 events');
      expect(frame).not.toContain('1 of 4');
      expect(selectedLink(frame)).toMatch(/alice|carol/);
      frame = await h.press(KEYS.escape, (f) => f.includes('Event details'));
      expect(frame).toMatch(/Event name +PutObject/);
      frame = await h.press(KEYS.escape, (f) => !f.includes('Event details'));
      expect(cursorRow(frame)).toContain('PutObject');
      // ] still goes forward to the value's events.
      await h.press(']', (f) => f.includes('1 of 4 events'));
    });
  }

  it('T from the list, Enter, Esc: the top values again; Esc: the list', async () => {
    const h = mount(storeWith(people()), 80, 24);
    await h.waitFor((f) => cursorRow(f).includes('DeleteTrail'));
    await h.press('T', (f) => f.includes('Top values of User'));
    await h.press(KEYS.enter, (f) => f.includes('2 of 4 events') && !f.includes('Top values of'));
    // The footer says so, once the pivot's message has gone.
    await h.waitFor((f) => f.split('\n').at(-1)!.startsWith('Esc back · Enter details'), 10_000);
    await h.press(KEYS.escape, (f) => f.includes('Top values of User') && f.includes('4 events') && !f.includes('2 of 4'));
    await h.press(KEYS.escape, (f) => !f.includes('Top values of User'));
  });

  it('the histogram: Enter on a bucket lists it, Esc goes back to the histogram and the query before', async () => {
    const h = mount(storeWith(people()), 80, 24);
    await h.waitFor((f) => cursorRow(f).includes('DeleteTrail'));
    await h.press('h', (f) => f.includes('Histogram'));
    await h.press(KEYS.enter, (f) => f.includes('from:') && !f.includes('Histogram'));
    const frame = await h.press(KEYS.escape, (f) => f.includes('Histogram'));
    expect(frame).not.toContain('from:');
  });

  it('Esc in a list not opened from a view changes nothing (a typed query stays)', async () => {
    const h = mount(storeWith(people()), 80, 24);
    await h.waitFor((f) => cursorRow(f).includes('DeleteTrail'));
    await h.press('/user:bob', (f) => f.includes('user:bob'));
    await h.press(KEYS.enter, (f) => f.includes('2 of 4 events'));
    const before = h.frame();
    expect(before).not.toContain('Esc back');
    await loneEscape(h);
    // A key after it, to know the Esc was handled: it did nothing.
    const frame = await h.press('j', (f) => cursorRow(f).includes('GetObject'));
    expect(frame).toContain('2 of 4 events');
    expect(frame).toContain('user:bob');
    // Nor after T's exclude (the view stayed open over it) and Esc out of the top values.
    await h.press('T', (f) => f.includes('Top values of User'));
    await h.press('-', (f) => f.includes('-actor:bob') || f.includes('-user:bob'));
    await h.press(KEYS.escape, (f) => !f.includes('Top values of'));
    await loneEscape(h);
    const after = await h.press('o', (f) => f.includes('Oldest first'));
    expect(after).not.toContain('Top values of');
    expect(after).toContain('0 of 4 events');
  });
});

describe('[ after T from the details and Enter, on both dashboards', () => {
  const records = ['CallA', 'CallB', 'CallC'].map((name, k) => ({
    eventID: `ev-${k}`,
    eventTime: `2024-03-05T1${k}:00:00Z`,
    eventName: name,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: k === 1 ? 'bob' : 'alice' },
  }));
  const both = bothDashboardsForThisBlock(records, 80, 24, 'CallC');

  it('comes back to the details T was opened from (the --db dashboard closed them too)', async () => {
    for (const h of [both().folder, both().db]) {
      await h.press('j', (f) => idle(f) && cursorRow(f).includes('CallB'));
      await h.press(KEYS.enter, (f) => idle(f) && f.includes('Event details'));
      await h.press('T', (f) => idle(f) && f.includes('Top values of User'));
      // bob, the one value with one event, is second.
      await h.press('j', (f) => selectedLink(f).includes('bob'));
      await h.press(KEYS.enter, (f) => idle(f) && !f.includes('Top values of') && f.includes('actor:bob'));
      const frame = await h.press('[', (f) => idle(f) && !f.includes('actor:bob') && f.includes('Event details'));
      expect(frame).toMatch(/Event name +CallB/);
    }
  });
});

describe('Esc in a list a view opened, on both dashboards', () => {
  // The oldest event stops the trail: a built-in rule fires on it on the archive, and the folder's findings say so too.
  const records = ['StopLogging', 'CallA', 'CallB', 'CallC'].map((name, k) => ({
    eventID: `ev-${k}`,
    eventTime: `2024-03-05T1${k}:00:00Z`,
    eventName: name,
    eventSource: k === 0 ? 'cloudtrail.amazonaws.com' : 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: k === 2 ? 'bob' : 'alice' },
  }));
  const trailStopped = rule('r-trail', 'Trail stopped');
  const both = bothDashboardsForThisBlock(records, 80, 24, 'CallC', {
    dbRules: true,
    views: { findings: FindingsView },
    findings: () => {
      const findings = new Findings({ rules: [trailStopped], skipped: [] }, 0);
      findings.add([{ id: 'ev-0', time: Date.UTC(2024, 2, 5, 10), index: 0, rules: [0] }]);
      return findings;
    },
  });
  const dashboards = (): (readonly [string, Harness])[] => [['folder', both().folder], ['--db', both().db]];
  const footer = (f: string) => f.split('\n').at(-1) ?? '';
  /** Drawn, with nothing still being counted or read. */
  const settled = (f: string) => idle(f) && !f.includes('Counting…');

  it('T from the details, Enter, Esc: the top values on the same value, with the query before; Esc: the details; Esc: the list', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('g', (f) => settled(f) && cursorRow(f).includes('CallC'));
      await h.press('j', (f) => settled(f) && cursorRow(f).includes('CallB'));
      await h.press(KEYS.enter, (f) => settled(f) && /Event name +CallB/.test(f));
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      for (let i = 0; i < 3 && !selectedLink(h.frame()).includes('bob'); i++) await h.press('j');
      expect(selectedLink(h.frame()), name).toContain('bob');
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) === 'actor:bob');
      let frame = await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of User'));
      expect(queryOf(frame), name).toBe('');
      expect(selectedLink(frame), name).toContain('bob');
      frame = await h.press(KEYS.escape, (f) => settled(f) && f.includes('Event details'));
      expect(frame, name).toMatch(/Event name +CallB/);
      frame = await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Event details'));
      expect(cursorRow(frame), name).toContain('CallB');
      // ] still goes forward to the value's events; [ back again, for the next test.
      await h.press(']', (f) => settled(f) && queryOf(f) === 'actor:bob');
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
    }
  });

  it("T from the list, Enter: the footer starts with 'Esc back'; Esc: the top values; Esc: the list, its footer as it was", async () => {
    for (const [name, h] of dashboards()) {
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:'));
      // Once the pivot's message has gone.
      await h.waitFor((f) => footer(f).startsWith('Esc back · Enter details'), 10_000);
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of User') && queryOf(f) === '');
      const list = await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of'));
      expect(footer(list), name).toMatch(/^Enter details · /);
    }
  }, 60_000);

  it('p over T, Enter on a line of the summary, Esc: the summary again; Esc: the top values (counted again); Esc: the list', async () => {
    for (const [name, h] of dashboards()) {
      const value = selectedLink(await h.press('T', (f) => settled(f) && f.includes('Top values of User')));
      await h.press('p', (f) => settled(f) && f.includes('Summary of'));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Summary of') && queryOf(f) !== '');
      const summary = await h.press(KEYS.escape, (f) => settled(f) && f.includes('Summary of'));
      expect(queryOf(summary), name).toBe('');
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of User') && selectedLink(f) === value);
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of'));
    }
  });

  it('h, Enter on a bucket, Esc: the histogram with the query before; Esc: the list', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('h', (f) => settled(f) && /^Histogram /m.test(f));
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:'));
      const frame = await h.press(KEYS.escape, (f) => settled(f) && /^Histogram /m.test(f));
      expect(queryOf(frame), name).toBe('');
      await h.press(KEYS.escape, (f) => settled(f) && !/^Histogram /m.test(f));
    }
  });

  it("!, Enter on the rule, Esc: the findings with the query before; Esc: the list", async () => {
    for (const [name, h] of dashboards()) {
      // On the archive the rules run in the background: the findings view lists the rule once they have.
      await h.waitFor((f) => f.includes('(!)') && !f.includes('running rules'), 20_000);
      await h.press('!', (f) => settled(f) && /^Findings\b/m.test(f));
      await h.press(KEYS.enter, (f) => settled(f) && !/^Findings\b/m.test(f) && queryOf(f).startsWith('rule:'));
      const frame = await h.press(KEYS.escape, (f) => settled(f) && /^Findings\b/m.test(f));
      expect(queryOf(frame), name).toBe('');
      await h.press(KEYS.escape, (f) => settled(f) && !/^Findings\b/m.test(f));
    }
  });

  it('T, Enter, [ then ]: the same list, and Esc still goes back into the top values (] lost the way back)', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:'));
      const drilled = queryOf(h.frame());
      // The status names the way back that leads into T (it said `[ goes back`, which lands on the list).
      expect(h.frame(), name).toContain(`Filtered by ${drilled} (Esc goes back)`);
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
      await h.press(']', (f) => settled(f) && queryOf(f) === drilled);
      await h.waitFor((f) => footer(f).startsWith('Esc back · Enter details'), 10_000);
      const frame = await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of User'));
      expect(queryOf(frame), name).toBe('');
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of'));
    }
  }, 60_000);

  it('Esc in a list no view opened changes nothing (a typed query stays)', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('/user:alice', (f) => f.includes('user:alice'));
      await h.press(KEYS.enter, (f) => settled(f) && queryOf(f) === 'user:alice');
      expect(footer(h.frame()), name).not.toMatch(/^Esc back/);
      await loneEscape(h);
      // A key after it, to know the Esc was handled: it did nothing.
      const frame = await h.press('o', (f) => settled(f) && /oldest first/i.test(f));
      expect(queryOf(frame), name).toBe('user:alice');
      expect(frame, name).not.toMatch(/Top values of|Event details/);
      await h.press('o', (f) => settled(f) && !/oldest first/i.test(f));
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
    }
  });
});
