/**
 * The --db dashboard's `[` / `]` and its pivots from the list and the details
 * (ui/archive/archiveNav.ts): the same event gives the same query text on both
 * dashboards, and going back puts the cursor on the event it was on (found
 * again by time and arrival, not by a row number that moved) and in the details
 * it was read in.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type TestArchive } from '../archive/helpers.js';
import { archiveDashboardForThisBlock, idle, queryOf, selectedDetail, bothDashboardsForThisBlock } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

/** The newest event has a value for every field a pivot offers, some needing quotes; two others let a pivot narrow the list. */
const RECORDS = [
  {
    eventID: 'ev-newest',
    eventTime: '2024-03-05T10:00:00Z',
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.15 "quoted" agent',
    errorCode: 'AccessDenied',
    recipientAccountId: '123456789012',
    userIdentity: { type: 'IAMUser', userName: 'alice smith', accessKeyId: 'AKIAEXAMPLE1', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice smith' },
  },
  { eventID: 'ev-2', eventTime: '2024-03-05T09:00:00Z', eventName: 'PutObject', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.1', userIdentity: { type: 'IAMUser', userName: 'bob' } },
  { eventID: 'ev-3', eventTime: '2024-03-05T08:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.2', userIdentity: { type: 'Root' } },
];

describe('pivots from the list and the details: the same query text on both dashboards', () => {
  let archive: TestArchive;
  let folder: Harness;
  let db: Harness;
  const opened = bothDashboardsForThisBlock(RECORDS, 80, 24, 'GetObject');
  beforeAll(() => void ({ archive, folder, db } = opened()));

  /** Presses `keys` on a dashboard, reads the query it applied, and goes back with `[` (to `back`'s frame). */
  async function pivotThenBack(h: Harness, keys: string, back: (f: string) => boolean): Promise<string> {
    const frame = await h.press(keys, (f) => queryOf(f) !== '' && idle(f) && f.includes('('));
    const text = queryOf(frame);
    await h.press('[', (f) => back(f) && idle(f));
    return text;
  }

  it('= + - and a field letter in the list', async () => {
    const inList = (f: string) => queryOf(f) === '' && /›.*GetObject/.test(f);
    const seen = new Set<string>();
    for (const [op, letter] of [['=', 'u'], ['+', 'i'], ['-', 'k'], ['=', 'n'], ['=', 's'], ['-', 'e'], ['+', 'r'], ['=', 'a'], ['=', 'g'], ['-', 't']] as const) {
      const onFolder = await pivotThenBack(folder, op + letter, inList);
      const onArchive = await pivotThenBack(db, op + letter, inList);
      expect(onArchive, `${op}${letter}`).toBe(onFolder);
      seen.add(onArchive);
    }
    // Ten different queries, none empty: every letter picked its own field.
    expect(seen.size).toBe(10);
    expect([...seen].every((text) => text !== '')).toBe(true);
  });

  it('= + - on the value selected in the details; [ comes back to those details with the value still selected', async () => {
    for (const h of [folder, db]) await h.press(KEYS.enter, (f) => f.includes('Event details'));
    for (const [label, op] of [['User name', '='], ['Source IP', '-'], ['User agent', '+'], ['Error code', '='], ['Account', '-']] as const) {
      const texts: string[] = [];
      for (const h of [folder, db]) {
        for (let i = 0; i < 40 && !selectedDetail(h.frame()).includes(label); i++) await h.press(KEYS.tab);
        expect(selectedDetail(h.frame()), label).toContain(label);
        // The details stay open on the event unless the pivot left it out (`-` on one of its values).
        const frame = await h.press(op, (f) => queryOf(f) !== '' && idle(f) && f.includes('Event details') === (op !== '-'));
        texts.push(queryOf(frame));
        const back = await h.press('[', (f) => queryOf(f) === '' && f.includes('Event details') && idle(f));
        expect(selectedDetail(back), `${label} selected again after [`).toContain(label);
      }
      expect(texts[1], label).toBe(texts[0]);
      expect(texts[0]).not.toBe('');
    }
    for (const h of [folder, db]) await h.press(KEYS.escape, (f) => !f.includes('Event details'));
  });
});

function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 500; k++) {
    out.push({
      eventID: `ev-${String(k).padStart(4, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10, 0, 0) + k * 60_000).toISOString().replace('.000Z', 'Z'),
      eventName: k % 2 ? 'GetObject' : 'PutObject',
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: k % 3 ? 'alice' : 'bob' },
    });
  }
  return out;
}

const selectedRow = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';
const rowOf = (f: string) => /row ([\d,]+)/.exec(f)?.[1] ?? '';

describe('[ and ] on the --db dashboard', () => {
  const dashboard = archiveDashboardForThisBlock(records(), 'GetObject');
  let h: Harness;
  beforeAll(() => {
    h = dashboard();
  });

  it('[ with nothing behind says so', async () => {
    const frame = await h.press('[', (f) => f.includes('No earlier query'));
    expect(rowOf(frame)).toBe('1');
  });

  it('a pivot keeps the cursor on its event; [ puts it back on that event at the same place on screen; ] goes forward', async () => {
    let frame = h.frame();
    for (let i = 0; i < 30; i++) frame = await h.press('j', (f) => rowOf(f) === String(i + 2));
    const left = selectedRow(frame);
    const leftLine = frame.split('\n').indexOf(left);
    frame = await h.press('=u', (f) => queryOf(f) !== '' && idle(f) && rowOf(f) !== '31');
    const pivot = queryOf(frame);
    expect(selectedRow(frame)).toBe(left);
    expect(pivot).toMatch(/^user:/);
    frame = await h.press('[', (f) => queryOf(f) === '' && idle(f) && rowOf(f) === '31');
    expect(selectedRow(frame)).toBe(left);
    expect(frame.split('\n').indexOf(selectedRow(frame))).toBe(leftLine);
    frame = await h.press(']', (f) => queryOf(f) === pivot && idle(f));
    expect(selectedRow(frame)).toBe(left);
  });

  it('[ finds the event by its time and arrival, not its row number: after o turned the order round, it is at its new row', async () => {
    // Forward is the pivot; the place behind is row 31 newest first. Oldest first, that event is row 470.
    await h.press('o', (f) => f.includes('oldest first') && idle(f));
    const frame = await h.press('[', (f) => queryOf(f) === '' && idle(f) && rowOf(f) === '470');
    expect(selectedRow(frame)).toContain('03-05 17:49'); // the 31st newest of 500 minutes from 10:00
    await h.press('o', (f) => f.includes('newest first') && rowOf(f) === '31' && idle(f));
  });

  it('a typed query is one step; [ from it returns to the details it was typed in, ] to its list', async () => {
    let frame = await h.press(KEYS.enter, (f) => f.includes('Event details'));
    frame = await h.press('/' + '\u0015' + 'name:PutObject' + KEYS.enter, (f) => queryOf(f) === 'name:PutObject' && idle(f));
    expect(frame).not.toContain('Event details');
    frame = await h.press('[', (f) => queryOf(f) === '' && f.includes('Event details') && idle(f));
    expect(rowOf(frame)).toBe('31');
    expect(frame).toMatch(/Event time +2024-03-05 17:49/);
    frame = await h.press(']', (f) => queryOf(f) === 'name:PutObject' && idle(f));
    expect(frame).not.toContain('Event details');
    expect(h.frame()).toContain('250 matching');
  });
});

/** Newest first: CreateUser bob, GetObject alice!, AttachRolePolicy bob!, ListBuckets carol!, PutObject bob, DeleteTrail dave! (! an error). */
const AROUND = [
  ['ev-a', '10:05', 'CreateUser', 'bob', ''],
  ['ev-b', '10:04', 'GetObject', 'alice', 'AccessDenied'],
  ['ev-c', '10:03', 'AttachRolePolicy', 'bob', 'AccessDenied'],
  ['ev-d', '10:02', 'ListBuckets', 'carol', 'AccessDenied'],
  ['ev-e', '10:01', 'PutObject', 'bob', ''],
  ['ev-f', '10:00', 'DeleteTrail', 'dave', 'NoSuchTrail'],
].map(([eventID, at, eventName, userName, errorCode]) => ({
  eventID,
  eventTime: `2024-03-05T${at}:00Z`,
  eventName,
  eventSource: 'iam.amazonaws.com',
  awsRegion: 'us-east-1',
  ...(errorCode ? { errorCode } : {}),
  userIdentity: { type: 'IAMUser', userName },
}));

describe('a pivot keeps the cursor on the event pivoted from, on both dashboards', () => {
  let folder: Harness;
  let db: Harness;
  const opened = bothDashboardsForThisBlock(AROUND, 80, 24, 'DeleteTrail');
  beforeAll(() => void ({ folder, db } = opened()));
  /** The query `text` applied and its `count` rows counted in the header (`2 of 6 events`, on an archive `2 matching`). */
  const settledOn = (text: string, count: number) => (f: string) =>
    queryOf(f) === text && idle(f) && !f.includes('filtering…') && new RegExp(`\\b${count} (of 6 events|matching)\\b`).test(f);
  const both = () => [folder, db] as const;

  it('from the list: = u on AttachRolePolicy lands on it among bob\'s events, as far from the top', async () => {
    for (const h of both()) {
      await h.press('/error:*' + KEYS.enter, settledOn('error:*', 4));
      const frame = await h.press('j', (f) => /^›.*AttachRolePolicy/m.test(f));
      const line = frame.split('\n').indexOf(selectedRow(frame));
      const pivoted = await h.press('=u', settledOn('user:bob', 3));
      // QA: the cursor went to the newest of bob's events (CreateUser), not the one pivoted from.
      expect(selectedRow(pivoted)).toMatch(/AttachRolePolicy/);
      expect(pivoted.split('\n').indexOf(selectedRow(pivoted)), 'as far from the top').toBe(line);
    }
  });

  it('+ e on a row without an error code says that it has none (the letter does name a field)', async () => {
    for (const h of both()) {
      await h.press('j', (f) => /^›.*PutObject/m.test(f));
      const refused = await h.press('+e', (f) => f.includes('No pivot'));
      expect(refused).toContain('No pivot: this event has no error code');
      expect(queryOf(refused)).toBe('user:bob');
      await h.press('k', (f) => /^›.*AttachRolePolicy/m.test(f));
    }
  });

  it('from the list: - leaves the event out, and the cursor goes to the event in its place (the next one down)', async () => {
    for (const h of both()) {
      const excluded = await h.press('-n', settledOn('user:bob -name:AttachRolePolicy', 2));
      expect(selectedRow(excluded)).toMatch(/PutObject/);
      // `[` comes back to the event pivoted from.
      const back = await h.press('[', settledOn('user:bob', 3));
      expect(selectedRow(back)).toMatch(/AttachRolePolicy/);
      await h.press('[', settledOn('error:*', 4));
    }
  });

  it('from the details: = keeps them open on the event; - on one of its values closes them on the event in its place', async () => {
    for (const h of both()) {
      expect(selectedRow(h.frame())).toMatch(/AttachRolePolicy/);
      await h.press(KEYS.enter, (f) => f.includes('Event details'));
      for (let i = 0; i < 40 && !selectedDetail(h.frame()).includes('User name'); i++) await h.press(KEYS.tab);
      const kept = await h.press('=', settledOn('user:bob', 3));
      expect(kept).toContain('Event details');
      expect(kept).toMatch(/Event name +AttachRolePolicy/);
      expect(selectedDetail(kept), 'the value still selected').toContain('User name');
      // Again: the query stays as it is, and so do the details.
      const again = await h.press('=', (f) => f.includes('Filtered by user:bob') && settledOn('user:bob', 3)(f));
      expect(again).toMatch(/Event name +AttachRolePolicy/);
      for (let i = 0; i < 40 && !selectedDetail(h.frame()).includes('Event name'); i++) await h.press(KEYS.tab);
      const closed = await h.press('-', (f) => settledOn('user:bob -name:AttachRolePolicy', 2)(f) && !f.includes('Event details'));
      expect(selectedRow(closed)).toMatch(/PutObject/);
      // Back to the details the pivot was made from.
      const back = await h.press('[', (f) => settledOn('user:bob', 3)(f) && f.includes('Event details'));
      expect(back).toMatch(/Event name +AttachRolePolicy/);
      await h.press(KEYS.escape, (f) => !f.includes('Event details'));
    }
  });
});
