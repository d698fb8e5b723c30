/**
 * The strip under the header counts its rows again at every change, but for
 * a list that only grew by less than a quarter during a load (TimelineStrip
 * LOAD_RECOUNT_GROWTH): counting a million rows at every store notification
 * held keys back. The kept counts must never outlive the load or the filter.
 */
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { makeTheme, ThemeContext } from '../../src/ui/theme.js';
import { TimelineStrip } from '../../src/ui/timeline/TimelineStrip.js';
import { makeRow } from './fixtures.js';

const START = Date.UTC(2024, 2, 5, 0, 0, 0);

/** Newest first: `count` rows a minute apart from START, plus `burst` more in the newest minute. */
function rowsOf(count: number, burst = 0): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) rows.push(makeRow({ time: START + i * 60_000 }));
  for (let i = 0; i < burst; i++) rows.push(makeRow({ time: START + (count - 1) * 60_000 + i }));
  return rows.reverse();
}

function strip(rows: readonly EventRow[], loading: boolean, filter: unknown): { frame: () => string; update: (rows: readonly EventRow[], loading: boolean, filter: unknown) => void } {
  const element = (r: readonly EventRow[], l: boolean, f: unknown) => (
    <ThemeContext.Provider value={makeTheme(false)}>
      <TimelineStrip rows={r} width={60} zone="utc" ascii={true} loading={l} filter={f} />
    </ThemeContext.Provider>
  );
  const app = render(element(rows, loading, filter));
  return { frame: () => app.lastFrame() ?? '', update: (r, l, f) => app.rerender(element(r, l, f)) };
}

describe('the timeline strip during a load', () => {
  const filter = { query: '' };
  const base = rowsOf(40);
  // 8 more rows (a fifth) in the newest bucket: its count, and so the strip's largest count, changes.
  const grown = rowsOf(40, 8);

  it('keeps its counts while the same list grew by less than a quarter', () => {
    const shown = strip(base, true, filter);
    const before = shown.frame();
    shown.update(grown, true, filter);
    expect(shown.frame()).toBe(before);
  });

  it('counts again once the load is over', () => {
    const shown = strip(base, true, filter);
    const before = shown.frame();
    shown.update(grown, false, filter);
    expect(shown.frame()).not.toBe(before);
    expect(shown.frame()).toBe(strip(grown, false, filter).frame());
  });

  it('counts again for another filter, and after growth of a quarter or more', () => {
    const shown = strip(base, true, filter);
    shown.update(grown, true, { query: 'name:x' });
    expect(shown.frame()).toBe(strip(grown, false, filter).frame());
    const again = strip(base, true, filter);
    const bigger = rowsOf(40, 10);
    again.update(bigger, true, filter);
    expect(again.frame()).toBe(strip(bigger, false, filter).frame());
  });

  it('without a filter, counts at every change as before', () => {
    const shown = strip(base, true, undefined);
    shown.update(grown, true, undefined);
    expect(shown.frame()).toBe(strip(grown, false, undefined).frame());
  });
});
