/** What a key does in the --db dashboard (ui/archive/archiveModel.ts), without a terminal. */
import { describe, expect, it } from 'vitest';
import { archiveHeadline, archiveKey, archiveWindow, bucketAfterZoom, initialArchiveState, type ArchiveKeyContext, type ArchiveUiState } from '../../src/ui/archive/archiveModel.js';
import { displayWidth } from '../../src/term/width.js';
import { NO_KEY } from '../../src/ui/keys.js';

const ctx: ArchiveKeyContext = { total: 10_000_000, bodyH: 20, mainH: 21, scrollLimit: 0, topValues: [{ value: 'alice' }, { value: 'bob' }], buckets: [{ start: 0, end: 60_000, count: 1 }], bucketSizes: 15 };

function press(state: ArchiveUiState, input: string, named: Partial<typeof NO_KEY> = {}) {
  return archiveKey(state, input, { ...NO_KEY, ...named }, ctx);
}

describe('keys of the --db dashboard', () => {
  it('G/End goes to the last of 10M rows, g back to the first, PgDn a screen, j a row; the window follows', () => {
    let s = initialArchiveState();
    s = press(s, 'G').state;
    expect(s.cursor).toBe(9_999_999);
    expect(archiveWindow(s, ctx.total, ctx.bodyH)).toEqual({ top: 9_999_980, end: 10_000_000, cursor: 9_999_999 });
    s = press(s, '', { pageUp: true }).state;
    expect(s.cursor).toBe(9_999_979);
    s = press(s, 'g').state;
    expect(s.cursor).toBe(0);
    s = press(s, '', { pageDown: true }).state;
    expect(s.cursor).toBe(20);
    s = press(s, 'j').state;
    expect(s.cursor).toBe(21);
    expect(press({ ...s, cursor: 9_999_999 }, 'j').state.cursor).toBe(9_999_999);
  });

  it('b opens the bad-files view and b again closes it, as Esc does', () => {
    const opened = press(initialArchiveState(), 'b');
    expect(opened.state.mode).toBe('badfiles');
    expect(opened.command).toEqual({ kind: 'badFiles' });
    expect(press(opened.state, 'b').state.mode).toBe('list');
    expect(press(opened.state, '', { escape: true }).state.mode).toBe('list');
  });

  it('j and k move the cursor down and up the screen; the rows scroll only when it reaches an edge', () => {
    let s = initialArchiveState();
    for (let i = 0; i < 5; i++) s = press(s, 'j').state;
    expect(archiveWindow(s, ctx.total, ctx.bodyH)).toEqual({ top: 0, end: 20, cursor: 5 });
    for (let i = 0; i < 20; i++) s = press(s, 'j').state;
    expect(archiveWindow(s, ctx.total, ctx.bodyH)).toEqual({ top: 6, end: 26, cursor: 25 });
    s = press(s, 'k').state;
    expect(archiveWindow(s, ctx.total, ctx.bodyH)).toEqual({ top: 6, end: 26, cursor: 24 });
  });

  it('the query applies with Enter (one SQL query), Esc restores the applied one', () => {
    let s = press(initialArchiveState('name:Get*'), '/').state;
    expect(s.mode).toBe('query');
    s = press(s, 'x').state;
    expect(s.draft).toBe('name:Get*x');
    const applied = press(s, '', { return: true });
    // With the place it was typed from, which becomes a step back once the archive has run it.
    expect(applied.command).toMatchObject({ kind: 'apply', text: 'name:Get*x', from: { text: 'name:Get*', detail: null } });
    const cancelled = press(s, '', { escape: true }).state;
    expect(cancelled.draft).toBe('name:Get*');
    expect(cancelled.mode).toBe('list');
  });

  it('o, T, h and m are commands for the archive; Enter in the top values filters by the value', () => {
    const s = initialArchiveState();
    const order = press(s, 'o');
    expect(order.command).toEqual({ kind: 'order' });
    expect(order.state.order).toBe('oldest');
    // The status line says the new order, as the folder dashboard's does (the 80-column header drops it).
    expect(order.state.status).toBe('Oldest first (o: newest first)');
    expect(press(order.state, 'o').state.status).toBe('Newest first (o: oldest first)');
    expect(press(s, 'T').command).toEqual({ kind: 'top' });
    expect(press(s, 'h').command).toEqual({ kind: 'histogram' });
    expect(press(s, 'm').command).toEqual({ kind: 'mark' });
    const top = { ...s, mode: 'top' as const, topIndex: 1, queryText: 'error:*' };
    const filtered = press(top, '', { return: true });
    expect(filtered.command).toMatchObject({ kind: 'apply', text: 'actor:bob' });
    expect(press(top, '+').command).toMatchObject({ kind: 'apply', text: 'error:* actor:bob' });
    const span = press({ ...s, mode: 'histogram', bucketIndex: 0 }, '', { return: true });
    expect(span.command).toMatchObject({ kind: 'apply', text: 'from:1970-01-01T00:00:00Z to:1970-01-01T00:00:59Z' });
  });

  it('+ and - in the histogram keep the selected time: the zoom carries the bucket, and the new one is inside it or holds it', () => {
    const hours = { ...ctx, buckets: [0, 1, 2, 3].map((k) => ({ start: k * 3_600_000, end: (k + 1) * 3_600_000, count: 1 })) };
    const zoomed = archiveKey({ ...initialArchiveState(), mode: 'histogram', bucketSize: 10, bucketIndex: 2 }, '+', NO_KEY, hours);
    expect(zoomed.command).toEqual({ kind: 'histogram', keep: { start: 7_200_000, end: 10_800_000, withEvents: true } });
    const halfHours = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => ({ start: k * 1_800_000 }));
    expect(bucketAfterZoom(halfHours, { start: 7_200_000, end: 10_800_000 })).toBe(4);
    // A month's first week may start before the 1st: the first week inside the month, not that one.
    const weeks = [-3, 4, 11].map((day) => ({ start: day * 86_400_000 }));
    expect(bucketAfterZoom(weeks, { start: 0, end: 30 * 86_400_000 })).toBe(1);
    // Tab splits the bars by the next field, counted again on the same bucket (archiveStack.ts); v starts a span at the bucket's start (archiveSpan.ts).
    const histogram = { ...initialArchiveState(), mode: 'histogram' as const, bucketIndex: 0 };
    const split = archiveKey({ ...histogram, bucketIndex: 1 }, '', { ...NO_KEY, tab: true }, hours);
    expect(split.state.stack).toBe(1);
    expect(split.command).toEqual({ kind: 'histogram', keep: { start: 3_600_000, end: 7_200_000 } });
    expect(archiveKey({ ...histogram, bucketIndex: 1 }, 'v', NO_KEY, hours).state.spanAnchor).toBe(3_600_000);
    // Out: the bigger bucket that holds the old one's start.
    expect(bucketAfterZoom([{ start: 0 }, { start: 10_800_000 }], { start: 7_200_000, end: 10_800_000 })).toBe(0);
  });

  it('+ lands on the first smaller bucket with events inside the old one, not on its empty start (a span keeps its time)', () => {
    // The stratus-red-team week of 11-25: nothing on Monday, 4 events on Tuesday, 2 on Saturday.
    const day = 86_400_000;
    const days = [0, 4, 0, 0, 0, 2, 0].map((count, k) => ({ start: k * day, end: (k + 1) * day, count }));
    expect(bucketAfterZoom(days, { start: 0, end: 7 * day, withEvents: true })).toBe(1);
    // None with events inside: its first, as before; without withEvents, its first whatever the counts.
    expect(bucketAfterZoom(days.map((d) => ({ ...d, count: 0 })), { start: 0, end: 7 * day, withEvents: true })).toBe(0);
    expect(bucketAfterZoom(days, { start: 0, end: 7 * day })).toBe(0);
    // Events after the old bucket's end do not count.
    expect(bucketAfterZoom(days, { start: 2 * day, end: 4 * day, withEvents: true })).toBe(2);
    const weeks = { ...ctx, buckets: [{ start: 0, end: 7 * day, count: 6 }] };
    const spanned = archiveKey({ ...initialArchiveState(), mode: 'histogram', bucketSize: 12, bucketIndex: 0, spanAnchor: 0 }, '+', NO_KEY, weeks);
    expect(spanned.command).toEqual({ kind: 'histogram', keep: { start: 0, end: 7 * day, withEvents: false } });
  });

  it('Enter on a bucket, or a span, of no events stays in the histogram and says so (histogramModel nothingToList)', () => {
    const gap = { ...ctx, buckets: [1, 0, 0, 2].map((count, k) => ({ start: k * 3_600_000, end: (k + 1) * 3_600_000, count })) };
    const histogram = { ...initialArchiveState(), mode: 'histogram' as const, status: '' };
    const empty = archiveKey({ ...histogram, bucketIndex: 1 }, '', { ...NO_KEY, return: true }, gap);
    expect(empty.command).toBeUndefined();
    expect(empty.state).toMatchObject({ mode: 'histogram', status: 'No events in this bucket', queryText: '' });
    const emptySpan = archiveKey({ ...histogram, bucketIndex: 2, spanAnchor: 3_600_000 }, '', { ...NO_KEY, return: true }, gap);
    expect(emptySpan.command).toBeUndefined();
    expect(emptySpan.state).toMatchObject({ mode: 'histogram', status: 'No events in this span', spanAnchor: 3_600_000 });
    // A span over the gap that reaches a bucket with events lists them.
    const spanned = archiveKey({ ...histogram, bucketIndex: 3, spanAnchor: 3_600_000 }, '', { ...NO_KEY, return: true }, gap);
    expect(spanned.command).toMatchObject({ kind: 'apply', text: 'from:1970-01-01T01:00:00Z to:1970-01-01T03:59:59Z' });
  });

  it('keys that need the events in memory say what to use on an archive; i opens the Insights view', () => {
    const s = initialArchiveState();
    expect(press(s, 'f').state.status).toMatch(/trailtop DIR --db FILE/);
    expect(press(s, 'i').state.mode).toBe('insights');
  });

  it("p summarises the row's user, or the selected user or key of the top values; Esc goes back where it was pressed", () => {
    const withRow = (actor: string) => (s: ArchiveUiState, input: string, named: Partial<typeof NO_KEY> = {}) => archiveKey(s, input, { ...NO_KEY, ...named }, { ...ctx, rowActor: actor });
    const list = initialArchiveState();
    expect(withRow('')(list, 'p').state.status).toMatch(/select one first/);
    const opened = withRow('alice')(list, 'p');
    expect(opened.command).toEqual({ kind: 'principal' });
    expect(opened.state.principal).toEqual({ term: { field: 'user', value: 'alice' } });
    // The top values of the User column (actor:), the second value selected.
    const top = { ...list, mode: 'top' as const, topField: 0, topIndex: 1 };
    expect(press(top, 'p').state.principal?.term).toEqual({ field: 'actor', value: 'bob' });
    // Event names are not principals.
    expect(press({ ...top, topField: 3 }, 'p').state.status).toMatch(/select one first/);
    expect(press(press(top, 'p').state, '', { escape: true }).state.mode).toBe('top');
  });

  it('! opens the findings view (the rules run as SQL on the archive)', () => {
    const s = initialArchiveState();
    expect(press(s, '!').state.mode).toBe('findings');
  });

  it('d opens the download dialog, which then reads every key itself (archiveDownload.test.tsx writes the files)', () => {
    const opened = press(initialArchiveState(), 'd');
    expect(opened.state.mode).toBe('export');
    expect(opened.command).toBeUndefined();
    // q, Esc and letters are the dialog's (a file name takes them); Ctrl-C still quits.
    for (const key of ['q', 'j', '/']) expect(press(opened.state, key)).toEqual({ state: opened.state });
    expect(archiveKey(opened.state, 'c', { ...NO_KEY, ctrl: true }, ctx).command).toEqual({ kind: 'quit' });
    // No list yet (or an empty one): nothing to download, said; the dialog would wait for a list that may never come.
    const none = archiveKey(initialArchiveState(), 'd', NO_KEY, { ...ctx, total: 0 }).state;
    expect(none.mode).toBe('list');
    expect(none.status).toBe('No event to download');
  });

  it('↑/↓ in the query bar walk the saved queries, as in the in-memory dashboard (↑ did nothing)', () => {
    const withHistory = { ...ctx, history: ['name:Get*', 'error:*'] };
    const key = (s: ArchiveUiState, named: Partial<typeof NO_KEY>) => archiveKey(s, '', { ...NO_KEY, ...named }, withHistory).state;
    let s = press(initialArchiveState(), '/').state;
    s = press(s, 'x').state;
    s = key(s, { upArrow: true });
    expect(s.draft).toBe('error:*');
    s = key(s, { upArrow: true });
    expect(s.draft).toBe('name:Get*');
    expect(s.caret).toBe('name:Get*'.length);
    s = key(s, { downArrow: true });
    expect(s.draft).toBe('error:*');
    s = key(s, { downArrow: true });
    expect(s.draft).toBe('x');
    const applied = archiveKey(key(s, { upArrow: true }), '', { ...NO_KEY, return: true }, withHistory);
    expect(applied.command).toMatchObject({ kind: 'apply', text: 'error:*' });
  });
});

