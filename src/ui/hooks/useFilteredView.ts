import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { EventRow } from '../../model/types.js';
import { compileQuery, FilteredView, type CompiledQuery } from '../../query/index.js';
import type { EventStore } from '../../store/eventStore.js';
import { dataFrameInterval, throttleSubscribe, useStoreVersion } from './useStore.js';

export interface ViewState {
  view: FilteredView;
  /** Matching rows, newest first (the previous result while a big re-filter runs). */
  rows: readonly EventRow[];
  /** The compiled applied query (null when empty). */
  compiled: CompiledQuery | null;
  /** False while a re-filter runs in the background. */
  ready: boolean;
  storeVersion: number;
}

/**
 * The list's rows through the query layer's incremental FilteredView: a new
 * query re-filters once (in chunks for big stores), then only rows that
 * arrive are tested. Renders follow the store's coalesced notifications.
 */
export function useFilteredView(store: EventStore, queryText: string): ViewState {
  const view = useMemo(() => new FilteredView(store), [store]);
  useEffect(() => () => view.dispose(), [view]);
  const compiled = useMemo(() => {
    const result = compileQuery(queryText, { vocabulary: view.vocabulary });
    return result.ok && !result.query.isEmpty ? result.query : null;
  }, [queryText, view]);
  useEffect(() => {
    void view.setQuery(compiled);
  }, [view, compiled]);
  const subscribe = useMemo(() => throttleSubscribe(view.subscribe, () => dataFrameInterval(store)), [view, store]);
  useSyncExternalStore(subscribe, view.getSnapshot);
  const storeVersion = useStoreVersion(store);
  return { view, rows: view.rows(), compiled, ready: view.ready, storeVersion };
}
