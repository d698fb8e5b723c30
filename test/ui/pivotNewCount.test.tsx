/**
 * The header's `paused ▲ N new (f)` after a pivot from the list, on both dashboards driven by one script:
 * the cursor stays on the event pivoted from, paused, and what arrives from then on counts. The folder
 * dashboard counted nothing until the cursor moved, and that move took the newest row then as where
 * counting starts, so what came in between was never counted (`paused`, then `▲ 1 new` where the --db
 * dashboard said `▲ 1`, then `▲ 2`). A query typed and given up with Esc keeps the count too (the folder's
 * drafts, applied while typing, cleared it).
 */
import { describe, expect, it } from 'vitest';
import { idle, queryOf } from './archiveDashboard.js';
import { cursorRow, followedBothForThisBlock, headline } from './followedBoth.js';
import { KEYS, type Harness } from './harness.js';


/**
 * The frame once `event` is listed and the header says `words` (the --db dashboard counts with the list's
 * refresh, a moment after the rows), or the last frame when it never does.
 */
const headerSays = (h: Harness, event: string, words: string): Promise<string> =>
  h.waitFor((f) => idle(f) && f.includes(event) && headline(f).includes(words), 5_000).catch(() => h.frame());

describe('▲ N new after a pivot from the list or a query given up, on both dashboards (trailtop DIR, and trailtop DIR --db FILE)', () => {
  const both = followedBothForThisBlock();
  const dashboards = () => both().dashboards();
  const arrives = (name: string, hour: number) => both().arrives(name, hour);
  const pressBoth = (keys: string, until: (f: string) => boolean) => both().pressBoth(keys, until);

  it('= u on a row below the newest, an arrival, j, another: ▲ 1 new, then ▲ 2 new', async () => {
    await pressBoth('j', (f) => cursorRow(f).includes('CallC'));
    await pressBoth('=', (f) => f.includes('CallC'));
    for (const [name, frame] of await pressBoth('u', (f) => queryOf(f) !== '' && f.includes('CallD'))) {
      expect(cursorRow(frame), name).toContain('CallC');
      expect(headline(frame), name).toMatch(/paused(?! ▲)/);
    }
    await arrives('CallE', 5);
    for (const [name, h] of dashboards()) {
      const frame = await headerSays(h, 'CallE', '▲ 1 new');
      expect(headline(frame), name).toContain('paused ▲ 1 new (f)');
      expect(cursorRow(frame), name).toContain('CallC');
    }
    await pressBoth('j', (f) => cursorRow(f).includes('CallB'));
    await arrives('CallF', 6);
    for (const [name, h] of dashboards()) expect(headline(await headerSays(h, 'CallF', '▲ 2 new')), name).toContain('paused ▲ 2 new (f)');
  }, 60_000);

  it('a query typed then given up (Esc): the same count, on the same event', async () => {
    await pressBoth('/name:CallB', (f) => f.includes('name:CallB'));
    for (const [name, frame] of await pressBoth(KEYS.escape, (f) => queryOf(f) === 'user:alice' && f.includes('CallF'))) {
      expect(cursorRow(frame), name).toContain('CallB');
      expect(headline(frame), name).toContain('paused ▲ 2 new (f)');
    }
  });
});
