/**
 * The --db dashboard's `?` at 80x24: its note on what an archive cannot do is
 * wrapped, not cut mid-word with '…', and the keys listed are the ones it
 * answers (f, i, d, b, !, p, C, r, Tab split, v span were listed as if they worked; [ ] and the
 * pivots from the list and the details, r in the details, ', C, v span, Tab split, f and Esc in a list
 * a view's Enter opened work since);
 * the details' title names only keys the archive's details have; `?` in
 * the top values or the histogram opens at that view's keys, as in App.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { archiveDashboardForThisBlock, ONE_EVENT } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

describe('help on an archive at 80 columns', () => {
  const dashboard = archiveDashboardForThisBlock(ONE_EVENT, 'OnlyCall');
  let h: Harness;
  beforeEach(() => {
    h = dashboard();
  });

  it('wraps the note and lists only the keys the archive answers', async () => {
    const pages: string[] = [await h.press('?', (f) => f.includes(' Help '))];
    // Page through the whole overlay (PgDn until its last line is on screen).
    for (let i = 0; i < 20 && !pages[pages.length - 1]!.includes('to:         up to the end'); i++) {
      pages.push(await h.press(KEYS.pageDown, (f) => f !== pages[pages.length - 1]));
    }
    const lines = pages.flatMap((page) => page.split('\n').slice(3, -1));
    const body = lines.join('\n');
    expect(body).toContain('fires on).');
    expect(body.replace(/\s+/g, ' ')).toContain('! findings runs the rules as SQL in the background (as detect --db does; under a query, one count per rule among its events).');
    expect(lines.filter((line) => line.endsWith('…'))).toEqual([]);
    // The query bar applies with Enter on an archive, and its history is the archive file's.
    for (const absent of ['(coming)', 'Not here', 'filters as you type', "this folder's history", 'keep the query and return to the list']) {
      expect(body.replace(/\s+/g, ' '), absent).not.toContain(absent);
    }
    // The session chain is in the archive's details: the note says how its links are followed there.
    expect(body.replace(/\s+/g, ' ')).toContain('Enter on a session chain link in the details lists its event alone (id:), [ comes back.');
    expect(body.replace(/\s+/g, ' ')).not.toContain('the session chain in the details');
    for (const present of ['open / close the Insights view', 'Insights view (i)', 'list the events behind the selected Insight', 'files that could not be read', 'back to the previous query, cursor on the event it was on', 'select the next value or link', 'filter by the selected value', 'edit the query (Enter applies it)', "earlier query from this archive file's history", 'apply the query (one count over the archive)', 'top values of a field', 'zoom in', 'toggle UTC / local time', 'top: the newest and follow (oldest first: the oldest)', 'cursor to the start of the text', 'cursor a character left / right', 'download (export)', 'Download dialog (d)', 'only the marked events (m)', 'cancel the running download', 'cancel the running download and quit', 'keep the download running; do not quit', 'open / close the findings view', "list the selected rule's events", 'summary of the selected user, role or access key', "the principal's events with the selected line", 'choose, order and hide the list columns', 'Column chooser (C)', 'move the selected column left', 'jump to the next marked event', 'list every event that touched the selected resource', 'start a span at the cursor', 'split bars by']) {
      expect(body, present).toContain(present);
    }
    // f works on an archive: the note and the key say what it does there (both wrapped).
    for (const present of [
      "follow newest events (as DIR's new files are imported; read only: the newest event)",
      'f goes to the newest event;',
      'copy the selected value or link (details) or the whole JSON (JSON view)',
      'in a list opened from a view (T, p, i, h or ! and Enter): back to that view and the query before, as [ goes back',
    ]) {
      expect(body.replace(/\s+/g, ' '), present).toContain(present);
    }
  });

  it("the details' title names the folder dashboard's keys, y copy among them (y copies the selected value on an archive too)", async () => {
    await h.press(KEYS.escape, (f) => !f.includes(' Help '));
    const frame = await h.press(KEYS.enter, (f) => f.includes('Event details'));
    const title = frame.split('\n').find((line) => line.includes('Event details'))!;
    expect(title).toContain('Tab/→ select');
    expect(title).toContain('y copy');
    expect(title).toContain('r resource events');
  });

  it('? in the top values and the histogram opens the help at their keys', async () => {
    await h.press(KEYS.escape, (f) => !f.includes('Event details'));
    for (const [key, section, view] of [
      ['T', '─ Top values (T)', 'Top values of'],
      ['h', '─ Histogram view (h)', 'Histogram'],
    ] as const) {
      await h.press(key, (f) => f.includes(view));
      const help = await h.press('?', (f) => f.includes(' Help'));
      const lines = help.split('\n');
      expect(lines[lines.findIndex((l) => l.startsWith(' Help')) + 1]).toBe(section);
      await h.press(KEYS.escape, (f) => f.includes(view) && !f.includes(' Help'));
      await h.press(KEYS.escape, (f) => !f.includes(view));
    }
  });
});
