/**
 * Esc back from a list that T's or p's Enter opened comes back into the view on the value chosen, not on
 * the line number it had: events that arrived meanwhile (a live folder, a followed import on --db) move
 * values in the ranking, and the line used to sit on another value, so Enter, =, + and - took that one.
 * On both dashboards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { idle, PLAIN, queryOf } from './archiveDashboard.js';
import { FakeFollower } from './fakeFollower.js';
import { makeRow } from './fixtures.js';
import { KEYS, renderApp, type Harness } from './harness.js';

interface Call {
  id: string;
  user: string;
  name: string;
  ip: string;
  region: string;
  minute: number;
  account: string;
  recipient: string;
}
const time = (minute: number): number => Date.UTC(2024, 2, 5, 1, minute);
const record = (c: Call): object => ({
  eventID: c.id,
  eventTime: new Date(time(c.minute)).toISOString().replace('.000Z', 'Z'),
  eventName: c.name,
  eventSource: 's3.amazonaws.com',
  awsRegion: c.region,
  sourceIPAddress: c.ip,
  recipientAccountId: c.recipient,
  userIdentity: { type: 'IAMUser', userName: c.user, accountId: c.account },
});
const ACCOUNTS: Record<string, string> = { alice: '111111111111', bob: '222222222222', carol: '333333333333' };
const call = (id: string, user: string, minute: number, name = 'GetObject', ip = '203.0.113.7', region = 'us-east-1', recipient = '999999999999'): Call => ({
  id,
  user,
  name,
  ip,
  region,
  minute,
  account: ACCOUNTS[user]!,
  recipient: user === 'carol' ? ACCOUNTS[user]! : recipient,
});

// alice 5 (the newest, ListBuckets, from a second IP), bob 2, one of them into another account: T's accounts are
// 999… 6, 111… 5, 222… (bob's) 2, 888… 1. Bob's own events count several accounts, so the list his value's Enter
// opens counts more than his (the view drawn once over it on the way back cannot land on him by chance).
const FIRST = [call('b1', 'bob', 1), call('b2', 'bob', 2, 'GetObject', '203.0.113.7', 'us-east-1', '888888888888'), call('a1', 'alice', 10), call('a2', 'alice', 11), call('a3', 'alice', 12), call('a4', 'alice', 13), call('a5', 'alice', 14, 'ListBuckets', '198.51.100.9')];

const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

for (const dashboard of ['folder', '--db'] as const) {
  describe(`Esc back into T or p after events arrived, ${dashboard} dashboard`, () => {
    let archive: TestArchive | undefined;
    let h: Harness;
    let arrive: (calls: Call[]) => Promise<void>;
    beforeAll(async () => {
      const made = await archiveOf(FIRST.map(record), 10);
      archive = made;
      if (dashboard === 'folder') {
        const store = new EventStore(0);
        await loadFolder(made.folder, store);
        h = renderApp(<App store={store} folder={made.folder} watching env={PLAIN} />, 100, 30);
        arrive = async (calls) => {
          store.add(calls.map((c) => makeRow({ id: c.id, name: c.name, time: time(c.minute), actor: c.user, userNames: [c.user], sourceIp: c.ip, region: c.region, source: 's3.amazonaws.com', account: c.account, recipientAccount: c.recipient, resources: [] })));
          store.flush();
        };
      } else {
        const follower = new FakeFollower();
        h = renderApp(<ArchiveApp session={new ArchiveSession(made.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />, 100, 30);
        arrive = (calls) => follower.arrive(made, calls.map(record));
      }
      await h.waitFor((f) => f.includes('7 events') && idle(f), 20_000);
    }, 60_000);
    afterAll(async () => {
      h?.cleanup();
      await archive?.close();
    });

    it("T: Enter on bob's account, carol's arrives above it, Esc: the top values on bob's account, and Enter lists it", async () => {
      await h.press('T', (f) => f.includes('Top values of User') && idle(f) && !f.includes('Counting'));
      for (const label of ['Source IP', 'Access key', 'Event name', 'Event source', 'Error code', 'Region', 'Account']) {
        await h.press(KEYS.tab, (f) => f.includes(`Top values of ${label}`) && idle(f) && !f.includes('Counting'));
      }
      await h.waitFor((f) => f.includes('Top values of Account') && selected(f).includes('999999999999'));
      await h.press('j', (f) => selected(f).includes('111111111111'));
      await h.press('j', (f) => selected(f).includes('222222222222'));
      await h.press(KEYS.enter, (f) => queryOf(f) === 'account:222222222222' && idle(f));
      // carol's account, with more events than bob's, ranks above it: on the line it was on.
      await arrive([call('c1', 'carol', 3), call('c2', 'carol', 4), call('c3', 'carol', 5)]);
      await h.waitFor(idle, 10_000);
      let frame = await h.press(KEYS.escape, (f) => f.includes('Top values of Account') && f.includes('5 distinct · 10 events') && idle(f) && !f.includes('Counting'));
      frame = await h.waitFor((f) => selected(f).includes('222222222222'), 3_000).catch(() => frame);
      expect(frame).toMatch(/ 3 +30% .*333333333333/);
      expect(selected(frame)).toContain('222222222222');
      frame = await h.press(KEYS.enter, (f) => queryOf(f) !== '' && idle(f));
      expect(queryOf(frame)).toBe('account:222222222222');
      await h.press(KEYS.escape, (f) => f.includes('Top values of Account') && idle(f));
      await h.press(KEYS.escape, (f) => !f.includes('Top values of') && idle(f));
    });

    it('p: Enter on a source IP, a new API and region arrive above it, Esc: the summary on that IP', async () => {
      await h.press('g', (f) => (f.split('\n').find((l) => l.startsWith('›')) ?? '').includes('ListBuckets'));
      await h.press('p', (f) => f.includes('Summary of user:alice') && f.includes('198.51.100.9') && idle(f) && !f.includes('counting'));
      for (let i = 0; i < 12 && !selected(h.frame()).includes('198.51.100.9'); i++) {
        const before = selected(h.frame());
        await h.press(KEYS.down, (f) => selected(f) !== before);
      }
      expect(selected(h.frame())).toContain('198.51.100.9');
      await h.press(KEYS.enter, (f) => queryOf(f).includes('ip:198.51.100.9') && idle(f));
      // A new API and a new region push the source IPs two lines down.
      await arrive([call('a6', 'alice', 6, 'PutObject', '203.0.113.7', 'eu-west-1')]);
      await h.waitFor(idle, 10_000);
      let frame = await h.press(KEYS.escape, (f) => f.includes('Summary of user:alice') && f.includes('PutObject') && idle(f) && !f.includes('counting'));
      frame = await h.waitFor((f) => selected(f).includes('198.51.100.9'), 3_000).catch(() => frame);
      expect(selected(frame)).toContain('198.51.100.9');
      frame = await h.press(KEYS.enter, (f) => queryOf(f) !== '' && idle(f));
      expect(queryOf(frame)).toContain('ip:198.51.100.9');
    });
  });
}
