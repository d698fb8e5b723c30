/**
 * `C` on the --db dashboard: the folder dashboard's column chooser, its keys
 * and its choice kept per archive file. The extra columns (access key,
 * account, identity type, user agent, error message) are read from the
 * archive's rows: the same event's row reads as on the folder dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { openFolderState } from '../../src/state/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { idle, PLAIN } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const RECORDS = [
  {
    eventID: 'ev-1',
    eventTime: '2024-03-05T10:00:00Z',
    eventName: 'ConsoleLogin',
    eventSource: 'signin.amazonaws.com',
    eventType: 'AwsConsoleSignIn',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    userAgent: 'Mozilla/5.0 (X11)',
    errorMessage: 'Failed authentication',
    responseElements: { ConsoleLogin: 'Failure' },
    recipientAccountId: '111122223333',
    userIdentity: { type: 'IAMUser', userName: 'alice', accountId: '999988887777', accessKeyId: 'AKIAEXAMPLEKEY000001' },
  },
  { eventID: 'ev-2', eventTime: '2024-03-05T09:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'Root', accountId: '111122223333' } },
];

const chooserLine = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
const titleRow = (f: string) => f.split('\n').find((l) => l.includes('Event time')) ?? '';
const cursorRow = (f: string) => f.split('\n').find((l) => /^[›»]/.test(l)) ?? '';

/** In the chooser: from the top, j down to `title`, then `x` to show or hide it. */
async function toggle(h: Harness, title: string): Promise<void> {
  await h.press('g', (f) => chooserLine(f).includes('Event time'));
  for (let i = 0; i < 20 && !chooserLine(h.frame()).includes(`] ${title}`); i++) await h.press('j');
  expect(chooserLine(h.frame()), title).toContain(`] ${title}`);
  const before = chooserLine(h.frame());
  await h.press('x', (f) => f.includes(`] ${title}`) && !f.includes(before));
}

describe('C on the --db dashboard', () => {
  let archive: TestArchive;
  let state: ReturnType<typeof tempFolder>;
  let folder: Harness;
  let db: Harness | undefined;
  const dbPath = '/tmp/trailtop-columns-test.duckdb';
  const env = () => ({ XDG_STATE_HOME: state.dir });
  const mountDb = async (): Promise<Harness> => {
    db?.cleanup();
    db = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath={dbPath} folderState={openFolderState(dbPath, { enabled: true, env: env() })} env={PLAIN} onQuit={() => undefined} />, 130, 30);
    await db.waitFor((f) => f.includes('ConsoleLogin') && idle(f), 20_000);
    return db;
  };
  beforeAll(async () => {
    state = tempFolder('trailtop-state-');
    archive = await archiveOf(RECORDS, 10);
    const store = new EventStore(0);
    await loadFolder(archive.folder, store);
    folder = renderApp(<App store={store} folder={archive.folder} watching={false} env={PLAIN} />, 130, 30);
    await folder.waitFor((f) => f.includes('ConsoleLogin'));
  }, 60_000);
  afterAll(async () => {
    folder?.cleanup();
    db?.cleanup();
    await archive?.close();
    state?.remove();
  });

  it('shows the extra columns read from the archive, as the folder dashboard shows them; the choice is kept for the archive file', async () => {
    const h = await mountDb();
    expect(titleRow(h.frame())).not.toContain('Access key');
    for (const dashboard of [folder, h]) {
      await dashboard.press('C', (f) => f.includes('List columns'));
      // Make room: hide the source, resource, error, region and IP columns, then show the five extra ones.
      for (const title of ['Resource type', 'Resource name', 'Event source', 'Error code', 'Region', 'Source IP', 'Access key', 'Account', 'Identity type', 'User agent', 'Error message']) await toggle(dashboard, title);
      await dashboard.press(KEYS.escape, (f) => !f.includes('List columns'));
    }
    const shown = h.frame();
    for (const value of ['AKIAEXAMPLEKEY000001', '111122223333', 'IAMUser', 'Mozilla/5.0', 'Failed authentica']) expect(cursorRow(shown), value).toContain(value);
    expect(titleRow(shown)).toBe(titleRow(folder.frame()));
    expect(cursorRow(shown)).toBe(cursorRow(folder.frame()));
    // K moves the selected column left, as on the folder dashboard.
    await h.press('C', (f) => f.includes('List columns'));
    const moved = await h.press('K', (f) => chooserLine(f) !== '' && f.split('\n').findIndex((l) => l.includes('] Error message')) < f.split('\n').findIndex((l) => l.includes('] User agent')));
    expect(chooserLine(moved)).toContain('Error message');
    await h.press(KEYS.escape, (f) => !f.includes('List columns'));
    expect(titleRow(h.frame()).indexOf('Error message')).toBeLessThan(titleRow(h.frame()).indexOf('User agent'));

    // The next run on the same archive file opens with the same columns.
    const chosen = titleRow(h.frame());
    const again = await mountDb();
    expect(titleRow(again.frame())).toBe(chosen);
    expect(openFolderState(dbPath, { enabled: true, env: env() }).columns()).toEqual(['time', 'name', 'user', 'accessKey', 'account', 'identityType', 'errorMessage', 'agent']);

    // r restores the default set, kept too.
    await again.press('C', (f) => f.includes('List columns'));
    await again.press('r', (f) => f.includes('Default columns'));
    await again.press(KEYS.escape, (f) => !f.includes('List columns'));
    expect(titleRow(again.frame())).not.toContain('Access key');
    expect(openFolderState(dbPath, { enabled: true, env: env() }).columns()).toBeNull();
  });

  it('C in the details comes back to them', async () => {
    const h = db!;
    await h.press(KEYS.enter, (f) => f.includes('Event details'));
    await h.press('C', (f) => f.includes('List columns'));
    const frame = await h.press('C', (f) => !f.includes('List columns'));
    expect(frame).toContain('Event details');
    await h.press(KEYS.escape, (f) => !f.includes('Event details'));
  });
});
