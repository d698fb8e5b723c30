/** At 80 columns the footer shows the most useful keys first and `? more` (issue 19). */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { fitHints } from '../../src/ui/StatusBar.js';
import { footerHints } from '../../src/ui/footerHints.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(() => h?.cleanup());

describe('footer hints', () => {
  it('keep i, d and b at 80x24 and end with ? more', async () => {
    const store = new EventStore(0);
    store.add(makeRows(20));
    store.flush();
    h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 80, 24);
    const frame = await h.waitFor((f) => f.includes('Event19'));
    const footer = frame.split('\n').filter((l) => l.trim() !== '').at(-1)!;
    for (const hint of ['Enter details', '/ query', 'i Insights', 'd download', 'b bad files', '? more']) expect(footer).toContain(hint);
    expect(footer.length).toBeLessThanOrEqual(80);
  });

  it('in T, h, ! and i say / query at 120 columns: / edits the query over them', () => {
    for (const mode of ['top', 'histogram', 'findings', 'insights'] as const) {
      expect(footerHints(mode, false), mode).toContain('/ query');
      expect(fitHints(footerHints(mode, false), 120), mode).toContain('/ query');
    }
  });

  it('say ? more only when hints were dropped, in place of ? help', () => {
    expect(fitHints(['a x', 'b y', '? help'], 80)).toBe('a x · b y · ? help');
    expect(fitHints(['a x', 'b y', 'c z', '? help'], 14)).toBe('a x · ? more');
  });
});
