/**
 * A new query in oldest-first order (`o`), on both dashboards driven by one script: as in newest-first
 * order it lands on the newest event, which is at the bottom, and follows it as events arrive, as the
 * folder dashboard always did. The --db dashboard landed on the oldest event at the top, paused, so an
 * arrival was a `▼ 1 new` far below.
 */
import { describe, expect, it } from 'vitest';
import { idle, queryOf } from './archiveDashboard.js';
import { cursorRow, followedBothForThisBlock, headline } from './followedBoth.js';
import { KEYS } from './harness.js';



describe('a new query in oldest-first order, on both dashboards (trailtop DIR, and trailtop DIR --db FILE)', () => {
  const both = followedBothForThisBlock();
  const dashboards = () => both().dashboards();
  const arrives = (name: string, hour: number) => both().arrives(name, hour);
  const pressBoth = (keys: string, until: (f: string) => boolean) => both().pressBoth(keys, until);

  it('o, then a new query: on the newest event at the bottom, following; an arrival: on it, still following', async () => {
    for (const [name, frame] of await pressBoth('o', (f) => f.indexOf('CallA') < f.indexOf('CallD'))) {
      expect(cursorRow(frame), name).toContain('CallD');
    }
    await pressBoth('/name:Call*', (f) => f.includes('name:Call*'));
    for (const [name, frame] of await pressBoth(KEYS.enter, (f) => queryOf(f) === 'name:Call*' && cursorRow(f) !== '')) {
      expect(cursorRow(frame), name).toContain('CallD');
      expect(headline(frame), name).toContain('following');
    }
    await arrives('CallE', 5);
    for (const [name, h] of dashboards()) {
      const frame = await h.waitFor((f) => idle(f) && cursorRow(f).includes('CallE'), 5_000).catch(() => h.frame());
      expect(cursorRow(frame), name).toContain('CallE');
      expect(headline(frame), name).toContain('following');
    }
  }, 60_000);
});
