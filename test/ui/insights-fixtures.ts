/** The committed samples/ read through the real ingest layer, as the dashboard would load them. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEventFile } from '../../src/ingest/read.js';
import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samplesDir = path.join(repo, 'samples');

function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesBelow(full));
    else out.push(full);
  }
  return out;
}

let cached: EventRow[] | null = null;

export async function sampleRows(): Promise<EventRow[]> {
  if (cached) return cached;
  const rows: EventRow[] = [];
  for (const file of filesBelow(samplesDir).sort()) rows.push(...(await readEventFile(file)).rows);
  cached = rows;
  return rows;
}

export async function sampleStore(filter: (row: EventRow) => boolean = () => true): Promise<EventStore> {
  const store = new EventStore(0);
  // Each store interns and freezes the lists of the rows it is given, so every store gets copies.
  store.add((await sampleRows()).filter(filter).map((r) => ({ ...r, userNames: [...r.userNames], resources: r.resources.map((x) => ({ ...x })) })));
  store.flush();
  return store;
}
