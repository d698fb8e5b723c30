import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { percent, topLines } from '../../src/ui/investigate/topValuesModel.js';
import { shareBar } from '../../src/ui/shareBar.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const PLAIN = { NO_COLOR: '1' };
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

function rows(): EventRow[] {
  const out: EventRow[] = [];
  for (let i = 0; i < 6; i++) out.push(makeRow({ name: 'GetObject', actor: 'alice', userNames: ['alice'], sourceIp: '203.0.113.7' }));
  for (let i = 0; i < 3; i++) out.push(makeRow({ name: 'PutObject', actor: 'bob', userNames: ['bob'], sourceIp: '198.51.100.9' }));
  out.push(makeRow({ name: 'DeleteTrail', actor: 'mallory', userNames: ['mallory'], sourceIp: '192.0.2.66', errorCode: 'AccessDenied' }));
  return out;
}

const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

describe('top values view', () => {
  it('shares and bars', () => {
    expect(shareBar(0.5, 10)).toBe('█████░░░░░');
    expect(shareBar(0, 10)).toBe('░░░░░░░░░░');
    // Eighths of a cell: 0.3% shows the thinnest block, 13% a cell and a part, and they differ.
    expect(shareBar(0.003, 10)).toBe('▏░░░░░░░░░');
    expect(shareBar(0.13, 10)).toBe('█▎░░░░░░░░');
    expect(shareBar(0.0001, 10)).toBe('▏░░░░░░░░░');
    expect(shareBar(1, 10)).toBe('██████████');
    // Without block characters: whole cells #, a part of one +, on a . track.
    expect(shareBar(0.003, 10, true)).toBe('+.........');
    expect(shareBar(0.13, 10, true)).toBe('#+........');
    const layout = topLines({ field: 'user', values: [{ value: 'alice', count: 6, first: 0, last: 60_000 }], rows: 10, empty: 0, distinct: 1 }, 'utc', 100);
    expect(layout.lines[0]).toMatch(/^ {4}6 {4}60% {2}██████░░░░ {2}alice +01-01 00:00 {2}01-01 00:01/);
  });

  it('a 0.3% share and a 13% share draw different bars; ASCII when asked', () => {
    const value = (text: string, count: number) => ({ value: text, count, first: 0, last: 60_000 });
    const result = { field: 'user' as const, values: [value('alice', 130), value('bob', 3)], rows: 1000, empty: 0, distinct: 2 };
    const lines = topLines(result, 'utc', 100).lines;
    expect(lines[0]).toContain('  13%  █▎░░░░░░░░  alice');
    expect(lines[1]).toContain(' 0.3%  ▏░░░░░░░░░  bob');
    expect(topLines(result, 'utc', 100, true).lines[1]).toContain(' 0.3%  +.........  bob');
  });

  it('values that would be cut at 80 columns take the bar\'s room (role sessions differ at their end)', () => {
    const value = (text: string) => ({ value: text, count: 3, first: 0, last: 60_000 });
    const roles = ['stratus-red-team-ec2-get-password-data-role/x', 'stratus-red-team-ec2-get-user-data-role/x'];
    const layout = topLines({ field: 'user', values: roles.map(value), rows: 6, empty: 0, distinct: 2 }, 'utc', 79);
    for (const [k, role] of roles.entries()) expect(layout.lines[k]).toContain(role.slice(0, 36));
    expect(layout.lines[0]).not.toContain('░');
    expect(layout.header).not.toMatch(/Share {4,}Value/);
    // Short values keep the bar.
    expect(topLines({ field: 'user', values: [value('alice')], rows: 6, empty: 0, distinct: 1 }, 'utc', 79).lines[0]).toContain('█████░░░░░');
  });

  it('a user too long for its cell is shown as the User column shows it (SSO/person, Role/session), not cut to its permission set', () => {
    const value = (text: string) => ({ value: text, count: 3, first: 0, last: 60_000 });
    const users = ['AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/AdanAlvarez', 'AWSReservedSSO_AdministratorAccess_1b74cd717d471234n/TrailDiscover', 'arn:aws:sts::111111111111:assumed-role/deploy-role/build-42'];
    // Times with the year (they span years) leave the value 28 cells at 80 columns.
    const result = { field: 'user' as const, values: users.map(value).map((v, i) => ({ ...v, first: Date.UTC(2024 + i, 0, 1), last: Date.UTC(2024 + i, 0, 1) })), rows: 9, empty: 0, distinct: 3 };
    const lines = topLines(result, 'utc', 79).lines;
    expect(lines[0]).toContain('SSO/AdanAlvarez ');
    expect(lines[1]).toContain('SSO/TrailDiscover ');
    expect(lines[2]).toContain('deploy-role/build-42 ');
    // Whole where they fit; another field's long values get no SSO/ short form, and two that would read
    // the same cut from their end (AWSReservedSSO_Administrat…) are cut in their middle.
    expect(topLines(result, 'utc', 200).lines[0]).toContain(users[0]);
    const agents = topLines({ ...result, field: 'agent' as const }, 'utc', 79).lines;
    expect(agents[0]).toContain('AWSReser…47002b/AdanAlvarez');
    expect(agents[2]).toContain('arn:aws:sts::111111111111:…');
  });

  it('a share never reads 0.0% for a value that is there, nor 100% for one some events lack', () => {
    // The samples' escape-sequence user agent: 1 of 3,966 events.
    const value = (text: string, count: number) => ({ value: text, count, first: 0, last: 60_000 });
    const few = topLines({ field: 'agent' as const, values: [value('aws-cli/2', 3965), value('evil', 1)], rows: 3966, empty: 0, distinct: 2 }, 'utc', 100).lines;
    expect(few[0]).toMatch(/^ *3,965 {3}>99% /);
    expect(few[1]).toMatch(/^ *1 {2}<0\.1% /);
    expect(percent(5, 10_000)).toBe('0.1%');
    expect(percent(10, 10)).toBe('100%');
    expect(percent(0, 10)).toBe('0%');
  });

  it('users of different permission sets never read the same at 80 columns (SSO/AdanAlvarez twice)', () => {
    const value = (text: string) => ({ value: text, count: 3, first: Date.UTC(2024, 0, 1), last: Date.UTC(2025, 0, 1) });
    // From the traildiscover data set: two Administrator sets, one ReadOnly, the same person; two hashes one digit apart.
    const users = [
      'AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/AdanAlvarez',
      'AWSReservedSSO_AdministratorAccess_2276cacebc31d3eb/AdanAlvarez',
      'AWSReservedSSO_ReadOnlyAccess_ff7f8c5c5851db50/AdanAlvarez',
      'AWSReservedSSO_AdministratorAccess_6c63ce732f255555/TrailDiscover',
      'AWSReservedSSO_AdministratorAccess_6c63ce732f555555/TrailDiscover',
      'AWSReservedSSO_ReadOnlyAccess_ff7f8c5c5851aa00/bob',
    ];
    const result = { field: 'user' as const, values: users.map(value), rows: 18, empty: 0, distinct: users.length };
    const lines = topLines(result, 'utc', 79).lines;
    const shown = lines.map((line) => line.slice(14, 14 + 29).trimEnd());
    expect(new Set(shown).size).toBe(users.length);
    expect(shown[0]).toMatch(/^SSO\/Admi.*47002b\/AdanAlvarez$/);
    expect(shown[2]).toMatch(/^SSO\/Read.*51db50\/AdanAlvarez$/);
    expect(shown[3]).toMatch(/f255555\/TrailDiscover$/);
    // A user alone under its short form keeps it.
    expect(shown[5]).toBe('SSO/bob');
  });

  it('T opens it on users with counts, Tab moves to source IPs, Enter filters by the selected one, [ comes back', async () => {
    const h = mount(storeWith(rows()), 100, 24);
    await h.waitFor((f) => f.includes('DeleteTrail'));
    let frame = await h.press('T', (f) => f.includes('Top values of User'));
    expect(frame).toContain('3 distinct · 10 events');
    // The test env has no UTF-8 locale: the share bar in ASCII.
    expect(selected(frame)).toMatch(/6 +60% +######\.\.\.\. +alice/);
    frame = await h.press(KEYS.tab, (f) => f.includes('Top values of Source IP'));
    expect(frame).toContain('198.51.100.9');
    await h.press('j', (f) => selected(f).includes('198.51.100.9'));
    frame = await h.press(KEYS.enter, (f) => f.includes('3 of 10 events'));
    expect(frame).toContain('ip:198.51.100.9');
    expect(frame).not.toContain('GetObject');
    frame = await h.press('[', (f) => f.includes('GetObject'));
  });

  it('- excludes the selected value and stays open; it counts only the filtered events and follows new ones', async () => {
    const store = storeWith(rows());
    const h = mount(store, 80, 24);
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press('T', (f) => f.includes('Top values of User'));
    let frame = await h.press('-', (f) => f.includes('-actor:alice') && f.includes('2 distinct · 4 events'));
    expect(frame).toContain('Top values of User for -actor:alice');
    expect(selected(frame)).toContain('bob');
    store.add([makeRow({ actor: 'bob', userNames: ['bob'] }), makeRow({ actor: 'bob', userNames: ['bob'] })]);
    store.flush();
    frame = await h.waitFor((f) => f.includes('2 distinct · 6 events'));
    expect(selected(frame)).toMatch(/5 +83%/);
    await h.press(KEYS.escape, (f) => !f.includes('Top values of User'));
  });

  it('the selection stays on its value when new events move it in the ranking, so Enter lists that value', async () => {
    const store = storeWith(rows());
    const h = mount(store, 80, 24);
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press('T', (f) => f.includes('Top values of User'));
    let frame = await h.press('j', (f) => selected(f).includes('bob'));
    // carol arrives with more events than bob: she ranks above him, on the line he was on.
    store.add(Array.from({ length: 5 }, () => makeRow({ name: 'ListBuckets', actor: 'carol', userNames: ['carol'] })));
    store.flush();
    // The frame the new counts first show in can still select the old line; the one after follows the value.
    frame = await h.waitFor((f) => f.includes('4 distinct · 15 events') && selected(f).includes('bob'), 5_000);
    expect(frame).toMatch(/ 5 +33% .*carol/);
    frame = await h.press(KEYS.enter, (f) => f.includes('3 of 15 events'));
    expect(frame).toContain('actor:bob');
    // Opened again, the view starts on its first line.
    await h.press('[', (f) => f.includes('15 events') && !(f.split('\n').find((l) => l.startsWith('Query')) ?? '').includes('actor:bob'));
    frame = await h.press('T', (f) => f.includes('Top values of User'));
    expect(selected(frame)).toContain('alice');
  });
});

function mount(store: EventStore, columns: number, height: number): Harness {
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={PLAIN} />, columns, height);
  open.push(h);
  return h;
}

