import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { EventStore } from '../../src/store/eventStore.js';
import { FilteredView } from '../../src/query/view.js';
import { compileQuery, type CompiledQuery, Vocabulary } from '../../src/query/index.js';
import { filterStore } from '../../src/query/filter.js';
import { timeColumn } from '../../src/investigate/derivedColumns.js';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder } from '../../src/ingest/open.js';
import { readEventFile } from '../../src/ingest/read.js';
import { scanFolderHeadless } from '../../src/scan/run.js';
import { detectFolderHeadless } from '../../src/detect/headless.js';
import { conflictFinding } from '../../src/detect/conflictFinding.js';
import { headlessFilteredRows } from '../../src/export/headlessFilter.js';
import { isLossy } from '../../src/model/recordBatch.js';
import { eventsWhere } from '../../src/archive/query.js';
import { archiveOfFolder } from '../archive/helpers.js';
import { ChildReaper, spawnCollected } from '../support/processes.js';
import { deliveryName, makeEvent, tempFolder, waitFor, writeRecords } from '../watch/helpers.js';

// The CLI parts spawn the built CLI (`npm test` compiles dist/ first), which reads on worker threads.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = join(root, 'bin/trailtop.js');
const reaper = new ChildReaper();
const cleanups: (() => void)[] = [];
afterEach(() => {
  reaper.killAll();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const ID = 'd0d0d0d0-1111-4222-8333-444455556666';

/**
 * Issue 20 item 6: one eventID in two files with different content. The original (DeleteTrail by
 * mallory) is in the older delivery; a forged copy (ListBuckets by alice) in a newer one. The
 * copy first in file order (the oldest delivery, ingest/order.ts) must be kept everywhere, and the
 * conflict still reported. The newer file is made big, so its read finishes last.
 */
function conflictingFolder(): { dir: string; newer: string; older: string } {
  const temp = tempFolder('trailtop-dup-');
  cleanups.push(temp.remove);
  const folder = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05');
  const newer = join(folder, deliveryName('111122223333', 'us-east-1', '20240305T1300Z'));
  const older = join(folder, deliveryName('111122223333', 'us-east-1', '20240305T1200Z'));
  const filler = Array.from({ length: 3000 }, (_, k) => makeEvent(`fill-${k}`, k % 50));
  const original = { ...makeEvent(ID, 9, 'DeleteTrail'), eventSource: 'cloudtrail.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'mallory', accountId: '111122223333' } };
  writeRecords(newer, [...filler, makeEvent(ID, 7, 'ListBuckets')]);
  writeRecords(older, [original, makeEvent('other-1', 1)]);
  return { dir: temp.dir, newer, older };
}

function compiled(source: string, vocabulary: Vocabulary): CompiledQuery {
  const result = compileQuery(source, { vocabulary });
  if (!result.ok) throw new Error(result.error.message);
  return result.query;
}

const nameOf = (line: string): string => (JSON.parse(line) as { eventName: string }).eventName;

describe('a duplicated eventID with two contents keeps the copy first in file order (the oldest delivery)', () => {
  for (const slow of ['newer', 'older'] as const) {
    it(`in the dashboard store, which reads the newest files first (${slow} file read last); the conflict is listed`, async () => {
      const { dir, newer, older } = conflictingFolder();
      const reader = async (path: string) => {
        if (path === (slow === 'newer' ? newer : older)) await new Promise((r) => setTimeout(r, 300));
        return readEventFile(path);
      };
      const store = new EventStore(0);
      // A filter applied before the load, and the derived columns, must follow the replacement.
      const view = new FilteredView(store);
      const vocabulary = view.vocabulary;
      await view.setQuery(compiled('user:mallory', vocabulary));
      const folder = openFolder(dir, { watch: false, store, pool: { reader } });
      await folder.ready;
      await folder.close();
      const kept = store.get(ID)!;
      expect(kept.name).toBe('DeleteTrail');
      expect(kept.actor).toBe('mallory');
      expect(kept.batch.file).toBe(older);
      expect(store.progress.duplicates).toBe(1);
      expect(store.progress.conflictCount).toBe(1);
      expect(store.progress.conflicts[0]).toMatchObject({ eventID: ID, keptFile: older, file: newer, field: 'name' });
      // Columns, newest-first order and an incremental filter see the kept copy, once.
      expect(store.rows().filter((row) => row.id === ID)).toEqual([kept]);
      expect(store.order().length).toBe(store.size);
      const byName = (q: string) => filterStore(store, compiled(q, new Vocabulary())).map((row) => row.id);
      expect(byName('name:DeleteTrail')).toEqual([ID]);
      expect(byName('name:ListBuckets')).toEqual([]);
      expect(byName('user:alice')).not.toContain(ID);
      await waitFor(() => view.rows().some((row) => row.id === ID), 'the filtered view to show the kept copy');
      expect(view.rows().map((row) => row.id)).toEqual([ID]);
      expect(timeColumn(store).data[kept.seq]).toBe(kept.time);
      view.dispose();
    });
  }

  it('in the headless scan', async () => {
    const { dir } = conflictingFolder();
    const tally = await scanFolderHeadless(dir);
    const summary = tally.summary({ folder: dir, filter: null });
    const names = summary.topEventNames.map((c) => c.name);
    expect(names).toContain('DeleteTrail');
    expect(names).not.toContain('ListBuckets');
  });

  it('in scan, tail, export and archive of the CLI (workers) alike, with the conflict reported', { timeout: 120_000 }, async () => {
    const { dir, newer, older } = conflictingFolder();
    const scan = reaper.track(spawnCollected('node', [bin, 'scan', dir, '--json', '--filter', `id:${ID}`], { cwd: root }));
    expect(await scan.exit).toBe(0);
    const summary = JSON.parse(scan.stdout()) as { topEventNames: { name: string }[]; events: { unique: number; conflicts: number }; conflictingDuplicates: object[] };
    expect(summary.topEventNames.map((c) => c.name)).toEqual(['DeleteTrail']);
    expect(summary.events.unique).toBe(1);
    expect(summary.events.conflicts).toBe(1);
    // The headless scan knows neither the kept copy's file nor the field that differs: left out, not "" (it wrote keptFile: "", field: "").
    expect(summary.conflictingDuplicates).toEqual([{ eventID: ID, file: newer }]);

    const full = reaper.track(spawnCollected('node', [bin, 'scan', dir, '--json'], { cwd: root }));
    expect(await full.exit).toBe(0);
    expect((JSON.parse(full.stdout()) as { conflictingDuplicates: object[] }).conflictingDuplicates).toEqual([{ eventID: ID, file: newer }]);
    const fullNames = (JSON.parse(full.stdout()) as { topEventNames: { name: string }[] }).topEventNames.map((c) => c.name);
    expect(fullNames).toContain('DeleteTrail');
    expect(fullNames).not.toContain('ListBuckets');

    // Without a filter (the store) and with one (the headless fast path).
    for (const filter of [[], ['--filter', `id:${ID}`]]) {
      const exported = reaper.track(spawnCollected('node', [bin, 'export', dir, ...filter, '--format', 'jsonl', '-o', '-'], { cwd: root }));
      expect(await exported.exit).toBe(0);
      const names = exported.lines().filter((l) => l.includes(ID)).map(nameOf);
      expect(names).toEqual(['DeleteTrail']);
    }

    const tail = reaper.track(spawnCollected('node', [bin, 'tail', dir, '--filter', `id:${ID}`], { cwd: root }));
    await waitFor(() => tail.lines().length >= 1, 'tail to print the event', 30_000);
    // Give a wrongly kept second copy time to show up too.
    await new Promise((r) => setTimeout(r, 300));
    expect(tail.lines().map(nameOf)).toEqual(['DeleteTrail']);
    expect(tail.stderr()).toMatch(/conflicting duplicate/);
    // tail --filter reads the folder without the store, which keeps no file per event: the message still names the kept copy.
    expect(tail.stderr()).toMatch(/differs from (the copy kept|\/)/);

    const db = join(dir, '..', `dup-${process.pid}.duckdb`);
    // DuckDB leaves a write-ahead log beside the file.
    cleanups.push(() => { rmSync(db, { force: true }); rmSync(`${db}.wal`, { force: true }); });
    const archive = reaper.track(spawnCollected('node', [bin, 'archive', dir, '--db', db], { cwd: root }));
    expect(await archive.exit).toBe(0);
    expect(archive.stderr()).toMatch(/1 conflicting duplicate \(same eventID/);
    const sql = reaper.track(spawnCollected('node', [bin, 'export', '--db', db, '--filter', `id:${ID}`, '--format', 'jsonl', '-o', '-'], { cwd: root }));
    expect(await sql.exit).toBe(0);
    expect(sql.lines().map(nameOf)).toEqual(['DeleteTrail']);
    const fromDb = reaper.track(spawnCollected('node', [bin, 'scan', '--db', db, '--json'], { cwd: root }));
    expect(await fromDb.exit).toBe(0);
    const dbSummary = JSON.parse(fromDb.stdout()) as { events: { conflicts: number }; conflictingDuplicates: object[] };
    expect(dbSummary.events.conflicts).toBe(1);
    // The archive records the kept copy's file, not the field that differs.
    expect(dbSummary.conflictingDuplicates).toEqual([{ eventID: ID, keptFile: older, file: newer }]);
  });
});

/**
 * A CloudTrail CSV export (the console's "Download CSV") beside the trail it came from: each row is
 * a lossy copy of a full record (only the CSV's columns are known). It differs from the record in
 * the fields the CSV lacks, so it must never count as a conflicting duplicate ("log tampering?"),
 * and the full record is the copy kept wherever the CSV sorts in file order. The CSV's user name is
 * not the record's, so which copy was counted shows.
 */
const LOSSY_IDS = ['10000000-1111-4222-8333-444455556666', '20000000-1111-4222-8333-444455556666'];

function lossyFolder(csvFirst: boolean): { dir: string; trail: string; csv: string } {
  const temp = tempFolder('trailtop-lossy-');
  cleanups.push(temp.remove);
  const trail = join(temp.dir, 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05', deliveryName('111122223333', 'us-east-1', '20240305T1200Z'));
  const full = LOSSY_IDS.map((id, k) => ({
    ...makeEvent(id, k, 'DeleteTrail'),
    eventSource: 'cloudtrail.amazonaws.com',
    userIdentity: { type: 'IAMUser', userName: 'mallory', accountId: '111122223333' },
    requestParameters: { name: `trail-${k}` },
    requestID: `req-${k}`,
  }));
  writeRecords(trail, [...full, makeEvent('other-1', 5)]);
  const csv = join(temp.dir, 'exports/event_history.csv');
  const header = 'Event name,Event time,User name,Event source,Resource type,Resource name,AWS access key,AWS region,Error code,Event ID,Read-only,Source IP address';
  const rows = LOSSY_IDS.map((id, k) => `DeleteTrail,${full[k]!.eventTime},csv-user,cloudtrail.amazonaws.com,,,,us-east-1,,${id},false,203.0.113.7`);
  // A CSV-only event too: it is no one's copy and is kept as it is.
  rows.push('ListBuckets,2024-03-05T12:09:00Z,csv-user,s3.amazonaws.com,,,,us-east-1,,30000000-1111-4222-8333-444455556666,true,203.0.113.7');
  mkdirSync(dirname(csv), { recursive: true });
  writeFileSync(csv, [header, ...rows].join('\r\n'));
  // No delivery stamp in its name: the CSV sorts by its mtime, before the trail's 2024 file or after it.
  const when = csvFirst ? new Date('2020-01-01T00:00:00Z') : new Date();
  utimesSync(csv, when, when);
  return { dir: temp.dir, trail, csv };
}

describe('a copy rebuilt from a CSV export never conflicts and gives way to the full record', () => {
  for (const csvFirst of [true, false]) {
    const order = csvFirst ? 'the CSV first in file order' : 'the CSV last in file order';
    for (const slow of ['trail', 'csv'] as const) {
      it(`in the dashboard store (${order}, the ${slow} file read last)`, async () => {
        const { dir, trail, csv } = lossyFolder(csvFirst);
        const reader = async (path: string) => {
          if (path === (slow === 'trail' ? trail : csv)) await new Promise((r) => setTimeout(r, 300));
          return readEventFile(path);
        };
        const store = new EventStore(0);
        const folder = openFolder(dir, { watch: false, store, pool: { reader } });
        await folder.ready;
        await folder.close();
        for (const id of LOSSY_IDS) {
          const kept = store.get(id)!;
          expect(kept.actor).toBe('mallory');
          expect(kept.batch.file).toBe(trail);
          expect(isLossy(kept)).toBe(false);
        }
        expect(isLossy(store.get('30000000-1111-4222-8333-444455556666')!)).toBe(true);
        expect(store.size).toBe(4);
        expect(store.progress.duplicates).toBe(2);
        expect(store.progress.conflictCount).toBe(0);
        expect(conflictFinding(store)).toBeNull();
        const byQuery = (q: string) => filterStore(store, compiled(q, new Vocabulary())).map((row) => row.id).sort();
        expect(byQuery('user:mallory')).toEqual(LOSSY_IDS);
        expect(byQuery('user:csv-user')).toEqual(['30000000-1111-4222-8333-444455556666']);
      });
    }

    it(`in the headless scan and detect (${order})`, async () => {
      const { dir } = lossyFolder(csvFirst);
      const tally = await scanFolderHeadless(dir, { workers: 0 });
      const summary = tally.summary({ folder: dir, filter: null });
      expect(summary.events.unique).toBe(4);
      expect(summary.events.conflicts).toBe(0);
      expect(summary.topActors).toEqual([
        { name: 'mallory', count: 2 },
        { name: 'alice', count: 1 },
        { name: 'csv-user', count: 1 },
      ]);
      // A rule only the full records fire (the CSV has no requestParameters): it counts both, whichever copy came first.
      const rule = compileQuery('requestParameters.name:trail-*', { vocabulary: new Vocabulary(), deepTerms: true });
      if (!rule.ok) throw new Error(rule.error.message);
      const rules = [{ ast: rule.query.ast }];
      const detected = await detectFolderHeadless(dir, rules, { workers: 0 });
      expect(Array.from(detected.counts)).toEqual([2]);
      expect(detected.unique).toBe(4);
      expect(detected.progress.duplicates).toBe(2);
      expect(detected.progress.conflictCount).toBe(0);
    });

    it(`in the archive (${order}): the full record kept, the CSV-only event marked lossy when read back`, async () => {
      const { dir, trail, csv } = lossyFolder(csvFirst);
      const scratch = tempFolder('trailtop-lossy-db-');
      cleanups.push(scratch.remove);
      const made = await archiveOfFolder(dir, join(scratch.dir, 'archive.duckdb'));
      try {
        expect(made.summary.eventsTotal).toBe(4);
        const rows = (await made.archive.connection.runAndReadAll('SELECT eventid, tt_actor, tt_lossy, tt_file FROM events ORDER BY eventid')).getRows();
        expect(rows).toEqual([
          [LOSSY_IDS[0], 'mallory', false, trail],
          [LOSSY_IDS[1], 'mallory', false, trail],
          ['30000000-1111-4222-8333-444455556666', 'csv-user', true, csv],
          ['other-1', 'alice', false, trail],
        ]);
        expect((await made.archive.connection.runAndReadAll('SELECT count(*) FROM conflicts')).getRows()[0]![0]).toBe(0n);
        const read = await eventsWhere(made.archive, 'true', 'newest');
        expect(read.map(({ row }) => [row.id, isLossy(row)]).sort()).toEqual([
          [LOSSY_IDS[0], false],
          [LOSSY_IDS[1], false],
          ['30000000-1111-4222-8333-444455556666', true],
          ['other-1', false],
        ]);
      } finally {
        await made.close();
      }
    });

    it(`in export with and without a filter (${order}): the full record is written`, async () => {
      const { dir } = lossyFolder(csvFirst);
      const exported = await headlessFilteredRows(dir, 'name:DeleteTrail', Date.now());
      expect(exported!.conflicts).toEqual([]);
      expect(exported!.rows.map((row) => [row.id, row.actor, isLossy(row)])).toEqual(LOSSY_IDS.map((id) => [id, 'mallory', false]).reverse());
    });
  }

  it('in scan, export and detect of the CLI (workers): no conflict, the record exported whole', { timeout: 120_000 }, async () => {
    const { dir } = lossyFolder(true);
    const scan = reaper.track(spawnCollected('node', [bin, 'scan', dir, '--json'], { cwd: root }));
    expect(await scan.exit).toBe(0);
    const summary = JSON.parse(scan.stdout()) as { events: { unique: number; conflicts: number }; topActors: { name: string }[] };
    expect(summary.events).toMatchObject({ unique: 4, conflicts: 0 });
    expect(summary.topActors[0]).toEqual({ name: 'mallory', count: 2 });
    for (const filter of [[], ['--filter', 'name:DeleteTrail']]) {
      const exported = reaper.track(spawnCollected('node', [bin, 'export', dir, ...filter, '--format', 'jsonl', '-o', '-'], { cwd: root }));
      expect(await exported.exit).toBe(0);
      const trails = exported.lines().map((line) => JSON.parse(line) as { eventName: string; requestParameters?: { name: string } }).filter((r) => r.eventName === 'DeleteTrail');
      expect(trails.map((r) => r.requestParameters?.name).sort()).toEqual(['trail-0', 'trail-1']);
      expect(exported.stderr()).not.toMatch(/conflicting/);
    }
    const detect = reaper.track(spawnCollected('node', [bin, 'detect', dir, '--json'], { cwd: root }));
    expect(await detect.exit).toBe(0);
    expect(detect.stdout()).not.toMatch(/conflicting|tampering/i);
  });
});
