import { compileQuery, filterStore, Vocabulary } from '../query/index.js';
import { buildSearchText } from '../model/searchText.js';
import type { EventRow } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';
import { median, type Figure } from './table.js';

export interface QuerySpec {
  /** What kind of query this is, for the table. */
  kind: string;
  source: string;
  /** The lowercase word the plain substring baseline scans for. */
  needle: string;
}

/** An IAM user with AccessDenied errors in the store (the jq comparison's filter too); the busiest one. */
export function deniedUser(rows: readonly EventRow[]): string | null {
  const counts = new Map<string, number>();
  for (const row of rows) {
    if (row.errorCode !== 'AccessDenied' || row.identityType !== 'IAMUser' || row.userNames.length === 0) continue;
    const user = row.userNames[0]!;
    if (!/^[A-Za-z0-9._@+=,-]+$/.test(user)) continue; // keeps the jq filter and shell arguments plain
    counts.set(user, (counts.get(user) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [user, n] of counts) if (best === null || n > counts.get(best)!) best = user;
  return best;
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

/** The typical queries of the query issue, with values taken from the data so each one selects something. */
export function typicalQueries(rows: readonly EventRow[]): QuerySpec[] {
  const newest = rows[0]?.time ?? Date.now();
  const user = deniedUser(rows);
  const specs: QuerySpec[] = [
    { kind: 'field term', source: 'error:AccessDenied', needle: 'accessdenied' },
    { kind: 'two fields', source: 'source:s3 name:GetObject', needle: 'getobject' },
    { kind: 'fuzzy word', source: 'assumrole', needle: 'assumerole' },
    { kind: 'time range', source: `from:${isoMinute(newest - 6 * 3600_000)} to:${isoMinute(newest - 3 * 3600_000)}`, needle: 'ec2' },
    { kind: 'negation', source: '-source:s3 -readonly:true', needle: 's3.amazonaws.com' },
  ];
  if (user) specs.push({ kind: 'user + error', source: `error:AccessDenied user:${user}`, needle: user.toLowerCase() });
  return specs;
}

function timeIt(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

/**
 * Each query compiled and run over every row (newest first, as the list shows
 * them, by column as the dashboard's view does), beside a plain substring scan of the same rows' search text (built
 * here once, since rows keep none). The vocabulary is brought up to date
 * first, as the dashboard's view does while events load.
 */
export function benchQueries(store: EventStore, label: string, runs: number, goalMs: number): Figure[] {
  const rows = store.rows();
  const vocabulary = new Vocabulary();
  vocabulary.update(store);
  const texts = rows.map(buildSearchText);
  const figures: Figure[] = [];
  for (const spec of typicalQueries(rows)) {
    let matched = 0;
    const ours: number[] = [];
    const plain: number[] = [];
    for (let i = 0; i < runs; i++) {
      plain.push(
        timeIt(() => {
          let n = 0;
          for (let k = 0; k < rows.length; k++) if (texts[k]!.includes(spec.needle)) n++;
          return n;
        }),
      );
      ours.push(
        timeIt(() => {
          const compiled = compileQuery(spec.source, { vocabulary, now: Date.now() });
          if (!compiled.ok) throw new Error(`bench query does not parse: ${spec.source}: ${compiled.error.message}`);
          matched = filterStore(store, compiled.query).length;
        }),
      );
    }
    figures.push({
      name: `query ${spec.kind} \`${spec.source}\`, ${label}`,
      unit: 'ms',
      value: median(ours),
      baseline: median(plain),
      baselineLabel: `substring "${spec.needle}"`,
      goal: { on: 'value', kind: 'max', limit: goalMs, label: `<= ${goalMs} ms` },
      runs,
      note: `${matched.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} rows match`,
    });
  }
  return figures;
}
