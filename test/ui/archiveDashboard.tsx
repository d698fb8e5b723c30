/** A --db dashboard at 80x24 without colour over an archive of given records, for a describe block's tests. */
import { afterAll, beforeAll } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { renderApp, type Harness } from './harness.js';

export const ONE_EVENT = [
  { eventID: 'ev-1', eventTime: '2024-03-05T10:00:00Z', eventName: 'OnlyCall', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } },
];

/** Imports `records`, mounts the dashboard before the block's tests (once `shown` is on screen) and closes both after them. */
export function archiveDashboardForThisBlock(records: readonly object[], shown: string): () => Harness {
  let archive: TestArchive | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    archive = await archiveOf(records, 100);
    const session = new ArchiveSession(archive.archive, {});
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 80, 24);
    await h.waitFor((f) => f.includes(shown), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });
  return () => h!;
}
