import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

function rows(): EventRow[] {
  return [
    makeRow({ name: 'GetObject', actor: 'alice', userNames: ['alice'], sourceIp: '203.0.113.7' }),
    makeRow({ name: 'GetObject', actor: 'alice', userNames: ['alice'], sourceIp: '203.0.113.7', errorCode: 'AccessDenied' }),
    makeRow({ name: 'ListBuckets', actor: 'alice', userNames: ['alice'], sourceIp: '198.51.100.9' }),
    makeRow({ name: 'DeleteTrail', actor: 'mallory', userNames: ['mallory'], sourceIp: '192.0.2.66' }),
  ];
}

const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

describe('principal summary view', () => {
  it('p on a row summarises its user; a line pivots to the principal\'s events with it; Esc returns', async () => {
    const store = new EventStore(0);
    store.add(rows());
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press('j', (f) => (f.split('\n').find((l) => l.startsWith('›')) ?? '').includes('ListBuckets'));
    let frame = await h.press('p', (f) => f.includes('Summary of user:alice'));
    expect(frame).toContain('3 events, 1 with an error');
    expect(frame).toMatch(/ec2 GetObject +1 +1 +AccessDenied/);
    expect(selected(frame)).toContain('GetObject');
    // Down to the second source IP.
    for (let i = 0; i < 10 && !selected(h.frame()).includes('198.51.100.9'); i++) await h.press(KEYS.down);
    frame = await h.press(KEYS.enter, (f) => f.includes('1 of 4 events'));
    expect(frame).toContain('user:alice ip:198.51.100.9');
    await h.press('p', (f) => f.includes('Summary of user:alice'));
    await h.press(KEYS.escape, (f) => !f.includes('Summary of'));
  });
});

describe('principal summary counts', () => {
  it('says 1 event (not 1 events) for a principal seen once', async () => {
    const store = new EventStore(0);
    store.add(rows());
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('DeleteTrail'));
    const frame = await h.press('p', (f) => f.includes('Summary of user:mallory'));
    expect(frame).toContain('1 event, 0 with an error');
    expect(frame).not.toContain('1 events');
  });
});
