/**
 * `?` in the top values, the principal summary and the column chooser opens
 * the help at that view's own keys, as it does in the Insights, histogram,
 * findings and download views (it opened at "Moving around" for these three).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRows } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(() => h?.cleanup());

/** The first line under the help's title. */
function firstHelpLine(frame: string): string {
  const all = frame.split('\n');
  return all[all.findIndex((l) => l.startsWith(' Help')) + 1] ?? '';
}

describe('? in a view', () => {
  it('opens the help at the top values, summary and column chooser sections; Esc goes back to the view', async () => {
    const store = new EventStore(0);
    store.add(makeRows(5));
    store.flush();
    h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 80, 24);
    await h.waitFor((f) => f.includes('Event4'));
    for (const [key, section, view] of [
      ['T', '─ Top values (T)', 'Top values of'],
      ['p', '─ Principal summary (p)', 'Summary of'],
      ['C', '─ Column chooser (C)', 'List columns'],
    ] as const) {
      await h.press(key, (f) => f.includes(view));
      const help = await h.press('?', (f) => f.includes(' Help'));
      expect(firstHelpLine(help)).toBe(section);
      await h.press(KEYS.escape, (f) => f.includes(view) && !f.includes(' Help'));
      await h.press(KEYS.escape, (f) => !f.includes(view));
    }
  });
});
