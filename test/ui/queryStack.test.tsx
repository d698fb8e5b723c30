import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openFolderState, stateFileFor } from '../../src/state/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { walkHistory } from '../../src/ui/investigate/queryStack.js';
import { initialState, reducer, type UiState } from '../../src/ui/state.js';
import { tempFolder } from '../support/files.js';
import { makeRow, makeRows, refreshText } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
let open: Harness[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
  while (cleanups.length) cleanups.pop()!();
});

function storeWith(rows: EventRow[]): EventStore {
  const store = new EventStore(0);
  store.add(rows);
  store.flush();
  return store;
}

function selectedLine(frame: string): string {
  return frame.split('\n').find((line) => line.startsWith('›')) ?? '';
}

describe('query stack (reducer)', () => {
  const rows = makeRows(50);
  const newestFirst = [...rows].reverse();

  it('[ goes back to the previous query with the cursor where it was, ] forward again', () => {
    let s: UiState = initialState('');
    s = reducer(s, { type: 'move', rows: newestFirst, to: 7, height: 20 });
    const before = s.anchor;
    s = reducer(s, { type: 'setQuery', text: 'name:Event3' });
    expect(s.queryText).toBe('name:Event3');
    expect(s.follow).toBe(true);
    s = reducer(s, { type: 'queryBack' });
    expect(s.queryText).toBe('');
    expect(s.anchor).toBe(before);
    expect(s.follow).toBe(false);
    expect(s.offset).toBe(7);
    s = reducer(s, { type: 'queryForward' });
    expect(s.queryText).toBe('name:Event3');
    const nothing = reducer(s, { type: 'queryForward' });
    expect(nothing.queryText).toBe('name:Event3');
    expect(nothing.status).toMatch(/No later query/);
  });

  it('a typed query kept with Enter is one step, not one per keystroke; Esc restores the cursor', () => {
    let s: UiState = initialState('user:a');
    s = reducer(s, { type: 'editQuery' });
    for (const text of ['u', 'us', 'user:b']) {
      s = reducer(s, { type: 'draft', text, caret: text.length });
      s = reducer(s, { type: 'queryValid', text });
    }
    s = reducer(s, { type: 'applyQuery', text: 'user:b' });
    expect(s.past.map((p) => p.text)).toEqual(['user:a']);
    s = reducer(s, { type: 'queryBack' });
    expect(s.queryText).toBe('user:a');
    expect(s.draft).toBe('user:a');

    s = reducer(s, { type: 'move', rows: newestFirst, to: 3, height: 20 });
    const anchor = s.anchor;
    s = reducer(s, { type: 'editQuery' });
    s = reducer(s, { type: 'queryValid', text: 'x' });
    s = reducer(s, { type: 'cancelQuery' });
    expect(s.queryText).toBe('user:a');
    expect(s.anchor).toBe(anchor);
  });

  it('[ after a query change made in the details (a pivot, r) opens those details again; ] goes on to the list', () => {
    let s: UiState = initialState('');
    s = reducer(s, { type: 'move', rows: newestFirst, to: 4, height: 20 });
    s = reducer(s, { type: 'openDetail', row: newestFirst[4]! });
    s = reducer(s, { type: 'link', index: 2 });
    s = reducer(s, { type: 'setQuery', text: 'resource:"b"' });
    expect(s.mode).toBe('list');
    s = reducer(s, { type: 'queryBack' });
    expect(s.queryText).toBe('');
    expect(s.mode).toBe('detail');
    expect(s.detailRow).toBe(newestFirst[4]);
    expect(s.linkIndex).toBe(2);
    s = reducer(s, { type: 'queryForward' });
    expect(s.queryText).toBe('resource:"b"');
    expect(s.mode).toBe('list');
    // From the list, back goes to the list as before.
    s = reducer(s, { type: 'queryBack' });
    s = reducer(s, { type: 'back' });
    s = reducer(s, { type: 'setQuery', text: 'name:Event3' });
    expect(reducer(s, { type: 'queryBack' }).mode).toBe('list');
  });

  it('chain links followed one after another are one step each: [ walks back through every event read', () => {
    let s: UiState = initialState('name:x');
    s = reducer(s, { type: 'openDetail', row: newestFirst[1]! });
    s = reducer(s, { type: 'link', index: 5 });
    s = reducer(s, { type: 'visitDetail', row: newestFirst[2]! });
    s = reducer(s, { type: 'link', index: 6 });
    s = reducer(s, { type: 'visitDetail', row: newestFirst[3]! });
    expect(s.detailRow).toBe(newestFirst[3]);
    s = reducer(s, { type: 'queryBack' });
    expect([s.mode, s.detailRow, s.linkIndex]).toEqual(['detail', newestFirst[2], 6]);
    s = reducer(s, { type: 'queryBack' });
    expect([s.mode, s.detailRow, s.linkIndex]).toEqual(['detail', newestFirst[1], 5]);
    expect(s.queryText).toBe('name:x');
    s = reducer(s, { type: 'queryForward' });
    expect(s.detailRow).toBe(newestFirst[2]);
  });

  it('[ and ] back to a list a view opened (T, Enter) keep its way back: Esc there still reopens the view, two drills deep too', () => {
    let s: UiState = initialState('');
    s = reducer(s, { type: 'openOverlay', mode: 'top' });
    s = reducer(s, { type: 'setQuery', text: 'user:bob' });
    s = reducer(s, { type: 'openOverlay', mode: 'principal' });
    s = reducer(s, { type: 'setQuery', text: 'user:bob name:x' });
    s = reducer(s, { type: 'queryBack' });
    s = reducer(s, { type: 'queryBack' });
    s = reducer(s, { type: 'queryForward' });
    s = reducer(s, { type: 'queryForward' });
    expect([s.queryText, s.mode]).toEqual(['user:bob name:x', 'list']);
    s = reducer(s, { type: 'back' });
    expect([s.queryText, s.mode, s.under]).toEqual(['user:bob', 'principal', ['list']]);
    s = reducer(s, { type: 'back' });
    s = reducer(s, { type: 'back' });
    expect([s.queryText, s.mode, s.under]).toEqual(['', 'top', ['list']]);
  });

  it('a new query after going back drops the forward places', () => {
    let s: UiState = initialState('');
    s = reducer(s, { type: 'setQuery', text: 'a' });
    s = reducer(s, { type: 'setQuery', text: 'b' });
    s = reducer(s, { type: 'queryBack' });
    s = reducer(s, { type: 'setQuery', text: 'c' });
    expect(s.future).toEqual([]);
    expect(s.past.map((p) => p.text)).toEqual(['', 'a']);
  });
});

