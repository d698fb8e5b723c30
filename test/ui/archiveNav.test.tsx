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
        const frame = await h.press(op, (f) => queryOf(f) !== '' && idle(f) && !f.includes('Event details'));
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

  it('after a pivot, [ puts the cursor back on the same event at the same place on screen; ] goes forward', async () => {
    let frame = h.frame();
    for (let i = 0; i < 30; i++) frame = await h.press('j', (f) => rowOf(f) === String(i + 2));
    const left = selectedRow(frame);
    const leftLine = frame.split('\n').indexOf(left);
    frame = await h.press('=u', (f) => queryOf(f) !== '' && idle(f) && rowOf(f) === '1');
    const pivot = queryOf(frame);
    expect(pivot).toMatch(/^user:/);
    frame = await h.press('[', (f) => queryOf(f) === '' && idle(f) && rowOf(f) === '31');
    expect(selectedRow(frame)).toBe(left);
    expect(frame.split('\n').indexOf(selectedRow(frame))).toBe(leftLine);
    frame = await h.press(']', (f) => queryOf(f) === pivot && idle(f));
    expect(rowOf(frame)).toBe('1');
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
