/** T on the --db dashboard lists as many values as the folder dashboard's T (the README's 20), not 200. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { TOP_SHOWN } from '../../src/investigate/topValues.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { renderApp, type Harness } from './harness.js';

const USERS = 37;

function records(): object[] {
  return Array.from({ length: 200 }, (_, k) => ({
    eventID: `ev-${String(k).padStart(4, '0')}`,
    eventTime: new Date(Date.UTC(2024, 2, 5, 10) + k * 60_000).toISOString(),
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    userIdentity: { type: 'IAMUser', userName: `user-${String(k % USERS).padStart(2, '0')}` },
  }));
}

describe('T on the --db dashboard', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(records(), 100);
    h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive)} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 100, 50);
    await h.waitFor((f) => f.includes('200 events'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it(`lists the ${TOP_SHOWN} most frequent of ${USERS} users and says so, as the folder's T does`, async () => {
    const frame = await h.press('T', (f) => f.includes('Top values of User') && f.includes('distinct'));
    expect(frame).toContain(`${USERS} distinct`);
    expect(frame).toContain(`top ${TOP_SHOWN} shown`);
    expect(frame.match(/user-\d\d/g)?.length).toBe(TOP_SHOWN);
  });
});
