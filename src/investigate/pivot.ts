/**
 * Pivots: a value read on screen turned into a query term, and that term
 * applied to the current query (replace, add, exclude). The terms are plain
 * query-language text (query/fields.ts), so the query bar shows exactly what
 * was applied and `[` goes back to the query before.
 */
import { topLevelConjuncts } from '../query/conjuncts.js';
import { replaceUnsafe, sanitize } from '../term/sanitize.js';

/** A field of the query language and one exact value of it. */
export interface PivotTerm {
  /** A field name of query/fields.ts (user, ip, key, name, source, ...). */
  field: string;
  value: string;
}

export type PivotOp = 'replace' | 'add' | 'exclude';

const BARE = /^[A-Za-z0-9._@/=+,-]+$/;

/**
 * `value` as the query language reads it exactly: bare when safe, else quoted (a `*` in quotes is a
 * literal star). Control, bidi and invisible characters become `\u{1b}` escapes inside the quotes
 * (query/tokenize.ts), so the query bar shows printable text that still matches the exact value.
 */
export function quoteValue(value: string): string {
  if (BARE.test(value) && !value.startsWith('-')) return value;
  const escaped = value.replace(/["\\]/g, '\\$&');
  return `"${replaceUnsafe(escaped, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`)}"`;
}

/** `field:value`, quoted as needed. */
export function termText(term: PivotTerm): string {
  return `${term.field}:${quoteValue(term.value)}`;
}

/**
 * The query after a pivot: `replace` gives the term alone, `add` appends it
 * (AND with other fields; the same field twice means either, as in the query
 * language), `exclude` appends `-term`. Appended, a term narrows the whole
 * query, OR chains included (OR binds tighter than AND). A term already
 * there on its own (not inside an OR or a group) is not repeated.
 */
export function pivotQuery(query: string, term: PivotTerm, op: PivotOp): string {
  const text = termText(term);
  if (op === 'replace') return text;
  const piece = op === 'exclude' ? `-${text}` : text;
  const current = query.trim();
  if (current === '') return piece;
  const conjuncts = topLevelConjuncts(current);
  const present = conjuncts ? conjuncts.some((conjunct) => conjunct.text === piece) : ` ${current} `.includes(` ${piece} `);
  return present ? current : `${current} ${piece}`;
}

/**
 * A line for the status bar saying what a pivot did (the value comes from a log: sanitised),
 * with how to get the query before back: `[`, on both dashboards.
 */
export function describePivot(term: PivotTerm, op: PivotOp): string {
  const text = sanitize(termText(term));
  if (op === 'replace') return `Filtered by ${text} ([ goes back)`;
  if (op === 'add') return `Added ${text} ([ goes back)`;
  return `Excluded -${text} ([ goes back)`;
}