describe('walkHistory', () => {
  const history = ['one', 'two', 'three'];
  it('Up walks older, Down newer and past the newest gives back what was typed', () => {
    let at = walkHistory(history, { index: -1, typed: '' }, 'draft', -1)!;
    expect(at.draft).toBe('three');
    at = walkHistory(history, at.cursor, at.draft, -1)!;
    expect(at.draft).toBe('two');
    at = walkHistory(history, at.cursor, at.draft, -1)!;
    expect(at.draft).toBe('one');
    expect(walkHistory(history, at.cursor, at.draft, -1)).toBeNull();
    at = walkHistory(history, at.cursor, at.draft, 1)!;
    at = walkHistory(history, at.cursor, at.draft, 1)!;
    at = walkHistory(history, at.cursor, at.draft, 1)!;
    expect(at.draft).toBe('draft');
    expect(at.cursor.index).toBe(-1);
  });
  it('skips the newest entry when it is what the bar already holds', () => {
    expect(walkHistory(history, { index: -1, typed: '' }, 'three', -1)!.draft).toBe('two');
    expect(walkHistory([], { index: -1, typed: '' }, '', -1)).toBeNull();
  });
});

describe('App: back, forward and history keys', () => {
  it('[ and ] move through applied queries; Up in the query bar recalls a query saved by an earlier run', async () => {
    const logs = tempFolder('trailtop-logs-');
    const home = tempFolder('trailtop-state-');
    cleanups.push(logs.remove, home.remove);
    const env = { XDG_STATE_HOME: home.dir };
    const rows = [makeRow({ name: 'CreateUser', actor: 'alice' }), makeRow({ name: 'DeleteBucket', actor: 'bob' }), makeRow({ name: 'ListUsers', actor: 'alice' })];
    // First run: type a query and keep it.
    const first = renderApp(<App store={storeWith(rows)} folder={logs.dir} watching={false} env={PLAIN} folderState={openFolderState(logs.dir, { enabled: true, env })} />, 100, 24);
    open.push(first);
    await first.waitFor((f) => f.includes('DeleteBucket'));
    await first.press('/name:DeleteBucket', (f) => f.includes('name:DeleteBucket'));
    await first.press(KEYS.enter, (f) => !f.includes('CreateUser'));
    await first.press('[', (f) => f.includes('CreateUser'));
    await first.press(']', (f) => !f.includes('CreateUser'));
    first.cleanup();
    // Second run: Up in the query bar brings it back.
    const second = renderApp(<App store={storeWith(rows)} folder={logs.dir} watching={false} env={PLAIN} folderState={openFolderState(logs.dir, { enabled: true, env })} />, 100, 24);
    open.push(second);
    await second.waitFor((f) => f.includes('CreateUser'));
    await second.press('/');
    await second.press(KEYS.up, (f) => f.includes('name:DeleteBucket') && !f.includes('CreateUser'));
    await second.press(KEYS.enter);
    expect(selectedLine(second.frame())).toContain('DeleteBucket');
  });
});

