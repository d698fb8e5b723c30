/**
 * Top values (the `T` view) over every row of the store, i.e. a filter that
 * keeps everything: the worst case of "top 20 of the current filter". Beside
 * it, the obvious way: a Map from each row's value to a count.
 */
import { TOP_FIELDS, topValues, type TopField } from '../investigate/topValues.js';
import type { EventRow } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';
import { median, type Figure } from './table.js';

/** Fields that cover the three ways of counting: by column id (user, ip), by resource list (resource), by row string (agent). */
const BENCH_FIELDS: readonly TopField[] = ['user', 'ip', 'resource', 'agent'];

function naive(rows: readonly EventRow[], read: (row: EventRow) => string): number {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) {
    const value = read(rows[i]!);
    if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20).length;
}

const READ: Record<string, (row: EventRow) => string> = {
  user: (row) => row.actor,
  ip: (row) => row.sourceIp,
  resource: (row) => row.resources[0]?.arn || row.resources[0]?.name || '',
  agent: (row) => row.userAgent,
};

export function benchTopValues(store: EventStore, label: string, runs: number, goalMs: number): Figure[] {
  const rows = store.rows();
  const figures: Figure[] = [];
  for (const field of BENCH_FIELDS) {
    const ours: number[] = [];
    const plain: number[] = [];
    let distinct = 0;
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      naive(rows, READ[field]!);
      plain.push(performance.now() - started);
      started = performance.now();
      distinct = topValues(store, rows, field, 20).distinct;
      ours.push(performance.now() - started);
    }
    const spec = TOP_FIELDS.find((f) => f.field === field)!;
    figures.push({
      name: `top values ${spec.label.toLowerCase()}, ${label}`,
      unit: 'ms',
      value: median(ours),
      baseline: median(plain),
      baselineLabel: 'Map count by row value',
      goal: { on: 'value', kind: 'max', limit: goalMs, label: `<= ${goalMs} ms` },
      runs,
      note: `${rows.length.toLocaleString('en-US')} rows, ${distinct.toLocaleString('en-US')} distinct`,
    });
  }
  return figures;
}