describe('the field tabs line', () => {
  it('shows every field when it fits, else starts just before the selected one', async () => {
    const { tabLine } = await import('../../src/ui/investigate/TopValuesView.js');
    expect(tabLine(0, 200)).toBe('Tab: [User] Source IP Access key Event name Event source Error code Region Account User agent Resource Identity type');
    const narrow = tabLine(9, 60);
    expect(narrow.startsWith('Tab: … User agent [Resource] Identity type')).toBe(true);
  });
});

describe('the top values title at 80 columns', () => {
  it('keeps the counts when the query is long: the query (shown whole above) is shortened', async () => {
    const store = new EventStore(0);
    store.add([makeRow({ actor: 'alice', userNames: ['alice'], name: 'AttachRolePolicy' }), makeRow({ actor: 'bob', userNames: ['bob'], name: 'AttachRolePolicy' })]);
    store.flush();
    const h = mount(store, 80, 24);
    await h.waitFor((f) => f.includes('AttachRolePolicy'));
    await h.press('/', (f) => f.includes('Query'));
    await h.press('name:AttachRolePolicy -user:b1837b99-00bb-4ea8-830f-03a8f6c48433', (f) => f.includes('f6c48433▏'));
    await h.press(KEYS.enter);
    const frame = await h.press('T', (f) => f.includes('Top values of User'));
    const title = frame.split('\n').find((l) => l.includes('Top values of User'))!;
    expect(title).toContain('2 distinct · 2 events');
    expect(title).toContain('for name:AttachRolePolicy');
  });
});