describe('App: back after r (every event of a resource) from the details', () => {
  it('[ comes back to the details r was pressed in, with the resource link still selected', async () => {
    const rows = makeRows(5);
    rows[2]!.resources = [{ type: 'AWS::S3::Bucket', name: 'prod-bucket', arn: 'arn:aws:s3:::prod-bucket', accountId: '' }];
    refreshText(rows[2]!);
    const h = renderApp(<App store={storeWith(rows)} folder="/logs" watching={false} env={PLAIN} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('Event4'));
    await h.press('jj', (f) => selectedLine(f).includes('Event2'));
    await h.press(KEYS.enter, (f) => f.includes('Event details') && f.includes('prod-bucket'));
    const link = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
    for (let i = 0; i < 30 && !(link(h.frame()).includes('prod-bucket') && link(h.frame()).includes('Resource')); i++) await h.press(KEYS.tab);
    expect(link(h.frame())).toContain('prod-bucket');
    await h.press('r', (f) => f.includes('resource:"arn:aws:s3:::prod-bucket"') && f.includes('1 of 5 events') && !f.includes('Event details'));
    const frame = await h.press('[', (f) => f.includes('Event details'));
    expect(frame).toContain('Event2');
    expect(link(frame)).toContain('prod-bucket');
    expect(frame).not.toContain('1 of 5 events');
    // ] goes forward to the resource's events again.
    await h.press(']', (f) => f.includes('1 of 5 events') && !f.includes('Event details'));
  });
});

describe('App: a corrupt history file', () => {
  it('is ignored with a message on the status line, and the dashboard works', async () => {
    const logs = tempFolder('trailtop-logs-');
    const home = tempFolder('trailtop-state-');
    cleanups.push(logs.remove, home.remove);
    const env = { XDG_STATE_HOME: home.dir };
    const file = stateFileFor(logs.dir, env);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'not json at all');
    const h = renderApp(<App store={storeWith(makeRows(3))} folder={logs.dir} watching={false} env={PLAIN} folderState={openFolderState(logs.dir, { enabled: true, env })} />, 120, 24);
    open.push(h);
    const frame = await h.waitFor((f) => f.includes('Saved history ignored (not valid JSON)'));
    expect(frame).toContain('Event2');
    await h.press('/name:Event1', (f) => f.includes('1 of 3 events'));
    await h.press(KEYS.enter, (f) => !f.includes('Esc cancel'));
    // Written once the applied query has been drawn.
    const saved = () => openFolderState(logs.dir, { enabled: true, env }).history();
    for (let i = 0; i < 100 && saved().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(saved()).toEqual(['name:Event1']);
  });
});
