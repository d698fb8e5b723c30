/**
 * The footer's key hints, one table for both dashboards (folder and --db answer the same keys, so they
 * say the same things). Most useful first: on a narrow terminal the rest give way to `? more`
 * (StatusBar.fitHints). The views that summarise the query's events say `/ query` too: it edits the query over them.
 */
import type { Mode } from './keys.js';

const HINTS: Partial<Record<Mode, readonly string[]>> = {
  list: ['Enter details', '/ query', 'i Insights', 'd download', 'b bad files', '=/+/- pivot', 'T top values', 'p summary', '[/] back/fwd', 'f follow', 't UTC/local', 'h histogram', 'o order', 'm mark', '! findings', 'g/G top/end', 'v JSON', 'q quit', '? help'],
  findings: ['Esc/! back', 'Enter events', 'o order', '/ query', '? help', 'q quit'],
  histogram: ['Esc/h back', '↑/↓ bucket', 'v span', 'Enter list', '+/- zoom', 'Tab split', '/ query', '? help'],
  query: ['type to filter', 'Enter keep', 'Esc cancel', '↑/↓ history', 'Ctrl-U/W delete'],
  detail: ['Esc close', 'Tab/←/→ select', '=/+/- pivot', 'p summary', 'y copy', 'r resource events', 'T top values', 'v JSON', '↑/↓ other events', 'PgUp/PgDn scroll'],
  json: ['Esc back', 'j/k PgUp/PgDn g/G scroll', 'y copy JSON', 'q quit'],
  help: ['? or Esc close', 'j/k scroll', 'q quit'],
  insights: ['Esc/i back', 'Enter events', 'Tab attributions', '/ query', '? help', 'q quit'],
  badfiles: ['Esc back', 'j/k scroll', 'q quit'],
  columns: ['Esc/C close', 'Enter/Space show/hide', 'K/J move', 'r default', '? help'],
  principal: ['Esc back', '↑/↓ select', 'Enter events', '=/+/- pivot', '? help'],
  top: ['Esc/T back', 'p summary', 'Tab field', 'Enter/= filter', '+ add', '- exclude', '/ query', '? help'],
};

/** The --db query bar runs its SQL on Enter, not as one types. */
export const ARCHIVE_HINTS: Partial<Record<Mode, readonly string[]>> = {
  query: ['Enter apply (SQL)', 'Esc cancel', '↑/↓ history', 'Ctrl-U/W delete'],
};

/**
 * What the footer says in `mode`; `drilled`: a list a view's Enter opened, where Esc goes back into it
 * (said first, or the reader would not guess it). `own`: a dashboard's lines where its keys work otherwise.
 */
export function footerHints(mode: Mode, drilled: boolean, own: Partial<Record<Mode, readonly string[]>> = {}, nothingToList = false): readonly string[] {
  if (drilled) return ['Esc back', ...(HINTS.list ?? [])];
  // The download dialog lists its own keys; the rest of the screens without a line here take these.
  const hints = own[mode] ?? HINTS[mode] ?? ['Esc back', 'Ctrl-C quit'];
  // A view with nothing listed (no rule fired, no Insight for the query) has no event to list or attribution to show.
  return nothingToList ? hints.filter((hint) => !LISTING_HINTS.has(hint)) : hints;
}

/** The hints that need a selected line in a view (footerHints' nothingToList). */
const LISTING_HINTS: ReadonlySet<string> = new Set(['Enter events', 'Tab attributions']);
