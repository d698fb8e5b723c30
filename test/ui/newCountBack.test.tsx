/**
 * The header's `paused ▲ N new (f)` across `[` and `]`, on both dashboards driven by one script: each
 * place keeps its own count of unseen arrivals, and back there the events that came meanwhile count
 * too; a place left while following follows again. The --db dashboard lost the count on `[` (a query's
 * answer set it to nothing) and came back to a following place paused on the event that was newest.
 */
import { describe, expect, it } from 'vitest';
import { idle, queryOf } from './archiveDashboard.js';
import { cursorRow, followedBothForThisBlock, headline } from './followedBoth.js';
import { KEYS } from './harness.js';


/** Ctrl-U in the query bar: the text before the caret goes. */
const CTRL_U = '\u0015';

describe('▲ N new across [ and ], on both dashboards (trailtop DIR, and trailtop DIR --db FILE)', () => {
  const both = followedBothForThisBlock();
  const dashboards = () => both().dashboards();
  const arrives = (name: string, hour: number) => both().arrives(name, hour);
  const pressBoth = (keys: string, until: (f: string) => boolean) => both().pressBoth(keys, until);

  it('paused with ▲ 1 new, [ then ]: still ▲ 1 new; a query, an arrival meanwhile, then [: ▲ 2 new', async () => {
    await pressBoth('/user:alice', (f) => f.includes('user:alice'));
    await pressBoth(KEYS.enter, (f) => queryOf(f) === 'user:alice');
    for (const [name, frame] of await pressBoth('jj', (f) => cursorRow(f).includes('CallB'))) expect(headline(frame), name).toMatch(/paused(?! ▲)/);
    await arrives('CallE', 5);
    for (const [, h] of dashboards()) await h.waitFor((f) => idle(f) && headline(f).includes('paused ▲ 1 new (f)'));

    // (The folder dashboard filters in the background: a frame can show the query before its rows.)
    await pressBoth('[', (f) => queryOf(f) === '' && f.includes('CallE'));
    for (const [name, frame] of await pressBoth(']', (f) => queryOf(f) === 'user:alice' && f.includes('CallE'))) {
      expect(cursorRow(frame), name).toContain('CallB');
      expect(headline(frame), name).toContain('paused ▲ 1 new (f)');
    }

    // Away on another query while one more arrives: back, it counts too.
    await pressBoth('/', (f) => f.includes('user:alice'));
    await pressBoth(CTRL_U, (f) => !f.includes('user:alice'));
    await pressBoth('name:CallB', (f) => f.includes('name:CallB'));
    await pressBoth(KEYS.enter, (f) => queryOf(f) === 'name:CallB');
    await arrives('CallF', 6);
    // The folder's header counts it among all events; the archive has it once arrives() is done.
    await both().folder.waitFor((f) => f.includes('1 of 6 events'));
    for (const [name, frame] of await pressBoth('[', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'))) {
      expect(cursorRow(frame), name).toContain('CallB');
      expect(headline(frame), name).toContain('paused ▲ 2 new (f)');
    }
    await pressBoth(']', (f) => queryOf(f) === 'name:CallB' && !f.includes('CallE'));
    for (const [name, frame] of await pressBoth('[', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'))) expect(headline(frame), name).toContain('paused ▲ 2 new (f)');
  }, 60_000);

  it('a place left following (on the newest, not reading an event) follows again, on what came meanwhile', async () => {
    // Back to the list before user:alice (left on its newest, CallD), then forward to name:CallB (left on its only event).
    for (const [name, frame] of await pressBoth('[', (f) => queryOf(f) === '' && f.includes('CallF'))) {
      expect(cursorRow(frame), name).toContain('CallF');
      expect(headline(frame), name).toContain('following');
    }
    await pressBoth(']', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'));
    for (const [name, frame] of await pressBoth(']', (f) => queryOf(f) === 'name:CallB' && !f.includes('CallE'))) expect(headline(frame), name).toContain('following');
    await pressBoth('[', (f) => queryOf(f) === 'user:alice' && f.includes('CallF'));
    // f ends the count, as ever.
    for (const [name, frame] of await pressBoth('f', (f) => cursorRow(f).includes('CallF'))) expect(headline(frame), name).toContain('following');
  }, 60_000);
});
