/**
 * Keys that arrive in one read (tmux send-keys T j j, a fast typist over SSH)
 * must each act on what the key before them opened. The top values and the
 * principal summary are computed while drawing, so the keys after `T` or `p`
 * used to act on the view before (no values yet) and were lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRow } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function mount(rows: EventRow[]): Harness {
  const store = new EventStore(0);
  store.add(rows);
  store.flush();
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
  open.push(h);
  return h;
}

function rows(): EventRow[] {
  const out: EventRow[] = [];
  for (let i = 0; i < 6; i++) out.push(makeRow({ name: 'GetObject', actor: 'alice', userNames: ['alice'], sourceIp: '203.0.113.7' }));
  for (let i = 0; i < 3; i++) out.push(makeRow({ name: 'PutObject', actor: 'bob', userNames: ['bob'], sourceIp: '198.51.100.9' }));
  out.push(makeRow({ name: 'DeleteTrail', actor: 'alice', userNames: ['alice'], sourceIp: '192.0.2.66', errorCode: 'AccessDenied' }));
  out.push(makeRow({ name: 'ListBuckets', actor: 'mallory', userNames: ['mallory'], sourceIp: '192.0.2.67' }));
  return out;
}

const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

describe('keys in one burst after a view opens', () => {
  it('T j j: both moves land in the top values', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('ListBuckets'));
    const frame = await h.press('Tjj', (f) => f.includes('Top values of User') && selected(f).includes('mallory'));
    expect(selected(frame)).toMatch(/1 +9\.1%.*mallory/);
  });

  it('T Tab j: the move lands in the next field', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('ListBuckets'));
    const frame = await h.press('T\tj', (f) => f.includes('Top values of Source IP') && selected(f).includes('198.51.100.9'));
    expect(selected(frame)).toContain('198.51.100.9');
  });

  it('p j j: both moves land in the summary, as when pressed one by one', async () => {
    const h = mount(rows());
    await h.waitFor((f) => f.includes('ListBuckets'));
    await h.press('j', (f) => (f.split('\n').find((l) => l.startsWith('›')) ?? '').includes('DeleteTrail'));
    await h.press('p', (f) => f.includes('Summary of user:alice'));
    await h.press('j');
    const expected = selected(await h.press('j'));
    await h.press('\u001b', (f) => !f.includes('Summary of'));
    const frame = await h.press('pjj', (f) => f.includes('Summary of user:alice') && selected(f) === expected);
    expect(selected(frame)).toBe(expected);
  });
});
