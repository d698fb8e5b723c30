/**
 * The followed folder deleted under the dashboard: the header says "folder gone" for good (its watch is
 * dead, nothing new can arrive) and the status line says what that means; the events read stay.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder, type OpenFolder } from '../../src/ingest/open.js';
import { readRecord } from '../../src/ingest/read.js';
import { App } from '../../src/ui/App.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { renderApp, type Harness } from './harness.js';

describe('the dashboard when its folder is deleted', () => {
  let opened: OpenFolder | null = null;
  let h: Harness | null = null;
  let remove = (): void => undefined;
  afterEach(async () => {
    h?.cleanup();
    await opened?.close();
    remove();
  });

  it('says the folder is gone and keeps the events', async () => {
    const scratch = tempFolder('trailtop-gone-');
    remove = scratch.remove;
    const dir = join(scratch.dir, 'logs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.json'), recordsJson([{ eventID: 'e1', eventTime: '2024-03-05T10:00:00Z', eventName: 'GetObject', eventSource: 's3.amazonaws.com' }]));
    opened = openFolder(dir, { watch: true, settleMs: 20 });
    h = renderApp(<App store={opened.store} folder={dir} watching env={{ NO_COLOR: '1' }} readRecord={(ref) => readRecord(ref)} onQuit={() => undefined} />, 120, 24);
    await h.waitFor((f) => f.includes('● watching') && f.includes('GetObject'));
    rmSync(dir, { recursive: true, force: true });
    // The header turns on the store's notice; the status line follows in the next frame (App's effect).
    const frame = await h.waitFor((f) => f.includes('folder gone') && f.includes('is gone (deleted, moved or replaced)'), 15_000);
    expect(frame).toContain('GetObject');
    expect(frame).not.toContain('● watching');
  });
});
