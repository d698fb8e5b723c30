/**
 * `d` on `trailtop --db FILE` without DIR: no folder is followed, yet a file inside the folder the
 * archive was imported from is refused (archive/sources.ts), as `export --db FILE -o` refuses it,
 * and nothing is written there; a file elsewhere is saved. Run from inside that folder, relative
 * names start at home, as the folder dashboard's do when run inside the folder it reads.
 */
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const CTRL_U = '\u0015';

describe('d on the --db dashboard, no folder followed', () => {
  const scratch = tempFolder('trailtop-dbdownload-sources-');
  const logs = join(scratch.dir, 'logs');
  const out = join(scratch.dir, 'out');
  const db = join(scratch.dir, 'trail.duckdb');
  let session: ArchiveSession;
  let h: Harness;

  beforeAll(async () => {
    mkdirSync(join(logs, 'sub'), { recursive: true });
    mkdirSync(out);
    const events = Array.from({ length: 20 }, (_, k) => ({
      eventID: `ev-${k}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 10) + k * 60_000).toISOString(),
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
    }));
    writeFileSync(join(logs, 'sub', 'part.json'), recordsJson(events));
    symlinkSync(logs, join(scratch.dir, 'link'));
    const archive = await openArchive(db);
    try {
      await importFolder(archive, logs);
    } finally {
      await archive.close();
    }
    session = await ArchiveSession.open(db);
    h = renderApp(<ArchiveApp session={session} dbPath={db} env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 160, 30);
    await h.waitFor((f) => f.includes('20 events'), 30_000);
  }, 60_000);

  afterAll(async () => {
    h?.cleanup();
    await session?.close();
    scratch.remove();
  });

  // First: a download saved before would make the next one start in its folder, whatever the current one.
  it('run from inside that folder, starts relative names at home, so Enter on the default name writes there', async () => {
    const home = join(scratch.dir, 'home');
    mkdirSync(home);
    const [cwd, userHome] = [process.cwd(), process.env.HOME];
    process.chdir(join(logs, 'sub'));
    process.env.HOME = home;
    try {
      await h.press('d', (f) => f.includes('Download events') && f.replace(/[\s│]+/g, '').includes(home.replace(/\s+/g, '')));
      await h.press(KEYS.enter, (f) => f.includes('Saved 20 events'));
      await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    } finally {
      process.chdir(cwd);
      if (userHome === undefined) delete process.env.HOME;
      else process.env.HOME = userHome;
    }
    expect(readdirSync(home)).toEqual([expect.stringMatching(/^trailtop-.*\.csv$/)]);
    expect(readdirSync(join(logs, 'sub'))).toEqual(['part.json']);
  });

  it('refuses a file in the folder the archive was imported from, also through a link, and saves one elsewhere', async () => {
    await h.press('d', (f) => f.includes('Download events'));
    for (const target of [join(logs, 'x.csv'), join(logs, 'sub', 'x.csv'), join(scratch.dir, 'link', 'x.csv')]) {
      const frame = await h.press(CTRL_U + target + KEYS.enter, (f) => f.includes('Not written') && f.replace(/[\s│]+/g, ' ').includes(target));
      expect(frame.replace(/[\s│]+/g, ' ')).toContain(`is inside the log folder the archive was imported from (${logs})`);
    }
    await h.press(CTRL_U + join(out, 'x.csv') + KEYS.enter, (f) => f.includes('Saved 20 events'));
    await h.press(KEYS.escape, (f) => !f.includes('Download events'));
    expect(readdirSync(out)).toEqual(['x.csv']);
    expect(readdirSync(logs).sort()).toEqual(['sub']);
    expect(readdirSync(join(logs, 'sub'))).toEqual(['part.json']);
  });
});
