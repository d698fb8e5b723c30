/**
 * A followed import's refresh of the --db list must not draw the query left behind. The refresh read the
 * query (whereRef) when it started; a query applied just before (its ticket taken, its SQL not yet set) and
 * finished before the refresh's answer let that answer through: the list of the old query under the new
 * query's text (the flake CI saw in newCountBack: '1 matching' under user:alice). The order is forced here:
 * the new query's filter is held until the refresh has started, and the refresh's list until the query is drawn.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import type { Order } from '../../src/archive/query.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { FakeFollower } from './fakeFollower.js';
import { KEYS, renderApp, type Harness } from './harness.js';

function gate(): { wait: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Holds the filter of one query text, and the lists of one where clause, while their gates are shut. */
class GatedSession extends ArchiveSession {
  filterGate: { text: string; wait: Promise<void> } | null = null;
  listGate: { where: string | null; wait: Promise<void> } | null = null;
  listsAsked: (string | null)[] = [];
  override async filter(text: string, now?: number) {
    if (this.filterGate?.text === text) await this.filterGate.wait;
    return super.filter(text, now);
  }
  override async list(where: string | null, order: Order, firstRows?: number, total?: number) {
    this.listsAsked.push(where);
    const held = this.listGate !== null && this.listGate.where === where ? this.listGate.wait : null;
    const answer = await super.list(where, order, firstRows, total);
    if (held) await held;
    return answer;
  }
}

function records(): object[] {
  return ['alice', 'bob', 'alice', 'bob', 'alice'].map((userName, k) => ({
    eventID: `ev-${k}`,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10) + k * 3_600_000).toISOString(),
    eventName: `Call${k}`,
    eventSource: 's3.amazonaws.com',
    userIdentity: { type: 'IAMUser', userName },
  }));
}

describe('a followed import refreshing the --db list while a query is applied', () => {
  let archive: TestArchive;
  let h: Harness;
  let session: GatedSession;
  const follower = new FakeFollower();
  beforeAll(async () => {
    archive = await archiveOf(records(), 10);
    session = new GatedSession(archive.archive);
    h = renderApp(
      <ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} initialQuery="name:Call1" onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />,
      100,
      20,
    );
    await h.waitFor((f) => f.includes('1 matching') && f.includes('Call1'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('draws the new query’s list, not the old one the refresh started on', async () => {
    // The where clause of the query applied at the start (name:Call1).
    const oldWhere = session.listsAsked.at(-1) ?? null;
    const filterGate = gate();
    const listGate = gate();
    session.filterGate = { text: 'user:alice', wait: filterGate.wait };
    session.listGate = { where: oldWhere, wait: listGate.wait };
    await h.press('/\u0015user:alice', (f) => f.includes('user:alice'));
    h.stdin.write(KEYS.enter);
    // The query's ticket is taken, its filter held: the import commits, and the refresh starts on the old query.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const asked = session.listsAsked.length;
    follower.committed();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(session.listsAsked.slice(asked)).toEqual([oldWhere]);
    filterGate.open();
    await h.waitFor((f) => f.includes('3 matching') && f.includes('Call4'));
    // Now the refresh's answer for the old query comes back.
    listGate.open();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const frame = h.frame();
    expect(frame).toContain('Query / user:alice');
    expect(frame).toContain('3 matching');
    expect(frame).toContain('Call4');
    expect(frame).not.toMatch(/1 matching/);
  });
});
