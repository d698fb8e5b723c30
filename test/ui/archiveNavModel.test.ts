/** The --db dashboard's back stack, pivot pick and details selection (ui/archive/archiveNav.ts), without a terminal. */
import { describe, expect, it } from 'vitest';
import type { ArchivedEvent } from '../../src/archive/query.js';
import { archiveKey, initialArchiveState, type ArchiveKeyContext, type ArchiveUiState } from '../../src/ui/archive/archiveModel.js';
import { afterApply, archivePlace } from '../../src/ui/archive/archiveNav.js';
import { NO_KEY } from '../../src/ui/keys.js';
import { makeRow } from './fixtures.js';

const event = (seq: number): ArchivedEvent => {
  const row = makeRow({ actor: `user-${seq}`, userAgent: 'agent x' });
  return { row, record: {}, cursor: { time: row.time, seq } };
};
const current = event(7);
const ctx: ArchiveKeyContext = { total: 100, bodyH: 20, mainH: 21, scrollLimit: 0, topValues: [], buckets: [], bucketSizes: 15, current };

function press(state: ArchiveUiState, input: string, named: Partial<typeof NO_KEY> = {}, context = ctx) {
  return archiveKey(state, input, { ...NO_KEY, ...named }, context);
}

describe('pivots in the list and details of the --db dashboard', () => {
  it('= asks for a field of the row; its letter applies the pivot from here, any other key (q too) cancels', () => {
    const asked = press(initialArchiveState('name:x'), '=').state;
    expect(asked.nav.pick).toEqual({ op: 'replace', row: current.row });
    const applied = press(asked, 'u');
    expect(applied.command).toMatchObject({ kind: 'apply', text: 'user:user-7', from: { text: 'name:x', anchor: current } });
    expect(applied.state.nav.pick).toBeNull();
    const cancelled = press(asked, 'q');
    expect(cancelled.command).toBeUndefined();
    expect(cancelled.state.status).toMatch(/No pivot/);
    expect(press(asked, '', { escape: true }).state.nav.pick).toBeNull();
    // No row read under the cursor yet: said, not a pick over nothing.
    expect(press(initialArchiveState(), '-', {}, { ...ctx, current: null }).state.status).toMatch(/No event to pivot from/);
  });

  it('in the details Tab selects a value to pivot on; another event drops the selection', () => {
    let s = press(initialArchiveState(), '', { return: true }).state;
    expect(s.mode).toBe('detail');
    expect(press(s, '+').state.status).toMatch(/Select a value first/);
    s = press(s, '', { tab: true }).state;
    expect(s.nav.linkIndex).toBe(0);
    expect(press(s, '+').command).toMatchObject({ kind: 'apply', text: 'user:user-7', from: { detail: { row: current, linkIndex: 0 } } });
    expect(press(s, 'j').state.nav.linkIndex).toBe(-1);
  });

  it('in the details a selected console or Config link is said to be a link, not a value to filter by', () => {
    const s = press(press(initialArchiveState(), '', { return: true }).state, '', { tab: true, shift: true }).state;
    expect(s.nav.linkIndex).toBeGreaterThan(0);
    const said = press(s, '=');
    expect(said.command).toBeUndefined();
    expect(said.state.status).toMatch(/^(Event in console|Console|Config timeline) is a link, not a value to filter by/);
  });
});

describe('the state once a query has run', () => {
  it('pushes the place applied from only when the query changed', () => {
    const s = initialArchiveState('a');
    const from = archivePlace(s, { current, total: 100 });
    expect(afterApply(s, 'b', { index: 0, total: 100 }, 20, from).nav.past).toEqual([from]);
    expect(afterApply(s, 'a', { index: 0, total: 100 }, 20, from).nav.past).toEqual([]);
  });

  it('back to a place: the cursor on the event at its found index, no further from the top than that index allows', () => {
    const s = { ...initialArchiveState('b'), cursor: 50, offset: 3 };
    const place = { ...archivePlace({ ...initialArchiveState('a'), cursor: 12, offset: 12 }, { current, total: 100 }) };
    expect(afterApply(s, 'a', { index: 40, total: 100 }, 20, undefined, place)).toMatchObject({ queryText: 'a', cursor: 40, offset: 12, mode: 'list' });
    expect(afterApply(s, 'a', { index: 5, total: 100 }, 20, undefined, place)).toMatchObject({ cursor: 5, offset: 5 });
    const fromDetails = archivePlace({ ...initialArchiveState('a'), mode: 'detail', scroll: 4, nav: { ...initialArchiveState().nav, linkIndex: 3 } }, { current, total: 100 });
    expect(afterApply(s, 'a', { index: 9, total: 100 }, 20, undefined, fromDetails)).toMatchObject({ cursor: 9, mode: 'detail', scroll: 4, nav: { linkIndex: 3 } });
  });
});

