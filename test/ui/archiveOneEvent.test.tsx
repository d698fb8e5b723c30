/** The --db dashboard's header counts one event as "1 event", as the folder dashboard's does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { KEYS, renderApp, type Harness } from './harness.js';

describe('an archive of one event', () => {
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(
      [{ eventID: 'ev-1', eventTime: '2024-03-05T10:00:00Z', eventName: 'OnlyCall', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } }],
      100,
    );
    const session = new ArchiveSession(archive.archive, {});
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 80, 24);
    await h.waitFor((f) => f.includes('OnlyCall'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });

  it('says 1 event, not 1 events', () => {
    const header = h.frame().split('\n')[0]!;
    expect(header).toContain('trailtop · 1 event · row 1');
  });

  it('says m found no event to mark on an empty list, rather than ignoring the key', async () => {
    await h.press('/', (f) => f.includes('Query'));
    h.stdin.write('name:NoSuchCall');
    await h.press(KEYS.enter, (f) => f.includes('No events match the query'));
    await h.press('m', (f) => f.includes('No event to mark'));
    // Back to the one event: m marks it.
    await h.press('/', (f) => f.includes('name:NoSuchCall'));
    for (let k = 0; k < 'name:NoSuchCall'.length; k++) h.stdin.write(KEYS.backspace);
    await h.press(KEYS.enter, (f) => f.includes('OnlyCall'));
    await h.press('m', (f) => f.includes('Marked'));
  });
});
