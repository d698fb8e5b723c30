/** `y` on a link that cannot be made says why, as the details do (not a bare 'Link not available'). */
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

describe('a link that is not available', () => {
  it('y on it says why in the status line', async () => {
    const store = new EventStore(0);
    store.add([makeRow({ name: 'DoThing', resources: [{ type: 'AWS::Made::Up', name: 'mystery', arn: '', accountId: '' }] })]);
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('DoThing'));
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    // The last selectable item is the resource's Config link; the one before it, its console link.
    await h.press(KEYS.left);
    const frame = await h.press(KEYS.left, (f) => f.includes('› ') || f.includes('›'));
    expect(frame).toContain('Link not available: no console page known for this resource type');
    const told = await h.press('y', (f) => f.includes('Console: Link not available'));
    expect(told).toContain('Console: Link not available: no console page known for this resource type');
  });
});
