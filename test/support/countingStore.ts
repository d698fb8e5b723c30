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
