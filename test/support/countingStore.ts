import type { EventRow } from '../../src/model/types.js';
import { EventStore } from '../../src/store/eventStore.js';

/** A store that counts the row objects read from its log (what building a derived column or binding a query reads). */
export class CountingStore extends EventStore {
  reads = 0;
  private counted: EventRow[] | null = null;
  override log(): readonly EventRow[] {
    const target = super.log() as EventRow[];
    this.counted ??= new Proxy(target, {
      get: (array, key, receiver) => {
        if (typeof key === 'string' && key.length > 0 && key.charCodeAt(0) >= 48 && key.charCodeAt(0) <= 57) this.reads++;
        return Reflect.get(array, key, receiver);
      },
    });
    return this.counted;
  }
}

/** `rows` in a store of `make` whose columns give up past a dictionary of `limit` (64: as a million distinct values do). */
export function storeOf<T extends EventStore>(make: new (interval: number, options: { columnDictionaryLimit: number }) => T, rows: EventRow[], limit = 64): T {
  const store = new make(0, { columnDictionaryLimit: limit });
  store.add(rows);
  store.flush();
  return store;
}

/**
 * Row reads of `store` in each turn of the event loop until `done()` resolves: the first entry is
 * what `done` read before it first gave the loop a turn, the last what came after the last sample.
 */
export async function readsPerTurn<T>(store: CountingStore, done: () => Promise<T>): Promise<{ perTurn: number[]; value: T }> {
  const perTurn: number[] = [];
  let last = store.reads;
  let running = true;
  const sample = (): void => {
    perTurn.push(store.reads - last);
    last = store.reads;
    if (running) setImmediate(sample);
  };
  setImmediate(sample);
  const pending = done();
  sample();
  const value = await pending;
  running = false;
  perTurn.push(store.reads - last);
  await new Promise<void>((resolve) => setImmediate(resolve));
  return { perTurn, value };
}
