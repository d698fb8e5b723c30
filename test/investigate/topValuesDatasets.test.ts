/**
 * Top values (T) over every shared data set, on both engines: each of a
 * field's top rows counts exactly the events its pivot (Enter: the field's
 * query term with that value) then lists. The data sets hold what made them
 * differ: one resource in two spellings (`TrailDiscoverInstanceId` and
 * `...ID`), and an IAM user whose name is also the session name of SSO roles.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { openFolder } from '../../src/ingest/open.js';
import { pivotQuery } from '../../src/investigate/pivot.js';
import { TOP_FIELDS, topValues, type TopResult } from '../../src/investigate/topValues.js';
import { compileQuery, filterRows } from '../../src/query/index.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { archiveOfFolder, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';

const DATASETS = resolve(fileURLToPath(new URL('../../../shared/datasets', import.meta.url)));
const present = existsSync(DATASETS);
if (!present && process.env['CI']) throw new Error(`dataset folder missing: ${DATASETS}`);
if (!present) console.warn(`SKIPPED: ${DATASETS} is absent: the top values data-set tests did not run`);

/** The rows T shows (the view asks for 20). */
const SHOWN = 20;

/** `[value, count]` of each top row beside `[value, events its pivot lists]`, per field, to compare whole. */
async function countsAndPivots(top: (field: (typeof TOP_FIELDS)[number]['field']) => Promise<TopResult>, listed: (query: string) => Promise<number>) {
  const counted: Record<string, Array<[string, number]>> = {};
  const pivoted: Record<string, Array<[string, number]>> = {};
  for (const { field, queryField } of TOP_FIELDS) {
    const result = await top(field);
    counted[field] = result.values.map((v) => [v.value, v.count]);
    pivoted[field] = [];
    for (const v of result.values) pivoted[field].push([v.value, await listed(pivotQuery('', { field: queryField, value: v.value }, 'replace'))]);
  }
  return { counted, pivoted };
}

describe.skipIf(!present)('top values over the shared data sets: each count is what its pivot lists', () => {
  let store: EventStore;
  let archive: TestArchive;
  let session: ArchiveSession;
  let scratch: { dir: string; remove: () => void };

  beforeAll(async () => {
    const opened = openFolder(DATASETS, { watch: false, pool: { inline: true } });
    await opened.ready;
    await opened.close();
    store = opened.store;
    scratch = tempFolder('trailtop-top-datasets-');
    archive = await archiveOfFolder(DATASETS, join(scratch.dir, 'datasets.duckdb'), scratch.remove);
    session = new ArchiveSession(archive.archive);
  });
  afterAll(() => archive?.close());

  it('in memory (the folder dashboard), every field', async () => {
    const rows = store.rows();
    const { counted, pivoted } = await countsAndPivots(
      async (field) => topValues(store, rows, field, SHOWN),
      async (query) => {
        const compiled = compileQuery(query);
        if (!compiled.ok) throw new Error(`${query}: ${compiled.error.message}`);
        return filterRows(rows, compiled.query).length;
      },
    );
    expect(pivoted).toEqual(counted);
    // The two cases that differed: one resource in two spellings, and the user's own events apart from its SSO sessions'.
    expect(counted.resource!.find(([v]) => v.toLowerCase() === 'traildiscoverinstanceid')).toEqual(['TrailDiscoverInstanceId', 10]);
    expect(counted.user!.find(([v]) => v === 'TrailDiscover')?.[1]).toBe(234);
    // The two failed console sign-ins (no errorCode) count under their errorMessage, as the Error code column and scan's errorsByCode show them.
    expect(counted.error).toContainEqual(['Failed authentication', 2]);
  });

  it('as SQL on an archive of them (the --db dashboard), every field, the same rows as in memory', async () => {
    const { counted, pivoted } = await countsAndPivots(
      (field) => session.topValues(field, null, SHOWN),
      async (query) => {
        const filter = await session.filter(query);
        if (!filter.ok) throw new Error(`${query}: ${filter.message}`);
        const [[n]] = (await archive.archive.connection.runAndReadAll(`SELECT count(*) FROM events ${filter.where ? `WHERE ${filter.where}` : ''}`)).getRows() as [[bigint]];
        return Number(n);
      },
    );
    expect(pivoted).toEqual(counted);
    expect(counted.error).toContainEqual(['Failed authentication', 2]);
    const rows = store.rows();
    for (const { field } of TOP_FIELDS) expect(counted[field], field).toEqual(topValues(store, rows, field, SHOWN).values.map((v) => [v.value, v.count]));
  });
});
