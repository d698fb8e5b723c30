import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { EventRow } from '../../model/types.js';
import { compileQuery, FilteredView, type CompiledQuery, type TagContext } from '../../query/index.js';
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
  /** `searching records 42%` while a deep term reads records back; '' otherwise. */
  searching: string;
}

/** A query that may hold a mark: or rule: term (a quoted word that merely looks like one only costs a re-filter). */
const TAG_TERM = /(^|[\s(-])(mark|rule):/i;

/**
 * The list's rows through the query layer's incremental FilteredView: a new
 * query re-filters once (in chunks for big stores), then only rows that
 * arrive are tested. Renders follow the store's coalesced notifications.
 */
export function useFilteredView(store: EventStore, queryText: string, tags?: TagContext, tagsVersion = 0): ViewState {
  const view = useMemo(() => new FilteredView(store), [store]);
  useEffect(() => () => view.dispose(), [view]);
  // mark: and rule: terms read sets that change while the query stays: a change filters again, but only for such a query.
  const tagsKey = TAG_TERM.test(queryText) ? tagsVersion : 0;
  const compiled = useMemo(() => {
    const result = compileQuery(queryText, { vocabulary: view.vocabulary, tags, deepTerms: true });
    return result.ok && !result.query.isEmpty ? result.query : null;
  }, [queryText, view, tags, tagsKey]);
  useEffect(() => {
    void view.setQuery(compiled);
  }, [view, compiled]);
  const subscribe = useMemo(() => throttleSubscribe(view.subscribe, () => dataFrameInterval(store)), [view, store]);
  useSyncExternalStore(subscribe, view.getSnapshot);
  const storeVersion = useStoreVersion(store);
  // Between a new query's render and its effect the view still runs the old one: its progress is not this query's.
  const progress = view.query === compiled ? view.deepProgress : null;
  const searching = progress ? `searching records ${progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 0}%` : '';
  return { view, rows: view.rows(), compiled, ready: view.ready, storeVersion, searching };
}
