/**
 * The --db dashboard's steps, run in a child of the bench through the data
 * layer the UI uses (archive/session.ts, window.ts), one process per run so
 * the archive is opened cold-ish and the child's peak resident memory is the
 * dashboard's: open, first screen, scroll to the end (G), a page down, a
 * query typed in the query bar, top values (T) and the histogram (h). Prints
 * one JSON object of milliseconds.
 *
 * node archiveDashChild.js DB QUERY SCREEN_ROWS
 */
import { ArchiveSession } from '../archive/session.js';
import { histogramOpeningSize } from '../timeline/buckets.js';

export interface DashRun {
  openMs: number;
  firstScreenMs: number;
  endMs: number;
  pageDownMs: number;
  pageQueriesToEnd: number;
  queryMs: number;
  queryTotal: number;
  topMs: number;
  histogramMs: number;
  total: number;
}

async function main(): Promise<void> {
  const [db, query, rowsText] = process.argv.slice(2);
  if (!db || query === undefined) throw new Error('usage: archiveDashChild DB QUERY SCREEN_ROWS');
  const screen = Number(rowsText ?? 20);
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
  const session = await ArchiveSession.open(db);
  const openMs = lap();
  const list = await session.list(null, 'newest', screen);
  const firstScreenMs = lap();
  const before = list.stats.queries;
  await list.ensure(list.total - screen, list.total);
  const endMs = lap();
  const pageQueriesToEnd = list.stats.queries - before;
  // PgUp from the end: one page back by keyset (PgDn from the top is the same query the other way).
  await list.ensure(list.total - 2 * screen - 200, list.total - screen - 200);
  const pageDownMs = lap();
  const filter = await session.filter(query);
  if (!filter.ok) throw new Error(filter.message);
  const queried = await session.list(filter.where, 'newest', screen);
  const queryMs = lap();
  await session.topValues('user', filter.where);
  const topMs = lap();
  const bounds = await session.timeBounds(null);
  if (bounds) {
    // As h opens it on the dashboard (ArchiveApp), in UTC.
    const size = histogramOpeningSize(bounds.first, bounds.last, screen);
    await session.histogram(null, { size, zone: 'utc' }, bounds.first, bounds.last + 1);
  }
  const histogramMs = lap();
  await session.close();
  const run: DashRun = { openMs, firstScreenMs, endMs, pageDownMs, pageQueriesToEnd, queryMs, queryTotal: queried.total, topMs, histogramMs, total: list.total };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
