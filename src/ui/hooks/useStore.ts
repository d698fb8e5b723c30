import { useMemo, useSyncExternalStore } from 'react';
import type { EventStore } from '../../store/eventStore.js';

type Subscribe = (listener: () => void) => () => void;

/**
 * While the initial load runs, the list redraws at most this often: each
 * frame of a wide terminal costs tens of milliseconds of the same CPU the
 * loader needs, and nobody reads rows that arrive 10 times a second.
 */
export const LOADING_FRAME_MS = 250;

/**
 * Wraps a subscribe function so listeners hear at most one notification per
 * `intervalMs()` (leading edge, plus one trailing call for changes in between).
 */
export function throttleSubscribe(subscribe: Subscribe, intervalMs: () => number): Subscribe {
  return (listener) => {
    let last = 0;
    let timer: NodeJS.Timeout | null = null;
    const fire = (): void => {
      timer = null;
      last = Date.now();
      listener();
    };
    const unsubscribe = subscribe(() => {
      if (timer) return;
      const wait = last + intervalMs() - Date.now();
      if (wait <= 0) fire();
      else {
        timer = setTimeout(fire, wait);
        timer.unref?.();
      }
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  };
}

/** How long to wait between frames driven by data (not by keys). */
export function dataFrameInterval(store: EventStore): number {
  return store.progress.phase === 'loading' ? LOADING_FRAME_MS : 0;
}

/** The store's version; re-renders on its coalesced notifications, fewer while the initial load runs. */
export function useStoreVersion(store: EventStore): number {
  const subscribe = useMemo(() => throttleSubscribe(store.subscribe, () => dataFrameInterval(store)), [store]);
  return useSyncExternalStore(subscribe, store.getSnapshot);
}
