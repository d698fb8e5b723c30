/**
 * The first top values of a field (T, Tab) or the first principal summary (p)
 * at 1M high-cardinality events built their columns inside one render: a full
 * source-IP dictionary, the user agents', their case groups, 2-3 s with the
 * screen and every key frozen. That build is now sliced work the dashboard
 * paces (prepareTopValues, runPaced). Measured by row reads per turn of the
 * event loop, never by the clock; the counts must be those of the synchronous path.
 */
import { describe, expect, it } from 'vitest';
import { preparePrincipalSummary, principalBacklog, principalSummary } from '../../src/investigate/principal.js';
import { prepareTopValues, TOP_FIELDS, topValues, topValuesBacklog, type TopField } from '../../src/investigate/topValues.js';
import type { EventRow } from '../../src/model/types.js';
import { compileQuery, filterStore } from '../../src/query/index.js';
import { runPaced, SLICE_ROWS } from '../../src/query/sliced.js';
import { EventStore } from '../../src/store/eventStore.js';
import { CountingStore, readsPerTurn, storeOf } from '../support/countingStore.js';
import { makeRow, resource } from '../query/rows.js';

const ROWS = 60_000;

/** Near-unique source IPs and resources, a few hundred user agents in two spellings, errors: a high-cardinality trail in small. */
function rows(): EventRow[] {
  const out: EventRow[] = [];
  for (let i = 0; i < ROWS; i++) {
    out.push(
      makeRow({
        time: Date.UTC(2024, 2, 5) + i * 1000,
        name: i % 3 === 0 ? 'GetObject' : 'PutObject',
        actor: `user-${i % 7}`,
        accessKey: `AKIA${String(i % 9).padStart(16, '0')}`,
        sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        userAgent: i % 2 === 0 ? `Boto3/1.${i % 300}` : `boto3/1.${i % 300}`,
        identityType: i % 5 === 0 ? 'AssumedRole' : 'IAMUser',
        errorCode: i % 11 === 0 ? 'AccessDenied' : '',
        resources: [resource('AWS::S3::Object', `photos/img-${i}.jpg`, `arn:aws:s3:::media/photos/img-${i}.jpg`)],
      }),
    );
  }
  return out;
}

/** A small dictionary limit makes the source IPs give up on the store's column, as a million distinct ones do. */
function bigStore<T extends EventStore>(make: new (interval: number, options: { columnDictionaryLimit: number }) => T): T {
  return storeOf(make, rows());
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Row reads in each turn of the event loop while `work` runs paced one slice a turn (budget 0); whether it ended (not aborted). */
async function slicesOf(store: CountingStore, work: Generator<void, void, void>, signal = new AbortController().signal): Promise<{ perTurn: number[]; done: boolean }> {
  const { perTurn, value } = await readsPerTurn(store, () => runPaced(work, signal, 0));
  return { perTurn, done: value !== null };
}

/** Fields whose count builds a column of its own over this store. */
const BUILT: TopField[] = ['ip', 'agent', 'identity', 'error', 'resource'];

describe('the top values columns are built a slice at a time', () => {
  for (const field of BUILT) {
    it(`${field}: no turn reads more than a slice of the rows, and the counts are the synchronous path's`, async () => {
      const store = bigStore(CountingStore);
      expect(topValuesBacklog(store, field)).toBeGreaterThanOrEqual(ROWS);
      const { perTurn, done } = await slicesOf(store, prepareTopValues(store, field));
      expect(done).toBe(true);
      // It read the rows (the bound below says something)...
      expect(store.reads).toBeGreaterThanOrEqual(ROWS);
      // ...a slice at a time, over many turns, not all in one.
      expect(Math.max(...perTurn)).toBeLessThanOrEqual(SLICE_ROWS);
      expect(perTurn.filter((n) => n > 0).length).toBeGreaterThanOrEqual(ROWS / SLICE_ROWS);
      expect(topValuesBacklog(store, field)).toBe(0);
      // Counting now reads no row of the log, and says what a store counted at once says, over all rows and a query's.
      const reads = store.reads;
      const twin = bigStore(EventStore);
      expect(topValues(store, store.rows(), field)).toEqual(topValues(twin, twin.rows(), field));
      expect(store.reads).toBe(reads);
      const query = compileQuery('name:GetObject');
      if (!query.ok) throw new Error(query.error.message);
      expect(topValues(store, filterStore(store, query.query), field)).toEqual(topValues(twin, filterStore(twin, query.query), field));
    });
  }

  it('an abort stops the build between two slices; the next build goes on from there, and the counts are the same', async () => {
    const store = bigStore(CountingStore);
    const controller = new AbortController();
    let turns = 0;
    const stop = (): void => {
      if (++turns === 3) controller.abort();
      else setImmediate(stop);
    };
    setImmediate(stop);
    const first = await slicesOf(store, prepareTopValues(store, 'ip'), controller.signal);
    expect(first.done).toBe(false);
    const readBefore = store.reads;
    // Stopped: turns later, nothing more was read.
    for (let i = 0; i < 5; i++) await turn();
    expect(store.reads).toBe(readBefore);
    expect(readBefore).toBeGreaterThan(0);
    const left = topValuesBacklog(store, 'ip');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(2 * ROWS);
    // Resumed: the rows read before are not read again.
    const second = await slicesOf(store, prepareTopValues(store, 'ip'));
    expect(second.done).toBe(true);
    const whole = bigStore(CountingStore);
    await slicesOf(whole, prepareTopValues(whole, 'ip'));
    expect(store.reads).toBe(whole.reads);
    const twin = bigStore(EventStore);
    expect(topValues(store, store.rows(), 'ip')).toEqual(topValues(twin, twin.rows(), 'ip'));
  });

  it('every field: the counts after a sliced build equal the synchronous ones', async () => {
    const store = bigStore(CountingStore);
    const twin = bigStore(EventStore);
    for (const { field } of TOP_FIELDS) {
      await slicesOf(store, prepareTopValues(store, field));
      expect(topValuesBacklog(store, field)).toBe(0);
      expect(topValues(store, store.rows(), field)).toEqual(topValues(twin, twin.rows(), field));
    }
  });
});

describe("the principal summary's columns are built a slice at a time", () => {
  for (const term of [
    { field: 'user', value: 'user-3' },
    { field: 'key', value: 'AKIA0000000000000004' },
  ]) {
    it(`${term.field}: no turn reads more than a slice; the summary is the synchronous one`, async () => {
      const store = bigStore(CountingStore);
      expect(principalBacklog(store, term)).toBeGreaterThanOrEqual(ROWS);
      const { perTurn, done } = await slicesOf(store, preparePrincipalSummary(store, term));
      expect(done).toBe(true);
      expect(store.reads).toBeGreaterThanOrEqual(2 * ROWS);
      expect(Math.max(...perTurn)).toBeLessThanOrEqual(SLICE_ROWS);
      expect(principalBacklog(store, term)).toBe(0);
      const twin = bigStore(EventStore);
      const summary = principalSummary(store, term);
      expect(summary.events).toBeGreaterThan(0);
      expect(summary).toEqual(principalSummary(twin, term));
    });
  }
});
