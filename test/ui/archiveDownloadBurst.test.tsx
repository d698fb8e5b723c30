/**
 * The --db download dialog counts the marked events on the archive each time
 * it opens. Keys in the same burst as `d` (tmux send-keys, a paste, a fast
 * typist on a big archive) wait for that count: `d` Ctrl-O NAME Enter was
 * refused with 'Still counting the marked events; Enter again in a moment.'
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const CTRL_U = '\u0015';
const CTRL_O = '\u000f';

const call = (k: number): object => ({
  eventID: `ev-${k}`,
  eventTime: new Date(Date.UTC(2024, 2, 5, 10, k)).toISOString().replace('.000Z', 'Z'),
  eventName: `Call${k}`,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

describe('d, Ctrl-O, a name and Enter in one burst on the --db dashboard', () => {
  const out = tempFolder('trailtop-dbdownload-burst-');
  let archive: TestArchive;
  let h: Harness;
  beforeAll(async () => {
    archive = await archiveOf(Array.from({ length: 10 }, (_, k) => call(k)), 10);
    const session = new ArchiveSession(archive.archive, {});
    // The count takes a while, as on a big archive.
    const count = session.count.bind(session);
    session.count = async (where) => {
      await new Promise((done) => setTimeout(done, 300));
      return count(where);
    };
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 100, 30);
    await h.waitFor((f) => f.includes('10 events') && f.includes('Call9'), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
    out.remove();
  });

  it('writes the marked event: the keys wait for the count', async () => {
    await h.press('jm', (f) => f.includes('Marked'));
    const path = join(out.dir, 'marked.jsonl');
    const frame = await h.press('d' + CTRL_O + CTRL_U + path + KEYS.enter, (f) => f.includes('Saved 1 event') || f.includes('Still counting'), 20_000);
    expect(frame).toContain('Saved 1 event');
    expect(readFileSync(path, 'utf8')).toContain('"eventID":"ev-8"');
  });
});