describe("a place's ▲ N new (a followed archive)", () => {
  it('paused: the place keeps the count, and back there adds the events that came on the newest side of its event meanwhile', () => {
    const paused = { ...initialArchiveState('a'), cursor: 6, offset: 6, unseen: 2 };
    const place = archivePlace(paused, { current, total: 100 });
    expect(place).toMatchObject({ follow: false, newestWhenLeft: { count: 2, ahead: 6 } });
    const away = { ...initialArchiveState('b'), unseen: 0 };
    expect(afterApply(away, 'a', { index: 6, total: 100 }, 20, undefined, place)).toMatchObject({ cursor: 6, unseen: 2 });
    expect(afterApply(away, 'a', { index: 9, total: 103 }, 20, undefined, place)).toMatchObject({ cursor: 9, unseen: 5 });
    // Oldest first the newest side is below the cursor: the figures are counted the same way round.
    const oldest = { ...paused, order: 'oldest' as const, cursor: 93 };
    expect(archivePlace(oldest, { current, total: 100 }).newestWhenLeft).toEqual({ count: 2, ahead: 6 });
    expect(afterApply({ ...away, order: 'oldest' }, 'a', { index: 93, total: 101 }, 20, undefined, archivePlace(oldest, { current, total: 100 }))).toMatchObject({ unseen: 3 });
  });

  it('on the newest: the place follows, and comes back on the newest with nothing new; a new query counts nothing', () => {
    const place = archivePlace(initialArchiveState('a'), { current, total: 100 });
    expect(place).toMatchObject({ follow: true, newestWhenLeft: null });
    expect(afterApply({ ...initialArchiveState('b'), unseen: 4 }, 'a', { index: 3, total: 103 }, 20, undefined, place)).toMatchObject({ cursor: 0, unseen: 0 });
    const oldest = { ...initialArchiveState('b'), order: 'oldest' as const };
    expect(afterApply(oldest, 'a', { index: 0, total: 103 }, 20, undefined, place)).toMatchObject({ cursor: 102 });
    // Reading an event on the newest is not following: its details come back, and what came since counts.
    const reading = archivePlace({ ...initialArchiveState('a'), mode: 'detail' }, { current, total: 100 });
    expect(reading).toMatchObject({ follow: false, newestWhenLeft: { count: 0, ahead: 0 } });
    expect(afterApply(initialArchiveState('b'), 'a', { index: 2, total: 102 }, 20, undefined, reading)).toMatchObject({ mode: 'detail', cursor: 2, unseen: 2 });
    expect(afterApply({ ...initialArchiveState('a'), unseen: 4 }, 'c', { index: 0, total: 100 }, 20, place)).toMatchObject({ unseen: 0 });
  });

  it('[ then ] hands the count over through both stacks', () => {
    const paused = { ...initialArchiveState('b'), cursor: 6, offset: 6, unseen: 2, nav: { ...initialArchiveState().nav, past: [archivePlace(initialArchiveState('a'), { current, total: 100 })] } };
    const back = press(paused, '[');
    if (back.command?.kind !== 'apply') throw new Error('no apply');
    const there = afterApply(back.state, back.command.text, { index: 0, total: 101 }, 20, undefined, back.command.at);
    expect(there).toMatchObject({ queryText: 'a', cursor: 0, unseen: 0 });
    const forward = press(there, ']');
    if (forward.command?.kind !== 'apply') throw new Error('no apply');
    expect(afterApply(forward.state, forward.command.text, { index: 7, total: 101 }, 20, undefined, forward.command.at)).toMatchObject({ queryText: 'b', cursor: 7, unseen: 3 });
  });
});

describe('Esc in a list a view opened (drillBack)', () => {
  const values = { ...ctx, topValues: [{ value: 'alice' }, { value: 'bob' }] };

  it('T from the details, Enter, Esc: back to the query before, the top values on the same value over the same details', () => {
    let s = press(initialArchiveState('a'), '', { return: true }).state;
    s = press(s, 'T', {}, values).state;
    s = press(s, 'j', {}, values).state;
    const enter = press(s, '', { return: true }, values);
    expect(enter.command).toMatchObject({ kind: 'apply', text: 'actor:bob', from: { views: ['top'], detail: { row: current } } });
    if (enter.command?.kind !== 'apply') throw new Error('no apply');
    s = afterApply(enter.state, enter.command.text, { index: 0, total: 100 }, 20, enter.command.from);
    expect(s.mode).toBe('list');
    const esc = press(s, '', { escape: true });
    expect(esc.command).toMatchObject({ kind: 'apply', text: 'a', at: { anchor: current, detail: { linkIndex: -1 }, reopen: ['top'] } });
    if (esc.command?.kind !== 'apply') throw new Error('no apply');
    s = afterApply(esc.state, esc.command.text, { index: 3, total: 100 }, 20, undefined, esc.command.at);
    expect(s).toMatchObject({ queryText: 'a', mode: 'top', under: ['detail'], topIndex: 1, cursor: 3 });
    // The place gone back from is `]`'s, and names no views: Esc in its list does nothing.
    expect(s.nav.past).toEqual([]);
    expect(s.nav.future.map((p) => [p.text, p.views])).toEqual([['actor:bob', undefined]]);
  });

  it('p over T from the list: both open again, the summary on top', () => {
    let s = press(initialArchiveState(), 'T', {}, values).state;
    s = press(s, 'p', {}, values).state;
    expect(s).toMatchObject({ mode: 'principal', under: ['list', 'top'] });
    const lines = [{ text: 'API GetObject', heading: false, pivot: { field: 'name', value: 'GetObject' } }];
    const enter = press(s, '', { return: true }, { ...values, principalLines: lines });
    if (enter.command?.kind !== 'apply') throw new Error('no apply');
    s = afterApply(enter.state, enter.command.text, { index: 0, total: 100 }, 20, enter.command.from);
    const esc = press(s, '', { escape: true });
    if (esc.command?.kind !== 'apply') throw new Error('no apply');
    expect(afterApply(esc.state, esc.command.text, { index: 0, total: 100 }, 20, undefined, esc.command.at)).toMatchObject({ queryText: '', mode: 'principal', under: ['list', 'top'] });
  });

  it('in a list no view opened (a typed query, a pivot from the list, [): nothing, not even the status cleared', () => {
    const typed = afterApply({ ...initialArchiveState(), status: 'kept' }, 'user:bob', { index: 0, total: 100 }, 20, archivePlace(initialArchiveState(), { current, total: 100 }));
    const esc = press(typed, '', { escape: true });
    expect(esc.state).toBe(typed);
    expect(esc.command).toBeUndefined();
  });
});
