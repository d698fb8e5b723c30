/**
 * The principal summary (`p`) by SQL on an archive (archive/principal.ts)
 * equals the in-memory one (investigate/principal.ts) for the same principal,
 * over the shared datasets and the bundled samples: every user, role session
 * and access key the top values list, each number and line compared.
 */
import { describe, expect, it } from 'vitest';
import { type Archive } from '../../src/archive/db.js';
import { archiveFilter } from '../../src/archive/filter.js';
import { archivePrincipalSummary } from '../../src/archive/principal.js';
import { termText, type PivotTerm } from '../../src/investigate/pivot.js';
import { principalSummary } from '../../src/investigate/principal.js';
import { topValues } from '../../src/investigate/topValues.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { DATASETS, datasetsPresent, openSideBySide, SAMPLES } from './sideBySide.js';



/** The principals `p` is asked about: the top users (by the User column, as T lists them and p starts from) and keys. */
function principals(store: EventStore, limit: number): PivotTerm[] {
  const rows = store.rows();
  const users = topValues(store, rows, 'user', limit).values.map((v) => ({ field: 'actor', value: v.value }));
  const keys = topValues(store, rows, 'key', limit).values.map((v) => ({ field: 'key', value: v.value }));
  // `p` in the list summarises the row's user with user: (its role sessions and ARN too).
  const asUser = users.slice(0, 10).map((t) => ({ field: 'user', value: t.value }));
  return [...users, ...asUser, ...keys];
}

for (const [name, folder, enabled] of [
  ['the shared datasets', DATASETS, datasetsPresent],
  ['the bundled samples', SAMPLES, true],
] as const) {
  describe.skipIf(!enabled)(`the principal summary on an archive of ${name}`, () => {
    let archive: Archive;
    let store: EventStore;
    openSideBySide(folder, 'trailtop-principal-', (both) => ({ archive, store } = both));

    it('equals the in-memory summary for every principal the top values list', async () => {
      const terms = principals(store, 40);
      expect(terms.length).toBeGreaterThan(20);
      let withErrors = 0;
      for (const term of terms) {
        const expected = principalSummary(store, term);
        const filter = await archiveFilter(termText(term));
        if (!filter.ok) throw new Error(filter.message);
        const actual = await archivePrincipalSummary(archive, term, filter.where);
        expect(actual, termText(term)).toEqual(expected);
        if (expected.errors > 0) withErrors++;
      }
      // The error columns and the most frequent error are compared on real failures, not only zeros.
      expect(withErrors).toBeGreaterThan(3);
    }, 120_000);
  });
}
