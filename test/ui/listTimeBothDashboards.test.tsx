/**
 * The list's time column reads the same on both dashboards at every width. EventList sizes its
 * columns, the time's form among them, over the rows on screen and a screen either side; the --db
 * dashboard gave it the screen's rows alone, so where the next screen held longer values its time
 * kept its seconds and year (`2024-03-05 12:00:00`) at 100 columns while the folder's dropped them
 * (`03-05 12:00:00`), and the other columns were laid out differently too.
 */
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { screenRows } from '../../src/ui/archive/screenRows.js';
import { bothDashboardsForThisBlock, idle } from './archiveDashboard.js';
import { makeRows } from './fixtures.js';
import type { Harness } from './harness.js';

const WIDTHS = [80, 100, 120, 140, 200] as const;
const HEIGHT = 24;

/** The time cell of each list row (`2024-03-05 12:00:00`, `03-05 12:00:00` or `2024-03-05 12:00`). */
const TIME = /^..(\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?|\d\d-\d\d \d\d:\d\d:\d\d)(?= )/;
const times = (frame: string): string[] => frame.split('\n').flatMap((line) => TIME.exec(line)?.[1] ?? []);
/** The list's title row and rows, from the column titles on (the folder's header has one line more: the timeline strip). */
const listLines = (frame: string): string[] => {
  const lines = frame.split('\n');
  return lines.slice(lines.findIndex((line) => line.startsWith('  Event time')));
};

/**
 * `count` events, newest first: short values up to `longFrom` (the first screen), then a long name,
 * user and error code: the next screen, which the folder dashboard's columns are sized over too.
 */
function records(yearOfLongOnes: number, count = 60, longFrom = 20): object[] {
  return Array.from({ length: count }, (_, k) => {
    const long = k >= longFrom;
    const time = Date.UTC(long ? yearOfLongOnes : 2024, 2, 5, 12, 0, 0) - k * 61_000;
    return {
      eventID: `ev-${k}`,
      eventTime: new Date(time).toISOString(),
      eventName: long ? `DescribeSomethingRatherLong${k}` : `Get${k}`,
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      sourceIPAddress: '192.0.2.10',
      ...(long ? { errorCode: 'InvalidParameterCombination' } : {}),
      userIdentity: { type: 'IAMUser', userName: long ? 'a-rather-long-user-name-here' : 'alice' },
    };
  });
}

/** Waits for the frame to stop changing (a resize or a move can take more than one render: the --db list reads pages). */
async function settled(h: Harness, first: string): Promise<string> {
  let last = first;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    const now = h.frame();
    if (now === last && idle(now)) return now;
    last = now;
  }
}

/** Resizes the terminal and waits for a settled frame at that width. */
async function at(h: Harness, width: number, height = HEIGHT): Promise<string> {
  const before = h.frame();
  const resized = h.stdout.columns !== width || h.stdout.rows !== height;
  h.stdout.resize(width, height);
  return settled(h, await h.waitFor((f) => (f !== before || !resized) && idle(f) && f.includes('Get0')));
}

for (const [what, yearOfLongOnes] of [
  ['one year', 2024],
  ['two years (the short time keeps its year)', 2023],
] as const) {
  describe(`the list's time column on both dashboards, events of ${what}`, () => {
    const both = bothDashboardsForThisBlock(records(yearOfLongOnes), 100, HEIGHT, 'Get0');

    for (const width of WIDTHS) {
      it(`is the same at ${width} columns, and so is the rest of each row`, async () => {
        const folder = await at(both().folder, width);
        const db = await at(both().db, width);
        const want = times(folder);
        expect(want.length).toBeGreaterThan(10);
        // The --db list is a row longer (no timeline strip above it): the rows both show are compared.
        expect(times(db).slice(0, want.length)).toEqual(want);
        expect(listLines(db).slice(0, want.length + 1)).toEqual(listLines(folder).slice(0, want.length + 1));
      });
    }
  });
}

describe("the list's time column on both dashboards, scrolled to where --db holds no rows below the screen yet", () => {
  // The --db list holds its first screen and a page margin of 100 rows below; the long values start past them.
  const both = bothDashboardsForThisBlock(records(2024, 300, 130), 100, HEIGHT, 'Get0');

  it('is the same at 100 columns once the cursor is near them: --db reads the rows a screen below first', async () => {
    // The folder dashboard one row taller (its timeline strip): the same list height, so the same rows on screen.
    await at(both().folder, 100, HEIGHT + 1);
    await at(both().db, 100);
    const cursorOn = (f: string) => f.split('\n').some((line) => /^›.*\bGet115\b/.test(line));
    const folder = await settled(both().folder, await both().folder.press('j'.repeat(115), cursorOn));
    const db = await settled(both().db, await both().db.press('j'.repeat(115), (f) => cursorOn(f) && idle(f)));
    const want = times(folder);
    expect(want.length).toBeGreaterThan(10);
    // Rows 130 on are less than a screen below the cursor: the folder sizes its columns over them.
    expect(want[0]).toMatch(/^\d\d-\d\d /);
    expect(times(db)).toEqual(want);
    expect(listLines(db)).toEqual(listLines(folder));
  });
});

describe('screenRows: the held rows the --db list is laid out over', () => {
  const rows = makeRows(100);
  const held = (from: number, to: number) => (i: number): EventRow | undefined => (i >= from && i < to ? rows[i] : undefined);

  it('are the screen and a screen either side, with the window placed among them', () => {
    const shown = screenRows(held(0, 100), { top: 40, end: 60, cursor: 45 });
    expect(shown.rows).toEqual(rows.slice(20, 80));
    expect(shown.window).toEqual({ top: 20, end: 40, cursor: 25 });
  });

  it('stop at the list\'s ends and at rows not held, never leaving a gap', () => {
    expect(screenRows(held(0, 100), { top: 5, end: 25, cursor: 5 })).toEqual({ rows: rows.slice(0, 45), window: { top: 5, end: 25, cursor: 5 } });
    expect(screenRows(held(35, 70), { top: 40, end: 60, cursor: 59 })).toEqual({ rows: rows.slice(35, 70), window: { top: 5, end: 25, cursor: 24 } });
  });

  it('leave out a row on screen not read yet, as before', () => {
    expect(screenRows(held(0, 3), { top: 0, end: 5, cursor: 0 })).toEqual({ rows: rows.slice(0, 3), window: { top: 0, end: 3, cursor: 0 } });
  });
});
