import type { Key } from 'ink';
import { useEffect, useMemo, useRef } from 'react';
import { unicodeBlocks } from '../../term/glyphs.js';
import { eventsBetween, stackFor, untimedCount } from '../../timeline/index.js';
import type { PluginViewProps } from '../App.js';
import { actionFor } from '../keys.js';
import { answerSharedKey, useViewKeys } from '../viewKeys.js';
import { useKeptState } from '../keptViews.js';
import { HistogramChart } from './HistogramChart.js';
import { bucketInfo, histogramTitle, spanInfo } from './histogramText.js';
import {
  clampToEvents,
  cursorToEnd,
  cycleStack,
  histogramBodyRows,
  histogramWindow,
  initialHistogramState,
  moveCursor,
  nothingToList,
  selectedSpan,
  spanCrossesYear,
  spanQuery,
  toggleSpan,
  zoom,
  type HistogramViewState,
} from './histogramModel.js';

/**
 * The histogram view (`h`): one line per time bucket of the filtered events,
 * oldest at the top, empty buckets included, bars split by errors or by a
 * field's top values. Zoom changes the bucket size; Enter lists the span.
 */
export function HistogramView({ store, rows, queryText, zone, width, height, onClose, setQuery, setStatus, openHelp, editQuery, quit, active, claimKeys, cursorTime, rowsQuery, ascii = !unicodeBlocks(), kept, keep }: PluginViewProps) {
  const bodyRows = histogramBodyRows(height);
  // Kept by App: opened again by Esc from the list its Enter opened, it is as it was left, not started
  // afresh from the rows on hand (they are that list's, until the query before is filtered again).
  const [state, setState] = useKeptState('histogram', { kept, keep }, () => initialHistogramState(rows, zone, bodyRows, cursorTime));
  // No bucket yet: events arrived after the view opened on an empty list, or it was opened anew with
  // what was chosen in it before (keptViews.ts openedAnew): on the list cursor's bucket, with those choices.
  const started = Number.isNaN(state.cursor) && rows.length > 0 ? initialHistogramState(rows, zone, bodyRows, cursorTime, state) : state;
  // A new query under the open view (`/` here): a bucket size fitted to the rows before is fitted to the new
  // ones once they come, at the cursor's moment, as `h` would open on them (1 s buckets fitted to two events
  // drew four months of seconds after `/` cleared the query). A size chosen with +/- is kept.
  const fittedFor = useRef(queryText);
  useEffect(() => {
    if (rowsQuery !== queryText || fittedFor.current === queryText) return;
    fittedFor.current = queryText;
    if (state.zoomed || rows.length === 0 || Number.isNaN(state.cursor)) return;
    const refitted = initialHistogramState(rows, zone, bodyRows, state.cursor, state);
    if (refitted.sizeIndex !== state.sizeIndex) setState(refitted);
  });
  // On a bucket with events' span even after a zoom or a narrower list, so what Enter lists is what is drawn.
  const current = useMemo(() => clampToEvents(started, rows, zone), [started, rows, zone]);
  const stack = useMemo(() => stackFor(rows, current.stack, store), [rows, current.stack, store]);
  const win = useMemo(() => histogramWindow(rows, current, zone, bodyRows, stack, store), [rows, current, zone, bodyRows, stack, store]);

  const live = { state: current, rows };
  const liveRef = useRef(live);
  liveRef.current = live;
  const handle = (input: string, key: Key): boolean => {
    const { state: s, rows: r } = liveRef.current;
    const set = (next: HistogramViewState): void => {
      liveRef.current = { ...liveRef.current, state: next };
      setState(next);
    };
    const action = actionFor('histogram', input, key);
    const shared = answerSharedKey(action, openHelp, quit, editQuery);
    if (shared !== undefined) return shared;
    switch (action) {
      case 'back':
        if (s.anchor !== null) {
          set(toggleSpan(s));
          return false;
        }
        onClose();
        return true;
      case 'histogram':
        onClose();
        return true;
      case 'up':
        set(moveCursor(s, r, zone, -1, bodyRows));
        return false;
      case 'down':
        set(moveCursor(s, r, zone, 1, bodyRows));
        return false;
      case 'pageUp':
        set(moveCursor(s, r, zone, -Math.max(1, bodyRows - 1), bodyRows));
        return false;
      case 'pageDown':
        set(moveCursor(s, r, zone, Math.max(1, bodyRows - 1), bodyRows));
        return false;
      case 'top':
        set(cursorToEnd(s, r, zone, 'first', bodyRows));
        return false;
      case 'bottom':
        set(cursorToEnd(s, r, zone, 'last', bodyRows));
        return false;
      case 'zoomIn':
      case 'zoomOut':
        set(zoom(s, zone, action === 'zoomIn' ? 'in' : 'out', r));
        return false;
      case 'selectSpan':
        set(toggleSpan(s));
        return false;
      case 'cycleStack':
        set(cycleStack(s));
        return false;
      case 'applySpan': {
        const span = selectedSpan(s, zone);
        if (!span) return false;
        // Counted in the rows as drawn: the list the span's from:/to: would open holds just these.
        const none = nothingToList(eventsBetween(r, span.start, span.end), s.anchor !== null);
        if (none) {
          setStatus(none);
          return false;
        }
        // Kept as drawn: a view never moved holds no bucket yet (its size fitted to the rows on hand), and Esc
        // back from the list would fit it again to that list's rows (the bucket listed: 3h came back as 5m).
        set(s);
        setQuery(spanQuery(queryText, span.start, span.end));
        return true;
      }
      default:
        return false;
    }
  };
  useViewKeys(handle, { active, claimKeys });

  const untimed = useMemo(() => untimedCount(rows), [rows]);
  const title = histogramTitle({ sizeLabel: win ? win.size.label : '', stack: current.stack, longest: win ? win.histogram.max : null, zone, charted: rows.length - untimed, untimed }, width);
  const span = selectedSpan(current, zone);
  const spanFrom = current.anchor === null ? null : span;
  const cursorBucket = win?.histogram.buckets[win.cursorIndex];
  const info = !win ? '' : spanFrom ? spanInfo(eventsBetween(rows, spanFrom.start, spanFrom.end), spanFrom, win.size, zone, width) : cursorBucket ? bucketInfo(cursorBucket, win.histogram.parts, win.size, zone, width) : '';
  const bars = win
    ? { buckets: win.histogram.buckets, names: win.histogram.parts, stack, cursorIndex: win.cursorIndex, span: spanFrom, size: win.size, zone, withYear: spanCrossesYear(rows, zone) }
    : null;
  return (
    <HistogramChart
      title={title}
      bars={bars}
      empty={rows.length === 0 ? '  No events to chart (the list is empty).' : '  No event has a readable time.'}
      info={info}
      width={width}
      height={height}
      ascii={ascii}
    />
  );
}
