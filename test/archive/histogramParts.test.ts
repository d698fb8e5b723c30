/**
 * Tab in the --db histogram (archive/histogramParts.ts with the archive's top
 * values): the bars split by event source, user and region count what the
 * folder dashboard's split counts (timeline/histogram.ts stackFor and
 * histogram over the store), bucket by bucket, on the shared datasets and
 * the bundled samples.
 */
import { describe, expect, it } from 'vitest';
import { archiveTimeBounds, archiveTopValues } from '../../src/archive/aggregate.js';
import { type Archive } from '../../src/archive/db.js';
import { archiveHistogramParts } from '../../src/archive/histogramParts.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { BUCKET_SIZES } from '../../src/timeline/buckets.js';
import { histogram, stackFor, TOP_PARTS } from '../../src/timeline/histogram.js';
import { DATASETS, datasetsPresent, openSideBySide, SAMPLES } from './sideBySide.js';


for (const [name, folder, enabled] of [
  ['the shared datasets', DATASETS, datasetsPresent],
  ['the bundled samples', SAMPLES, true],
] as const) {
  describe.skipIf(!enabled)(`the histogram split by a field on an archive of ${name}`, () => {
    let archive: Archive;
    let store: EventStore;
    openSideBySide(folder, 'trailtop-parts-', (both) => ({ archive, store } = both));

    for (const field of ['source', 'user', 'region'] as const) {
      it(`by ${field}: the same top ${TOP_PARTS} and the same counts per bucket (6 h and 1 d)`, async () => {
        const rows = store.rows();
        const stack = stackFor(rows, field, store);
        const values = (await archiveTopValues(archive, field, null, TOP_PARTS)).values.map((v) => v.value);
        expect(values).toEqual(stack.values);
        const bounds = (await archiveTimeBounds(archive, null))!;
        for (const label of ['6h', '1d']) {
          const size = BUCKET_SIZES.find((s) => s.label === label)!;
          const onArchive = await archiveHistogramParts(archive, null, field, values, { size, zone: 'utc' }, bounds.first, bounds.last + 1);
          const first = Math.floor(bounds.first / size.ms) * size.ms;
          const inMemory = histogram(rows, { size, zone: 'utc', stack, store, from: first, count: onArchive.length });
          expect(inMemory.buckets.map((b) => b.parts)).toEqual(onArchive);
          // Something is split, not all Other.
          expect(onArchive.some((parts) => parts.slice(0, -1).some((n) => n > 0))).toBe(true);
        }
      }, 60_000);
    }
  });
}
