/**
 * One ingest measurement in a fresh process, so its memory figure is clean:
 *   node --expose-gc dist/bench/ingestChild.js trailtop|baseline DIR
 * prints one JSON line: IngestRun.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { openFolder } from '../ingest/open.js';
import type { EventRow } from '../model/types.js';
import { EventStore } from '../store/eventStore.js';
import { listTrailFiles } from './dataset.js';

export interface IngestRun {
  /** ms from the start of the load to the 1,000th event in hand. */
  firstMs: number;
  /** ms until every file was read. */
  loadedMs: number;
  events: number;
  /** Resident memory after the load and a full GC, with the folder still open (MB). */
  rssMB: number;
  heapUsedMB: number;
  /** The same after closing the folder (workers gone), trailtop only. */
  rssClosedMB: number | null;
  /** CPU time this process (workers included) used from its start to this report, ms. */
  cpuMs: number;
}

const FIRST = 1000;
const MB = 1024 * 1024;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A store that notes when it first holds FIRST events (its notifications are coalesced, so they would be late). */
class TimedStore extends EventStore {
  firstAt = 0;
  override add(rows: readonly EventRow[]): number {
    const added = super.add(rows);
    if (this.firstAt === 0 && this.size >= FIRST) this.firstAt = performance.now();
    return added;
  }
}

async function trailtop(dir: string): Promise<IngestRun> {
  const store = new TimedStore();
  const started = performance.now();
  const folder = openFolder(dir, { watch: false, store });
  await folder.ready;
  const loadedMs = performance.now() - started;
  store.rows(); // the dashboard's first frame sorts in the pending rows
  collect();
  const open = process.memoryUsage();
  await folder.close();
  collect();
  const closed = process.memoryUsage();
  return {
    firstMs: store.firstAt - started,
    loadedMs,
    events: store.size,
    rssMB: open.rss / MB,
    heapUsedMB: open.heapUsed / MB,
    rssClosedMB: closed.rss / MB,
    cpuMs: cpuMs(),
  };
}

/** What a plain script does: read, gunzip and JSON.parse each file in turn, on one core, keeping nothing. */
function baseline(dir: string): IngestRun {
  const files = listTrailFiles(dir);
  const started = performance.now();
  let events = 0;
  let firstAt = 0;
  for (const file of files) {
    let doc: { Records?: unknown[] };
    try {
      doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records?: unknown[] };
    } catch {
      continue; // the generator's deliberately truncated file
    }
    events += Array.isArray(doc.Records) ? doc.Records.length : 0;
    if (firstAt === 0 && events >= FIRST) firstAt = performance.now();
  }
  const loadedMs = performance.now() - started;
  collect();
  const usage = process.memoryUsage();
  return { firstMs: firstAt - started, loadedMs, events, rssMB: usage.rss / MB, heapUsedMB: usage.heapUsed / MB, rssClosedMB: null, cpuMs: cpuMs() };
}

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'trailtop' && mode !== 'baseline') || !dir) {
  process.stderr.write('usage: node --expose-gc dist/bench/ingestChild.js trailtop|baseline DIR\n');
  process.exit(2);
}
const run = mode === 'trailtop' ? await trailtop(dir) : baseline(dir);
process.stdout.write(`${JSON.stringify(run)}\n`);
process.exit(0);
