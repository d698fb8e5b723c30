import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/ingest/read.js';
import { EventStore } from '../../src/store/eventStore.js';
import { compileQuery, FilteredView, filterRows } from '../../src/query/index.js';
import type { EventRow } from '../../src/model/types.js';
import { buildSearchText } from '../../src/model/searchText.js';

const DATASETS = path.resolve(__dirname, '../../../shared/datasets');
const FOLDERS = ['traildiscover', 'stratus-red-team', 'aws-docs-examples'];
const present = existsSync(DATASETS);
if (!present && process.env.CI) throw new Error(`datasets missing at ${DATASETS}`);
if (!present) console.warn(`skipping query dataset tests: ${DATASETS} not found`);

async function loadStore(): Promise<EventStore> {
  const store = new EventStore(0);
  for (const folder of FOLDERS) {
    const dir = path.join(DATASETS, folder);
    for (const name of readdirSync(dir)) {
      if (!name.includes('.json')) continue;
      const result = await readEventFile(path.join(dir, name));
      store.add(result.rows);
    }
  }
  return store;
}

describe.skipIf(!present)('fuzzy words over the real datasets', () => {
  it('finds misspelt event names and error codes, and nothing for nonsense', async () => {
    const store = await loadStore();
    expect(store.size).toBeGreaterThan(500);
    const view = new FilteredView(store);
    const rows = store.rows();
    const run = (text: string): readonly EventRow[] => {
      const result = compileQuery(text, { vocabulary: view.vocabulary });
      if (!result.ok) throw new Error(result.error.message);
      void view.setQuery(result.query);
      expect(view.ready).toBe(true);
      return view.rows();
    };
    const named = (name: string) => rows.filter((r) => r.name === name);

    const assume = run('assumrole');
    expect(named('AssumeRole').length).toBeGreaterThan(0);
    for (const row of named('AssumeRole')) expect(assume).toContain(row);
    expect(assume.every((r) => /assume|role/i.test(buildSearchText(r)))).toBe(true);

    const denied = run('acessdenied');
    const deniedRows = rows.filter((r) => r.errorCode === 'AccessDenied');
    expect(deniedRows.length).toBeGreaterThan(0);
    for (const row of deniedRows) expect(denied).toContain(row);

    const login = run('consolelgin');
    for (const row of named('ConsoleLogin')) expect(login).toContain(row);
    expect(named('ConsoleLogin').length).toBeGreaterThan(0);

    expect(run('xyzzy')).toEqual([]);
    expect(run('s3').length).toBeLessThan(rows.length / 2);
    view.dispose();
  });

  it('field terms agree with a plain filter on the same rows', async () => {
    const store = await loadStore();
    const rows = store.rows();
    const assumed = rows.find((r) => r.identityType === 'AssumedRole' && r.userNames.length >= 2)!;
    expect(assumed).toBeDefined();
    const [role, session] = assumed.userNames;
    // An error code, or a ConsoleLogin that failed without one (normalize gives it an errorMessage).
    const failed = (r: EventRow): boolean => r.errorCode !== '' || (r.name === 'ConsoleLogin' && r.errorMessage !== '');
    expect(rows.some((r) => r.errorCode === '' && failed(r))).toBe(true);
    const cases: [string, (r: EventRow) => boolean][] = [
      ['error:*', failed],
      ['-error:* source:iam', (r) => !failed(r) && r.source === 'iam.amazonaws.com'],
      ['readonly:false', (r) => r.readOnly === false],
      [`user:"${role}"`, (r) => [r.actor, r.principalArn, ...r.userNames].some((u) => u.toLowerCase() === role!.toLowerCase())],
      [`user:"${role}/${session}"`, (r) => [r.actor, r.principalArn, ...r.userNames].some((u) => u.toLowerCase() === `${role}/${session}`.toLowerCase())],
      ['eventtype:AwsConsoleSignIn', (r) => r.eventType === 'AwsConsoleSignIn'],
    ];
    for (const [text, reference] of cases) {
      const result = compileQuery(text);
      if (!result.ok) throw new Error(result.error.message);
      const expected = rows.filter(reference);
      expect(expected.length, text).toBeGreaterThan(0);
      expect(filterRows(rows, result.query), text).toEqual(expected);
    }
  });
});
