/**
 * The histogram (h) over months on both dashboards: the --db one opens at the size the folder's opens
 * at (a month here, where it had no size past a day), zooms in to weeks and days and out again to
 * 1w and 1mo on the same buckets, and counts them the same.
 */
import { describe, expect, it } from 'vitest';
import { bothDashboardsForThisBlock } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

/** Events every 37 hours from 10 January to 20 June 2024 (every 4th an error), and two either side of 1 June 00:00 UTC. */
function records(): object[] {
  const times: number[] = [];
  for (let t = Date.UTC(2024, 0, 10, 9); t <= Date.UTC(2024, 5, 20); t += 37 * 3_600_000) times.push(t);
  times.push(Date.UTC(2024, 5, 1) - 1, Date.UTC(2024, 5, 1), Date.UTC(2024, 5, 20, 12));
  return times.map((t, k) => ({
    eventID: `ev-${String(k).padStart(4, '0')}`,
    eventTime: new Date(t).toISOString(),
    eventName: k === times.length - 1 ? 'NewestCall' : `Call${k % 5}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    ...(k % 4 === 0 ? { errorCode: 'AccessDenied' } : {}),
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  }));
}

/** The histogram's lines, from its title to the line under the bars. */
function chart(frame: string): string[] {
  const lines = frame.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Histogram '));
  const to = lines.findIndex((l, i) => i > from && /^(span: )?\d+ events? · /.test(l));
  return from < 0 || to < 0 ? [] : lines.slice(from, to + 1).map((l) => l.trimEnd());
}

/** `1w`, `1mo` ... from the title. */
const sizeOf = (lines: readonly string[]): string => /^Histogram (\S+) /.exec(lines[0] ?? '')?.[1] ?? '';
const counted = (f: string) => !f.includes('counting') && !f.includes('querying…') && !f.includes('reading…');

describe('the histogram over months on both dashboards', () => {
  const both = bothDashboardsForThisBlock(records(), 80, 24, 'NewestCall');

  /** The keys on both; each frame once its chart is at `size`. */
  async function pressBoth(keys: string, size: string, also: (f: string) => boolean = () => true): Promise<[string[], string[]]> {
    const press = (h: Harness) => h.press(keys, (f) => counted(f) && sizeOf(chart(f)) === size && also(f));
    const [folder, db] = await Promise.all([press(both().folder), press(both().db)]);
    return [chart(folder), chart(db)];
  }

  it('opens at 1mo on both, zooms in to 1w and 1d and out to 1w and 1mo on the same buckets with the same counts', async () => {
    // Five months do not fit 18 lines in weeks: a month, as on the folder dashboard; every month on screen, drawn the same.
    let [folder, db] = await pressBoth('h', '1mo');
    expect(db).toEqual(folder);
    expect(folder.some((l) => l.startsWith('› 2024-06 '))).toBe(true);
    // Weeks and days: the windows may sit differently on a longer axis, so the selected bucket's line under the bars.
    [folder, db] = await pressBoth('+', '1w');
    expect(db.at(-1)).toBe(folder.at(-1));
    expect(folder.at(-1)).toMatch(/ · 2024-06-03–06-09 · /);
    [folder, db] = await pressBoth('+', '1d');
    expect(db.at(-1)).toBe(folder.at(-1));
    expect(folder.at(-1)).toMatch(/ · 2024-06-03 · /);
    [folder, db] = await pressBoth('-', '1w');
    expect(db.at(-1)).toBe(folder.at(-1));
    // The week before runs from May into June: out of it, both go to May, the month it began in.
    [folder, db] = await pressBoth(KEYS.up, '1w', (f) => f.includes('2024-05-27–06-02'));
    expect(db.at(-1)).toBe(folder.at(-1));
    [folder, db] = await pressBoth('-', '1mo');
    expect(db).toEqual(folder);
    expect(folder.some((l) => l.startsWith('› 2024-05 '))).toBe(true);
  });

  it('- past a month stays at a month (the largest bucket on both)', async () => {
    const db = await both().db.press('-', (f) => f.includes('largest buckets (a month)'));
    expect(sizeOf(chart(db))).toBe('1mo');
  });

  it('+ on a week whose Monday is empty lands on its first day with events, on both', async () => {
    // Events every 37 hours: none on Monday 04-15, some on Tuesday 04-16; the cursor went to the empty Monday.
    let [folder, db] = await pressBoth('g', '1mo', (f) => f.includes('› 2024-01 '));
    [folder, db] = await pressBoth('jjj', '1mo', (f) => f.includes('› 2024-04 '));
    [folder, db] = await pressBoth('+', '1w', (f) => / · 2024-04-01–04-07 · /.test(f));
    [folder, db] = await pressBoth('jj', '1w', (f) => / · 2024-04-15–04-21 · /.test(f));
    [folder, db] = await pressBoth('+', '1d');
    expect(db.at(-1)).toBe(folder.at(-1));
    expect(folder.at(-1)).toMatch(/^\d+ events? · 2024-04-16 · /);
  });
});

describe('the histogram over a span as long as the --db view is tall', () => {
  // 17 days: 17 lines of 1d fit the --db view at 80x24, not the folder's, one line shorter under its timeline strip.
  const days = Array.from({ length: 17 }, (_, k) => ({
    eventID: `day-${k}`,
    eventTime: new Date(Date.UTC(2024, 2, 1 + k, 12)).toISOString(),
    eventName: k === 16 ? 'LastDay' : `Day${k}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice' },
  }));
  const both = bothDashboardsForThisBlock(days, 80, 24, 'LastDay');

  it('opens at the same size on both (fitted to the folder\'s lines), drawn the same', async () => {
    const open = (h: Harness) => h.press('h', (f) => counted(f) && sizeOf(chart(f)) !== '');
    const [folder, db] = (await Promise.all([open(both().folder), open(both().db)])).map(chart);
    expect(sizeOf(folder!)).toBe('1w');
    expect(db).toEqual(folder);
  });
});
