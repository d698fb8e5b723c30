import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, ExportCancelled, exportRows } from '../export/index.js';
import type { EventRow } from '../model/types.js';
import { listTrailFiles } from './dataset.js';
import { median, type Figure } from './table.js';

const CHUNK = 250;

/** csv-stringify alone: the same rows' plain cells, same options, into nothing. */
function csvStringifyAlone(rows: readonly EventRow[]): number {
  let chars = 0;
  for (let start = 0; start < rows.length; start += CHUNK) {
    const end = Math.min(rows.length, start + CHUNK);
    const records = new Array<string[]>(end - start);
    for (let i = start; i < end; i++) records[i - start] = CSV_COLUMNS.map((c) => c.value(rows[i]!));
    chars += stringify(records, { quoted: true, quoted_empty: true, record_delimiter: 'windows' }).length;
  }
  return chars;
}

/** What a script writing the records out as JSON does: gunzip, parse and stringify each file's records (until `deadline`). */
function jsonAlone(dir: string, deadline: number): number {
  let events = 0;
  for (const file of listTrailFiles(dir)) {
    if (performance.now() > deadline) break;
    let doc: { Records?: unknown[] };
    try {
      doc = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as { Records?: unknown[] };
    } catch {
      continue;
    }
    for (const record of doc.Records ?? []) {
      JSON.stringify(record);
      events++;
    }
  }
  return events;
}

function rate(count: number, ms: number): number {
  return count / (ms / 1000);
}

async function timed(fn: () => unknown): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/**
 * JSON export, stopped after `capMs` so a slow read-back cannot stall the
 * whole benchmark: the rate is events written over the time taken.
 */
async function cappedJsonExport(rows: readonly EventRow[], target: string, capMs: number): Promise<{ rate: number; written: number; stopped: boolean }> {
  let written = 0;
  const started = performance.now();
  let stopped = false;
  try {
    const result = await exportRows({
      rows,
      format: 'json',
      target,
      overwrite: true,
      signal: AbortSignal.timeout(capMs),
      onProgress: (p) => {
        written = p.written;
      },
    });
    written = result.written;
  } catch (error) {
    if (!(error instanceof ExportCancelled)) throw error;
    stopped = true;
  }
  return { rate: rate(written, performance.now() - started), written, stopped };
}

/**
 * CSV and JSON export of every row (newest first) to a file, end to end
 * through exportRows; JSON reads each record back from its file as the
 * dashboard's download does.
 */
export async function benchExport(rows: readonly EventRow[], dir: string, label: string, runs: number, jsonRuns: number, capMs: number): Promise<Figure[]> {
  const out = await mkdtemp(path.join(tmpdir(), 'trailtop-bench-export-'));
  try {
    const csvOurs: number[] = [];
    const csvPlain: number[] = [];
    const jsonOurs: number[] = [];
    const jsonPlain: number[] = [];
    let jsonEvents = 0;
    let jsonWritten = 0;
    let jsonStopped = false;
    for (let i = 0; i < runs; i++) {
      csvPlain.push(rate(rows.length, await timed(() => csvStringifyAlone(rows))));
      csvOurs.push(rate(rows.length, await timed(() => exportRows({ rows, format: 'csv', target: path.join(out, 'out.csv'), overwrite: true }))));
      await rm(path.join(out, 'out.csv'), { force: true });
    }
    for (let i = 0; i < jsonRuns; i++) {
      const plainMs = await timed(() => (jsonEvents = jsonAlone(dir, performance.now() + capMs)));
      jsonPlain.push(rate(jsonEvents, plainMs));
      const ours = await cappedJsonExport(rows, path.join(out, 'out.json'), capMs);
      jsonOurs.push(ours.rate);
      jsonWritten = ours.written;
      jsonStopped ||= ours.stopped;
      await rm(path.join(out, 'out.json'), { force: true });
    }
    return [
      {
        name: `export: CSV to a file, ${label}`,
        unit: 'rows/s',
        value: median(csvOurs),
        baseline: median(csvPlain),
        baselineLabel: 'csv-stringify alone',
        goal: { on: 'value', kind: 'min', limit: 150_000, label: '>= 150k rows/s' },
        runs,
      },
      {
        name: `export: JSON to a file (records read back), ${label}`,
        unit: 'events/s',
        value: median(jsonOurs),
        baseline: median(jsonPlain),
        baselineLabel: 'gunzip+parse+stringify',
        goal: { on: 'value', kind: 'min', limit: 100_000, label: '>= 100k events/s' },
        runs: jsonRuns,
        note:
          (jsonStopped ? `stopped after ${(capMs / 1000).toFixed(0)} s with ${jsonWritten.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} written; ` : '') +
          `baseline: ${jsonEvents.toLocaleString('en-US')} records of the folder's files in one process${jsonStopped ? ' (same cap)' : ''}`,
      },
    ];
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
