/** PgDn in the help shows the next lines, none repeated and none skipped (issue 19). */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(() => h?.cleanup());

/** The help's body lines (after its title) and the range its title gives. */
function page(frame: string): { lines: string[]; from: number; to: number } {
  const all = frame.split('\n');
  const title = all.findIndex((l) => l.startsWith(' Help'));
  const m = / Help {2}(\d+)-(\d+) of \d+/.exec(all[title]!)!;
  const from = Number(m[1]);
  const to = Number(m[2]);
  return { lines: all.slice(title + 1, title + 1 + (to - from + 1)), from, to };
}

describe('help paging', () => {
  it('moves by a whole page at 80x24', async () => {
    const store = new EventStore(0);
    store.add(makeRows(5));
    store.flush();
    h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 80, 24);
    await h.waitFor((f) => f.includes('Event4'));
    const first = page(await h.press('?', (f) => f.includes(' Help')));
    const second = page(await h.press(KEYS.pageDown, (f) => f.includes(` Help  ${first.to + 1}-`)));
    expect(second.from).toBe(first.to + 1);
    expect(second.lines[0]).not.toBe(first.lines.at(-1));
  });
});
