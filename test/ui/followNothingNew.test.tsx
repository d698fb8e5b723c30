/**
 * `f` where nothing new can arrive (--no-watch once loaded, the watched folder gone) goes to the newest
 * event and says that is all there will be, as on a read-only --db archive. It went there in silence,
 * as if following.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRows } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function loaded(gone = false): EventStore {
  const store = new EventStore(0);
  store.add(makeRows(30));
  store.flush();
  store.updateProgress((p) => {
    p.phase = 'done';
    if (gone) p.watchedFolderGone = '/logs';
  });
  return store;
}

const status = (frame: string): string => frame.split('\n').at(-1) ?? '';
const selected = (frame: string): string => frame.split('\n').find((line) => line.startsWith('›')) ?? '';

describe('f when nothing new can arrive', () => {
  it.each([
    ['--no-watch', false, false, 'not watching (--no-watch), nothing new will arrive'],
    ['the folder gone', true, true, 'the folder is gone, nothing new will arrive'],
  ])('%s: goes to the newest event and says so', async (_what, watching, gone, said) => {
    const h = renderApp(<App store={loaded(gone)} folder="/logs" watching={watching} env={{ NO_COLOR: '1' }} />, 120, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('30 events'));
    await h.press('jjj', (f) => selected(f).includes('Event26'));
    const frame = await h.press('f', (f) => selected(f).includes('Event29') && f.includes(said));
    expect(status(frame)).toContain(`Newest event: ${said}`);
  });

  it('while watching, f follows without a word', async () => {
    const h = renderApp(<App store={loaded()} folder="/logs" watching env={{ NO_COLOR: '1' }} />, 120, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('30 events'));
    await h.press('jjj', (f) => selected(f).includes('Event26'));
    const frame = await h.press('f', (f) => selected(f).includes('Event29') && f.includes('following'));
    expect(frame).not.toContain('nothing new will arrive');
  });
});
