import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openFolder } from '../ingest/open.js';
import type { EventRow } from '../model/types.js';
import { EventStore } from '../store/eventStore.js';
import { median, type Figure } from './table.js';

/** Resolves `expect(id)` promises the moment a row with that id is added (notifications are coalesced; this is not). */
class ArrivalStore extends EventStore {
  private readonly waiting = new Map<string, (at: number) => void>();
  expect(id: string): Promise<number> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }
  override add(rows: readonly EventRow[]): number {
    const added = super.add(rows);
    if (this.waiting.size > 0) {
      const at = performance.now();
      for (const row of rows) {
        const resolve = this.waiting.get(row.id);
        if (resolve) {
          this.waiting.delete(row.id);
          resolve(at);
        }
      }
    }
    return added;
  }
}

/** One delivered file's records, to copy with fresh eventIDs. */
function templateRecords(file: string): Array<Record<string, unknown>> {
  const doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records: Array<Record<string, unknown>> };
  return doc.Records;
}

function withIds(records: ReadonlyArray<Record<string, unknown>>, prefix: string): { gz: Buffer; lastId: string } {
  const copies = records.map((r, i) => ({ ...r, eventID: `${prefix}-${String(i).padStart(4, '0')}` }));
  return { gz: gzipSync(Buffer.from(JSON.stringify({ Records: copies }))), lastId: copies[copies.length - 1]!.eventID };
}

/**
 * Live latency: a watched folder (openFolder with watch: true), a complete
 * .json.gz written beside it and renamed into a date folder, as `aws s3 sync`
 * does; timed from the rename to its last event in the store. Median of `runs`.
 */
export async function benchLive(templateFile: string, runs: number): Promise<Figure[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'trailtop-bench-live-'));
  const watched = path.join(root, 'trail');
  const staging = path.join(root, 'staging');
  mkdirSync(path.join(watched, 'AWSLogs'), { recursive: true });
  mkdirSync(staging);
  const store = new ArrivalStore();
  const folder = openFolder(watched, { watch: true, store });
  try {
    await folder.ready;
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the watcher settle
    const records = templateRecords(templateFile);
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { gz, lastId } = withIds(records, `live-${i}-${process.pid}`);
      const name = `111122223333_CloudTrail_us-east-1_20261125T${String(1000 + i).slice(-4)}Z_bench${i}.json.gz`;
      const stagedPath = path.join(staging, name);
      writeFileSync(stagedPath, gz);
      // A fresh date folder every few files, so following new subfolders is part of the figure.
      const target = path.join(watched, 'AWSLogs', `day${Math.floor(i / 5)}`);
      mkdirSync(target, { recursive: true });
      const arrived = store.expect(lastId);
      const started = performance.now();
      renameSync(stagedPath, path.join(target, name));
      const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('a landed file did not reach the store within 10 s')), 10_000).unref());
      latencies.push((await Promise.race([arrived, timeout])) - started);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return [
      {
        name: 'live: file landing to its events in the store',
        unit: 'ms',
        value: median(latencies),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 500, label: '<= 500 ms' },
        runs,
        note: `rename of a complete ${records.length}-event .json.gz into the watched folder; min ${Math.min(...latencies).toFixed(0)}, max ${Math.max(...latencies).toFixed(0)} ms`,
      },
    ];
  } finally {
    await folder.close();
    rmSync(root, { recursive: true, force: true });
  }
}