describe('the --db headline', () => {
  const parts = { count: '1,234', noun: 'matching', row: 1_000, order: 'newest' as const, bad: 2, path: '/home/someone/archives/trail.duckdb' };
  it('says everything with the path when there is room; at 80 columns the order gives way to the end of the path', () => {
    expect(archiveHeadline({ ...parts, width: 120 })).toBe('trailtop · 1,234 matching · row 1,000 · newest first · ! 2 bad files (b) · archive /home/someone/archives/trail.duckdb');
    expect(archiveHeadline({ ...parts, width: 80 })).toBe('trailtop · 1,234 matching · row 1,000 · ! 2 bad files (b) · archive …rail.duckdb');
  });
  it('counts conflicting duplicates first, as the folder header does, shortened to dup before anything else of the problems goes', () => {
    expect(archiveHeadline({ ...parts, conflicts: 3, skipped: 1, width: 160 })).toBe(
      'trailtop · 1,234 matching · row 1,000 · newest first · ! 3 conflicting duplicates · 2 bad files · 1 skipped (b) · archive /home/someone/archives/trail.duckdb',
    );
    expect(archiveHeadline({ ...parts, bad: 0, conflicts: 1, width: 120 })).toContain('· ! 1 conflicting duplicate (b) ·');
    expect(archiveHeadline({ ...parts, conflicts: 3, skipped: 1, width: 80 })).toBe('trailtop · 1,234 matching · row 1,000 · ! 3 dups · 2 bad files (b) · archive');
    for (const width of [60, 50, 40]) expect(archiveHeadline({ ...parts, conflicts: 3, width }), `${width}`).toContain('! 3 dups · 2 bad');
  });

  it('keeps the bad files down to 30 columns: the path, the name, the word files and the row give way first', () => {
    expect(archiveHeadline({ ...parts, width: 60 })).toBe('trailtop · 1,234 matching · row 1,000 · ! 2 bad files (b)');
    expect(archiveHeadline({ ...parts, width: 40 })).toBe('1,234 matching · ! 2 bad (b)');
    for (const width of [70, 60, 50, 40, 30]) {
      const line = archiveHeadline({ ...parts, width });
      expect(line, `${width}`).toContain('! 2 bad');
      expect(displayWidth(line), `${width}`).toBeLessThanOrEqual(width);
    }
  });

  it('counts the skipped files as the folder header does, with one (b), and gives them up before the bad files', () => {
    expect(archiveHeadline({ ...parts, bad: 0, skipped: 1, width: 120 })).toBe('trailtop · 1,234 matching · row 1,000 · newest first · 1 skipped (b) · archive /home/someone/archives/trail.duckdb');
    expect(archiveHeadline({ ...parts, skipped: 3, width: 140 })).toBe('trailtop · 1,234 matching · row 1,000 · newest first · ! 2 bad files · 3 skipped (b) · archive /home/someone/archives/trail.duckdb');
    for (const width of [70, 60, 50, 40, 30]) {
      const line = archiveHeadline({ ...parts, skipped: 3, width });
      expect(line, `${width}`).toContain('! 2 bad');
      expect(line, `${width}`).toContain('(b)');
      expect(displayWidth(line), `${width}`).toBeLessThanOrEqual(width);
    }
  });

  it('a pivot from the top values is a step [ comes back from; [ with nothing behind says so', () => {
    const top = { ...initialArchiveState('user:x'), mode: 'top' as const, topIndex: 0 };
    const pivot = press(top, '', { return: true });
    // T's list goes back into T with Esc (drill-back), as the footer's first hint says.
    expect(pivot.state.status).toContain('Filtered by actor:alice (Esc goes back)');
    expect(pivot.command).toMatchObject({ kind: 'apply', text: 'actor:alice', from: { text: 'user:x' } });
    expect(press(initialArchiveState(), '[').state.status).toMatch(/No earlier query/);
    expect(press(initialArchiveState(), ']').state.status).toMatch(/No later query/);
  });
});
