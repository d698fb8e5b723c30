/**
 * Pivots: a value read on screen turned into a query term, and that term
 * applied to the current query (replace, add, exclude). The terms are plain
 * query-language text (query/fields.ts), so the query bar shows exactly what
 * was applied and `[` goes back to the query before.
 */
import { topLevelConjuncts, type Conjunct } from '../query/conjuncts.js';
import { lookupField } from '../query/fields.js';
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
 * The query after a pivot: `replace` gives the term alone, `add` appends it,
 * `exclude` appends `-term`. Appended, a term narrows the whole query, OR
 * chains included (OR binds tighter than AND). A term already there on its
 * own (not inside an OR or a group) is not repeated.
 *
 * `add` must narrow, but the same field side by side is either value
 * (`name:A name:B`): where the query's last run of terms (after its last
 * explicit AND) already holds that field, the term is joined with ` AND `,
 * which is strict; so is a `field:( … )` group of values, which joins the
 * field's values side by side (`name:(A B) name:C` is any of the three).
 * A term side by side with other values of its field is not there on its
 * own: adding it again narrows to it.
 */
export function pivotQuery(query: string, term: PivotTerm, op: PivotOp): string {
  const text = termText(term);
  if (op === 'replace') return text;
  const piece = op === 'exclude' ? `-${text}` : text;
  const current = query.trim();
  if (current === '') return piece;
  const conjuncts = topLevelConjuncts(current);
  if (!conjuncts) return ` ${current} `.includes(` ${piece} `) ? current : `${current} ${piece}`;
  if (op === 'exclude') return conjuncts.some((conjunct) => conjunct.text === piece) ? current : `${current} ${piece}`;
  const field = fieldKey(term.field);
  const sameField = (conjunct: Conjunct): boolean => conjunct.eitherField !== null && fieldKey(conjunct.eitherField) === field;
  const present = conjuncts.some(
    (conjunct) => conjunct.text === piece && conjuncts.every((other) => other.run !== conjunct.run || !sameField(other) || other.text === piece),
  );
  if (present) return current;
  const lastRun = conjuncts.at(-1)!.run;
  const grouped = conjuncts.some((conjunct) => conjunct.run === lastRun && sameField(conjunct));
  return `${current}${grouped ? ' AND ' : ' '}${piece}`;
}

/** A field as the parser groups it: its canonical name (aliases and case folded), or a record path as typed. */
function fieldKey(typed: string): string {
  return lookupField(typed)?.name ?? `.${typed}`;
}

/**
 * A line for the status bar saying what a pivot did (the value comes from a log: sanitised),
 * with how to get the query before back: `[`, on both dashboards.
 */
/** `back`: how to undo it; from a view (T, p) the list it opens goes back into the view with Esc (drill-back). */
export function describePivot(term: PivotTerm, op: PivotOp, back: '[ goes back' | 'Esc goes back' = '[ goes back'): string {
  const text = sanitize(termText(term));
  if (op === 'replace') return `Filtered by ${text} (${back})`;
  if (op === 'add') return `Added ${text} (${back})`;
  return `Excluded -${text} (${back})`;
}
