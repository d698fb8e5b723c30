/**
 * `q` on the --db dashboard while a command runs (a query's page, a count: a plain word on 10M events
 * took 47 s) was held with the keys that wait for its answer, and acted only when the answer came or
 * HOLD_KEYS_MS (5 s) let it go. Ctrl-C quit at once. Now q acts at once too, after the keys held before
 * it (one may open the query bar, where q is a letter). The answer is held back by the test, so the
 * command is still running when q is read, whatever the machine's load.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import type { Order } from '../../src/archive/query.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { renderApp, type Harness } from './harness.js';

function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 20; k++) {
    out.push({
      eventID: `ev-${k}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10) + k * 3_600_000).toISOString().replace('.000Z', 'Z'),
      eventName: `Call${k}`,
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: k % 2 === 0 ? 'alice' : 'bob' },
    });
  }
  return out;
}

/** Pages of a query (a `where`) are answered once the test opens the gate. */
class GatedSession extends ArchiveSession {
  private open: () => void = () => undefined;
  private gate: Promise<void> = Promise.resolve();
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  override async list(where: string | null, order: Order, firstRows?: number, total?: number) {
    const page = await super.list(where, order, firstRows, total);
    if (where !== null) await this.gate;
    return page;
  }
}

describe('q on the --db dashboard while a query runs', () => {
  let archive: TestArchive;
  let open: { h: Harness; session: GatedSession }[] = [];
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
  }, 60_000);
  afterAll(async () => {
    await archive?.close();
  });
  afterEach(() => {
    for (const { h, session } of open) {
      session.release();
      h.cleanup();
    }
    open = [];
  });

  async function mount(onQuit: () => void): Promise<{ h: Harness; session: GatedSession }> {
    const session = new GatedSession(archive.archive, {});
    const h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={onQuit} holdKeysMs={60_000} />, 80, 24);
    open.push({ h, session });
    await h.waitFor((f) => f.includes('Call19') && !f.includes('querying'), 20_000);
    session.hold();
    return { h, session };
  }

  it('quits in the same read, the query still running', async () => {
    let quits = 0;
    const { h } = await mount(() => quits++);
    await h.press('/name:Call1*\r', (f) => f.includes('querying'));
    // The write hands Ink the key synchronously: nothing else runs before it is handled.
    h.stdin.write('q');
    expect(quits).toBe(1);
  });

  it('a key held before it goes first: `/` then q types q in the query bar, quitting nothing', async () => {
    let quits = 0;
    const { h } = await mount(() => quits++);
    await h.press('/name:Call1*\r', (f) => f.includes('querying'));
    h.stdin.write('/q');
    // The bar opens empty here (the folder dashboard's opens on the query).
    await h.waitFor((f) => f.includes('Query / q▏'));
    expect(quits).toBe(0);
  });
});
