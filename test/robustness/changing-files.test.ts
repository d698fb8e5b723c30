/**
 * Issue 20, items 5 and 6: files that change under us. A record read back
 * (export, tail, the JSON view) must be the one its row stands for, whatever
 * happened to its file since it was loaded; a forged duplicate (same eventID,
 * other content) is counted and listed, never silently merged.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportFailed, exportRows } from '../../src/export/index.js';
import { clearRecordCache, readRecord } from '../../src/ingest/read.js';
import { readRecordsInOrder } from '../../src/ingest/records.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { verifiedRef } from '../../src/model/contentCheck.js';
import { EventStore } from '../../src/store/eventStore.js';
import { badFileLines } from '../../src/ui/BadFilesView.js';
import { record, tempDir } from '../export/fixtures.js';
import { runCli } from './cli.js';

const dirs: string[] = [];
afterEach(async () => {
  clearRecordCache();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

type Rec = Record<string, unknown>;
const FILES = 20;
const PER_FILE = 10;

async function trail(): Promise<{ dir: string; files: Rec[][]; paths: string[] }> {
  const dir = await tempDir('trailtop-i20-change-');
  dirs.push(dir);
  const files: Rec[][] = [];
  const paths: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const records = Array.from({ length: PER_FILE }, (_, k) => record(f * PER_FILE + k, { eventName: `Call${f * PER_FILE + k}` }));
    files.push(records);
    paths.push(join(dir, `f${String(f).padStart(2, '0')}.json`));
    await writeFile(paths[f]!, JSON.stringify({ Records: records }));
  }
  return { dir, files, paths };
}

async function load(dir: string): Promise<EventStore> {
  const store = new EventStore();
  await loadFolder(dir, store);
  return store;
}

const reversed = (records: Rec[]) => JSON.stringify({ Records: [...records].reverse() });

describe('item 5: export never writes a record other than the row\'s', () => {
  for (const format of ['jsonl', 'json'] as const) {
    it(`${format}: files reordered after loading still export each row's own record`, async () => {
      const { dir, files, paths } = await trail();
      const store = await load(dir);
      const rows = store.rows();
      expect(rows).toHaveLength(FILES * PER_FILE);
      // Half the files reordered before the export, and the reader's caches warm with the old order first.
      await readRecord(verifiedRef(rows[0]!));
      for (let f = 0; f < FILES; f += 2) await writeFile(paths[f]!, reversed(files[f]!));
      const target = join(dir, `out.${format}`);
      const result = await exportRows({ rows, format, target });
      expect(result.written).toBe(rows.length);
      const text = await readFile(target, 'utf8');
      const exported = (format === 'json' ? (JSON.parse(text) as { Records: Rec[] }).Records : text.trim().split('\n').map((line) => JSON.parse(line) as Rec));
      expect(exported.map((r) => r.eventID)).toEqual(rows.map((r) => r.id));
      const byId = new Map(files.flat().map((r) => [r.eventID, r]));
      for (const r of exported) expect(r).toEqual(byId.get(r.eventID as string));
    });
  }

  it('a record replaced by other content under the same eventID fails the export instead of being written', async () => {
    const { dir, files, paths } = await trail();
    const store = await load(dir);
    const forged = files[3]!.map((r, k) => (k === 4 ? { ...r, eventName: 'ListBuckets' } : r));
    await writeFile(paths[3]!, JSON.stringify({ Records: forged }));
    const target = join(dir, 'out.jsonl');
    const failure = await exportRows({ rows: store.rows(), format: 'jsonl', target }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ExportFailed);
    expect((failure as Error).message).toMatch(/event 00000000-0000-4000-8000-000000000034 changed on disk since it was loaded/);
  });

  it('tail and the JSON view (readRecordsInOrder, readRecord) read the row\'s record or nothing', async () => {
    const { dir, files, paths } = await trail();
    const store = await load(dir);
    const rows = store.rows().filter((r) => r.batch.file === paths[0]);
    await readRecordsInOrder(rows, () => undefined); // warm the cache with the old version
    await writeFile(paths[0]!, reversed(files[0]!));
    const seen: (Rec | null)[] = [];
    await readRecordsInOrder(rows, (records) => void seen.push(...records));
    expect(seen.map((r) => r?.eventID)).toEqual(rows.map((r) => r.id));
    // The file now holds other events under the old ids' positions: nothing is better than a wrong record.
    await writeFile(paths[0]!, JSON.stringify({ Records: files[1] }));
    clearRecordCache();
    expect(await readRecord(verifiedRef(rows[0]!))).toBe(null);
  });
});

describe('item 6: conflicting duplicates are counted and listed', () => {
  async function forgedFolder(extraFiles: number): Promise<{ dir: string; realId: string }> {
    const dir = await tempDir('trailtop-i20-forged-');
    dirs.push(dir);
    const real = record(1, { eventName: 'DeleteTrail', userName: 'mallory' });
    const forged = { ...real, eventName: 'ListBuckets', userIdentity: { ...(real.userIdentity as Rec), userName: 'alice' } };
    const same = record(2);
    await writeFile(join(dir, 'a-original.json'), JSON.stringify({ Records: [real, same] }));
    await writeFile(join(dir, 'b-forged.json'), JSON.stringify({ Records: [forged, same] }));
    for (let k = 0; k < extraFiles; k++) await writeFile(join(dir, `c${k}.json`), JSON.stringify({ Records: [record(100 + k), same] }));
    return { dir, realId: real.eventID as string };
  }

  it('the store (dashboard, tail, export) counts one conflict, lists both files and the field, and keeps one copy', async () => {
    const { dir, realId } = await forgedFolder(0);
    const store = await load(dir);
    expect(store.progress.duplicates).toBe(2);
    expect(store.progress.conflictCount).toBe(1);
    const [conflict] = store.progress.conflicts;
    expect(conflict).toMatchObject({ eventID: realId, field: 'name' });
    expect([conflict!.file, conflict!.keptFile].sort()).toEqual([join(dir, 'a-original.json'), join(dir, 'b-forged.json')]);
    expect(store.get(realId)!.batch.file).toBe(conflict!.keptFile);
    const lines = badFileLines([], [], 80, store.progress.conflicts, store.progress.conflictCount).map((l) => l.text);
    expect(lines[0]).toBe('Conflicting duplicates: same eventID, different content (1)');
    expect(lines.join('\n')).toContain(realId);
  });

  for (const extra of [0, 12]) {
    it(`scan ${extra > 0 ? 'on workers ' : ''}reports the conflict in text and JSON; identical copies are plain duplicates`, async () => {
      const { dir, realId } = await forgedFolder(extra);
      const json = await runCli(['scan', dir, '--json'], 30_000);
      const summary = JSON.parse(json.stdout) as { events: { duplicates: number; conflicts: number }; conflictingDuplicates: { eventID: string; file: string }[] };
      expect(summary.events).toMatchObject({ duplicates: 2 + extra, conflicts: 1 });
      expect(summary.conflictingDuplicates).toHaveLength(1);
      expect(summary.conflictingDuplicates[0]!.eventID).toBe(realId);
      expect([join(dir, 'a-original.json'), join(dir, 'b-forged.json')]).toContain(summary.conflictingDuplicates[0]!.file);
      const text = await runCli(['scan', dir], 30_000);
      expect(text.stdout).toContain('(1 CONFLICTING: same eventID, different content)');
      expect(text.stdout).toMatch(new RegExp(`Conflicting duplicates .*\\n  ${realId}: other copy in `));
    }, 40_000);
  }

  it('detect lists them as a built-in high finding, in text and JSON, and --level critical leaves it out', async () => {
    const { dir } = await forgedFolder(0);
    const json = await runCli(['detect', dir, '--json'], 30_000);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { findings: { id: string; level: string; count: number; first: string | null }[] };
    const finding = report.findings.find((f) => f.id === 'trailtop-conflicting-duplicates');
    expect(finding).toMatchObject({ level: 'high', count: 1, first: '2025-03-05T12:00:01.000Z' });
    const text = await runCli(['detect', dir], 30_000);
    expect(text.stdout).toContain('Conflicting duplicates: same eventID, different content (log tampering?)');
    const critical = await runCli(['detect', dir, '--json', '--level', 'critical'], 30_000);
    expect((JSON.parse(critical.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id)).not.toContain('trailtop-conflicting-duplicates');
  }, 60_000);
});
