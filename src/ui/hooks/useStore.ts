import { useSyncExternalStore } from 'react';
import type { EventStore } from '../../store/eventStore.js';

/** The store's version; components re-render on its coalesced notifications (about 10 a second at most). */
export function useStoreVersion(store: EventStore): number {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
