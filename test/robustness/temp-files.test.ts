/**
 * Issue 20, item 9: a `kill -9` mid-export leaves `.out.jsonl.trailtop-<pid>-<hex>.tmp`
 * beside the target. The reader never takes trailtop's own temp files for input
 * (listing, watch), and the next export to that folder removes stale ones whose
 * process is gone (a live process's, ours included, stay).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleTempFiles } from '../../src/export/atomic.js';
import { exportRows } from '../../src/export/index.js';
import { openFolder, type OpenFolder } from '../../src/ingest/open.js';
import { isOwnTempFile } from '../../src/ingest/ownTempFiles.js';
import { listFolder } from '../../src/ingest/walk.js';
import { makeEvent, recordsJson, waitFor } from '../watch/helpers.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailtop-i20-tmp-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A pid that is certainly not running: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('trailtop temp files', () => {
  it('are skipped by the listing and by the watch, with a reason', async () => {
    const dir = scratch();
    const events = Array.from({ length: 5 }, (_, k) => makeEvent(`t${k}`, k));
    writeFileSync(join(dir, 'a.json'), recordsJson(events));
    const stale = join(dir, `.out.jsonl.trailtop-${deadPid()}-0badc0de.tmp`);
    writeFileSync(stale, events.map((e) => JSON.stringify(e)).join('\n') + '\n{"eventID":"half');
    const listing = await listFolder(dir);
    expect(listing.files).toEqual([join(dir, 'a.json')]);
    expect(listing.skipped).toEqual([{ path: stale, reason: "trailtop's own temporary export file" }]);

    const opened: OpenFolder = openFolder(dir, { watch: true });
    cleanups.push(() => opened.close());
    await opened.ready;
    // One written while watching: never read, never a bad file.
    writeFileSync(join(dir, `.b.json.trailtop-${process.pid}-12345678.tmp`), recordsJson([makeEvent('from-temp', 9)]));
    writeFileSync(join(dir, 'c.json'), recordsJson([makeEvent('c1', 20)]));
    await waitFor(() => opened.store.size === 6, 'c.json loaded', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(opened.store.has('from-temp')).toBe(false);
    expect(opened.store.progress.eventsRead).toBe(6);
    expect(opened.store.progress.badFiles).toEqual([]);
    expect(isOwnTempFile('.x.trailtop-1-abcdef01.tmp')).toBe(true);
    expect(isOwnTempFile('x.trailtop-1-abcdef01.tmp')).toBe(false);
  });

  it('the next export to the folder removes stale ones of dead processes and keeps live ones', async () => {
    const dir = scratch();
    const stale = join(dir, `.out.jsonl.trailtop-${deadPid()}-0badc0de.tmp`);
    const live = join(dir, `.other.csv.trailtop-${process.ppid}-0123abcd.tmp`);
    writeFileSync(stale, 'partial');
    writeFileSync(live, 'in progress');
    await exportRows({ rows: [], format: 'csv', target: join(dir, 'out.csv') });
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['.other.csv.trailtop-' + process.ppid + '-0123abcd.tmp', 'out.csv'].sort());
    expect(await removeStaleTempFiles(join(dir, 'missing'))).toEqual([]);
  });
});
