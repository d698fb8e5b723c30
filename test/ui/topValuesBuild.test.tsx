/**
 * The first `T` on a field whose columns are not built yet, or the first `p`,
 * built them inside the render (2-3 s at 1M high-cardinality events): nothing
 * was drawn and every key waited. Now the build runs in paced slices while the
 * view says Counting…; Esc (or Tab, T) acts at once and stops it, keeping what
 * it built for the next time; keys that read the values (j, Enter) wait for them.
 * Measured by row reads per turn of the event loop, never by the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { principalSummary } from '../../src/investigate/principal.js';
import { topValues } from '../../src/investigate/topValues.js';
import type { EventRow } from '../../src/model/types.js';
import { SLICE_ROWS } from '../../src/query/sliced.js';
import { EventStore } from '../../src/store/eventStore.js';
import { CountingStore, readsPerTurn, storeOf } from '../support/countingStore.js';
import { App } from '../../src/ui/App.js';
import { makeRow } from './fixtures.js';
import { renderApp, type Harness } from './harness.js';

const ROWS = 60_000;

let open: Harness[] = [];
afterEach(() => {
  for (const h of open) h.cleanup();
  open = [];
});

/** Near-unique source IPs (the store's column gives up on them at a dictionary of 64, as at 1M), a few users. */
function rows(): EventRow[] {
  const out: EventRow[] = [];
  for (let i = 0; i < ROWS; i++) {
    out.push(
      makeRow({
        id: `evt-${i}`,
        time: Date.UTC(2024, 2, 5) + i * 1000,
        name: i % 3 === 0 ? 'GetObject' : 'PutObject',
        actor: `user-${i % 5}`,
        userNames: [`user-${i % 5}`],
        // A few addresses repeat, so the top values are not all ties.
        sourceIp: i % 10 === 0 ? `192.0.2.${i % 7}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        userAgent: `Boto3/1.${i % 40}`,
        errorCode: i % 11 === 0 ? 'AccessDenied' : '',
      }),
    );
  }
  return out;
}

/** A small dictionary limit makes the source IPs give up on the store's column, as a million distinct ones do. */
function bigStore<T extends EventStore>(make: new (interval: number, options: { columnDictionaryLimit: number }) => T): T {
  return storeOf(make, rows());
}

async function mount(): Promise<{ h: Harness; store: CountingStore }> {
  const store = bigStore(CountingStore);
  const h = renderApp(<App store={store} folder="/logs" watching={false} env={{ NO_COLOR: '1' }} buildBudgetMs={0} />, 100, 30);
  open.push(h);
  await h.waitFor((f) => f.includes('60,000 events'));
  return { h, store };
}

const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

describe('the first T or p over many events builds in the background', () => {
  it('Tab to a field not built yet: Counting… is drawn, the build spreads over many turns, and the values are the synchronous count', async () => {
    const { h, store } = await mount();
    await h.press('T', (f) => f.includes('Top values of User'));
    const before = h.stdout.frames.length;
    const { perTurn, value: frame } = await readsPerTurn(store, () => h.press('\t', (f) => f.includes('Top values of Source IP')));
    const total = perTurn.reduce((a, b) => a + b, 0);
    // The source IPs' own column was built (the bound below says something)...
    expect(total).toBeGreaterThanOrEqual(ROWS);
    // ...a slice a turn (budget 0), over many turns: the render used to read all of it at once.
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(2 * SLICE_ROWS);
    expect(perTurn.filter((n) => n > 0).length).toBeGreaterThanOrEqual(ROWS / SLICE_ROWS / 2);
    expect(h.stdout.frames.slice(before).some((f) => f.includes('Counting…'))).toBe(true);
    const twin = bigStore(EventStore);
    const expected = topValues(twin, twin.rows(), 'ip');
    expect(frame).toContain(`${expected.distinct.toLocaleString('en-US')} distinct`);
    expect(selected(frame)).toMatch(new RegExp(`${expected.values[0]!.count.toLocaleString('en-US')} .*${expected.values[0]!.value.replaceAll('.', '\\.')}`));
  });

  it('Esc in the same read as that Tab closes the view before the build ends; T again goes on from where it stopped', async () => {
    const { h, store } = await mount();
    await h.press('T', (f) => f.includes('Top values of User'));
    const start = store.reads;
    await h.press('\t\u001b', (f) => !f.includes('Top values of') && !f.includes('Counting…') && f.includes('GetObject'));
    // Stopped part-way: before, the Tab's render read every row into the column before Esc was read.
    const stopped = store.reads - start;
    expect(stopped).toBeGreaterThan(0);
    expect(stopped).toBeLessThan(ROWS);
    const frame = await h.press('T', (f) => f.includes('Top values of Source IP'));
    // The rest was built, what was built is not read again (the dashboard reads a few rows besides, never a slice).
    expect(store.reads - start).toBeGreaterThanOrEqual(ROWS);
    expect(store.reads - start).toBeLessThan(ROWS + 4096);
    const twin = bigStore(EventStore);
    const expected = topValues(twin, twin.rows(), 'ip');
    expect(frame).toContain(`${expected.distinct.toLocaleString('en-US')} distinct`);
  });

  it('keys that read the values (j) typed while it builds move in them once counted', async () => {
    const { h } = await mount();
    await h.press('T', (f) => f.includes('Top values of User'));
    const twin = bigStore(EventStore);
    const third = topValues(twin, twin.rows(), 'ip').values[2]!;
    const frame = await h.press('\tjj', (f) => f.includes('Top values of Source IP') && selected(f).includes(third.value));
    expect(selected(frame)).toMatch(new RegExp(`${third.count.toLocaleString('en-US')} .*${third.value.replaceAll('.', '\\.')}`));
  });

  it('p: Esc in the same read stops the build; p again shows the summary the synchronous count gives', async () => {
    const { h, store } = await mount();
    const start = store.reads;
    await h.press('p\u001b', (f) => !f.includes('Summary of') && !f.includes('Counting…') && f.includes('GetObject'));
    // Its source IPs and user agents, a row at a time: stopped before the first of them was whole.
    expect(store.reads - start).toBeLessThan(ROWS);
    const { perTurn, value: frame } = await readsPerTurn(store, () => h.press('p', (f) => f.includes('Summary of user:') && f.includes('Source IPs')));
    const total = perTurn.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(ROWS / 2);
    expect(Math.max(...perTurn)).toBeLessThanOrEqual(2 * SLICE_ROWS);
    const user = /Summary of user:(\S+)/.exec(frame)![1]!;
    const twin = bigStore(EventStore);
    const expected = principalSummary(twin, { field: 'user', value: user });
    expect(frame).toContain(`${expected.events.toLocaleString('en-US')} events, ${expected.errors.toLocaleString('en-US')} with an error`);
    const ips = expected.sections.find((s) => s.title === 'Source IPs')!;
    expect(frame).toContain(`Source IPs (${ips.distinct.toLocaleString('en-US')}, top ${ips.values.length})`);
    expect(frame).toMatch(new RegExp(`${ips.values[0]!.value.replaceAll('.', '\\.')} +${ips.values[0]!.count.toLocaleString('en-US')}`));
  });
});