describe('counts in words', () => {
  it('says 1 event, not 1 events, in the top values title', async () => {
    const { topSummary } = await import('../../src/ui/investigate/topValuesModel.js');
    expect(topSummary({ distinct: 1, rows: 1, empty: 0, values: [{}] } as unknown as Parameters<typeof topSummary>[0])).toBe('1 distinct · 1 event');
    expect(topSummary({ distinct: 2, rows: 2, empty: 0, values: [{}, {}] } as unknown as Parameters<typeof topSummary>[0])).toBe('2 distinct · 2 events');
  });
});

describe('top values that do not all fit', () => {
  it('says how many are below and above the window, so 15 lines of 20 are not read as all of them', async () => {
    const { moreValuesLine } = await import('../../src/ui/investigate/topValuesModel.js');
    expect(moreValuesLine(0, 20, 20)).toBe('');
    expect(moreValuesLine(0, 15, 20)).toBe('  ↓ 5 more (j/k)');
    expect(moreValuesLine(5, 15, 20)).toBe('  ↑ 5 above (j/k)');
    const list: EventRow[] = [];
    for (let i = 0; i < 25; i++) for (let n = 0; n <= i; n++) list.push(makeRow({ name: 'GetObject', actor: 'alice', userNames: ['alice'], sourceIp: `198.51.100.${i}` }));
    const h = mount(storeWith(list), 80, 24);
    await h.waitFor((f) => f.includes('GetObject'));
    await h.press('T', (f) => f.includes('Top values of User'));
    let frame = await h.press(KEYS.tab, (f) => f.includes('Top values of Source IP'));
    const below = frame.match(/↓ (\d+) more \(j\/k\)/);
    expect(below).not.toBeNull();
    const shown = frame.split('\n').filter((l) => /198\.51\.100\.\d+/.test(l)).length;
    expect(shown + Number(below![1])).toBe(20);
    frame = await h.press('G', (f) => /↑ \d+ above/.test(f));
    expect(frame).not.toContain('more (j/k)');
  });
});
