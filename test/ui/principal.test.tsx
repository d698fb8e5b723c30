import { afterEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { followSummaryLine } from '../../src/ui/investigate/principalKeys.js';
import { summaryHeading, type SummaryLine } from '../../src/ui/investigate/principalModel.js';
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

  it('at 80 columns the title of a long IAM Identity Center user still ends with the person', async () => {
    const user = 'AWSReservedSSO_AdministratorAccess_38ed609eee440095/AdanAlvarez';
    const store = new EventStore(0);
    store.add([makeRow({ name: 'GetObject', actor: user, userNames: [user], sourceIp: '203.0.113.7' })]);
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 80, 24);
    open.push(h);
    await h.waitFor((f) => f.includes('GetObject'));
    const frame = await h.press('p', (f) => f.includes('Summary of'));
    const title = frame.split('\n').find((l) => l.includes('Summary of')) ?? '';
    expect(title).toMatch(/38ed609eee440095\/AdanAlvarez *$/);
  });
});

describe('principal summary open while events arrive', () => {
  it('keeps the selection on its value when new lines come above it, so Enter lists that value', async () => {
    const store = new EventStore(0);
    store.add(rows());
    store.flush();
    const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} />, 100, 30);
    open.push(h);
    await h.waitFor((f) => f.includes('DeleteTrail'));
    await h.press('j', (f) => (f.split('\n').find((l) => l.startsWith('›')) ?? '').includes('ListBuckets'));
    await h.press('p', (f) => f.includes('Summary of user:alice'));
    for (let i = 0; i < 10 && !selected(h.frame()).includes('198.51.100.9'); i++) await h.press(KEYS.down);
    expect(selected(h.frame())).toContain('198.51.100.9');
    // A new API and a new region push the source IPs two lines down: the line selected was a section title.
    store.add([makeRow({ name: 'PutObject', actor: 'alice', userNames: ['alice'], sourceIp: '203.0.113.7', region: 'eu-west-1' })]);
    store.flush();
    // The frame the new lines first show in can still select the old line number; the one after follows the value.
    let frame = await h.waitFor((f) => f.includes('4 events, 1 with an error') && f.includes('PutObject') && selected(f).includes('198.51.100.9'), 5_000);
    frame = await h.press(KEYS.enter, (f) => f.includes('1 of 5 events'));
    expect(frame).toContain('user:alice ip:198.51.100.9');
  });
});

describe('followSummaryLine', () => {
  const title = (text: string): SummaryLine => ({ text, heading: true, pivot: null });
  const value = (field: string, text: string): SummaryLine => ({ text, heading: false, pivot: { field, value: text } });
  it('its title keeps who it is at 80 columns: the keys go first, then the middle of a long name, never the person', () => {
    // From top values on the traildiscover data set: 80 characters, one more than the line holds.
    const title = 'Summary of actor:AWSReservedSSO_AdministratorAccess_38ed609eee440095/AdanAlvarez';
    const heading = summaryHeading(title, 79);
    expect(heading).toMatch(/^Summary of actor:AWSReserv.*….*38ed609eee440095\/AdanAlvarez$/);
    expect(heading.length).toBe(79);
    expect(summaryHeading('Summary of user:alice', 79)).toBe('Summary of user:alice · Enter its events with the line · =/+/- pivot · Esc back');
    expect(summaryHeading('Summary of user:AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/AdanAlvarez', 79)).toBe(
      'Summary of user:AWSReservedSSO_AdministratorAccess_1b74cd717d47002b/AdanAlvarez',
    );
  });

  it('finds the value again, else the nearest selectable line; -1 (nothing chosen yet) stays', () => {
    const before = [title('APIs'), value('name', 'GetObject'), title('Source IPs'), value('ip', '192.0.2.1'), value('ip', '192.0.2.2')];
    const after = [title('APIs'), value('name', 'GetObject'), value('name', 'PutObject'), title('Source IPs'), value('ip', '192.0.2.1'), value('ip', '192.0.2.2')];
    expect(followSummaryLine(before, 4, after)).toBe(5);
    expect(followSummaryLine(before, -1, after)).toBe(-1);
    // 192.0.2.2 gone: the line nearest to where it was.
    expect(followSummaryLine(before, 4, after.slice(0, 5))).toBe(4);
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
