/**
 * The few places DuckDB and Trino (Athena) SQL differ, for the query
 * compiler (compile.ts). Everything else it writes is standard SQL both
 * accept. Values only ever reach SQL through `literal`, which escapes: no
 * text from a query is pasted into SQL any other way.
 */

export type DialectName = 'duckdb' | 'athena';

/** Every dialect there is, as `--dialect` takes it. */
export const DIALECT_NAMES: readonly DialectName[] = ['athena', 'duckdb'];

export function isDialectName(name: string): name is DialectName {
  return (DIALECT_NAMES as readonly string[]).includes(name);
}

export interface Dialect {
  readonly name: DialectName;
  /** `any element of list satisfies body(x)`, never NULL. `name` is a fresh lambda variable. */
  anyMatch(list: string, name: string, body: string): string;
  /** Whether `text` holds `part` (case-sensitive; NULL when either is NULL). */
  contains(text: string, part: string): string;
  /** Case-sensitive regular-expression search (RE2 / Java syntax; flags already inline as `(?i)`). */
  regexSearch(value: string, pattern: string): string;
  /** The list joined by line breaks (NULL elements skipped). */
  joinLines(list: string): string;
  /** A list with `f(x)` applied to each element. */
  transform(list: string, name: string, body: string): string;
  /** A list of SQL expressions. */
  array(expressions: readonly string[]): string;
  /** A list literal of string literals. */
  stringList(values: readonly string[]): string;
  /** `value` as a BIGINT or NULL when it is not a number. */
  tryBigint(value: string): string;
}

/**
 * Code points joined in as chr(N) rather than written inside the quotes: NUL, which could end the
 * literal early in some driver, and what a terminal acts on or reorders (C0 and C1 controls, DEL,
 * bidi controls, line and paragraph separators). `trailtop sql` and `athena --print-sql` print
 * the SQL, and a value holding ESC (a pivot's `\u{1b}`, pasted from the dashboard) would
 * otherwise reach the terminal raw.
 */
const JOINED_BY_CODE = /([\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069])/;

/**
 * A SQL string literal. Both engines read `'...'` with `''` for a quote and
 * nothing else special (a backslash is itself), so doubling quotes is the
 * whole escape. A control character is joined in as chr(N) (JOINED_BY_CODE),
 * not dropped: the archive keeps a value's NULs and escapes (a pivot's
 * `\u{0}` names one), and a term without them would match other values.
 */
export function literal(value: string): string {
  // split with a capture group: the text between at even indexes, each joined character at odd ones.
  const parts = value.split(JOINED_BY_CODE);
  const quoted = (part: string) => `'${part.replace(/'/g, "''")}'`;
  if (parts.length === 1) return quoted(value);
  return `(${parts.map((part, k) => (k % 2 === 1 ? `chr(${part.codePointAt(0)})` : quoted(part))).join(' || ')})`;
}

/** A double-quoted SQL identifier (table names from --table), `""` for a quote. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\u0000/g, '').replace(/"/g, '""')}"`;
}

/** A possibly schema-qualified table name (`db.table`), each part quoted. */
export function quoteTableName(name: string): string {
  return name
    .split('.')
    .map((part) => quoteIdentifier(part))
    .join('.');
}

export const DUCKDB: Dialect = {
  name: 'duckdb',
  anyMatch: (list, name, body) => `coalesce(len(list_filter(${list}, lambda ${name}: ${body})) > 0, false)`,
  contains: (text, part) => `contains(${text}, ${part})`,
  regexSearch: (value, pattern) => `regexp_matches(${value}, ${pattern})`,
  joinLines: (list) => `array_to_string(${list}, chr(10))`,
  transform: (list, name, body) => `list_transform(${list}, lambda ${name}: ${body})`,
  array: (expressions) => `[${expressions.join(', ')}]`,
  stringList: (values) => `[${values.map(literal).join(', ')}]::VARCHAR[]`,
  tryBigint: (value) => `TRY_CAST(${value} AS BIGINT)`,
};

export const ATHENA: Dialect = {
  name: 'athena',
  anyMatch: (list, name, body) => `coalesce(any_match(${list}, ${name} -> ${body}), false)`,
  contains: (text, part) => `strpos(${text}, ${part}) > 0`,
  regexSearch: (value, pattern) => `regexp_like(${value}, ${pattern})`,
  joinLines: (list) => `array_join(${list}, chr(10))`,
  transform: (list, name, body) => `transform(${list}, ${name} -> ${body})`,
  array: (expressions) => `ARRAY[${expressions.join(', ')}]`,
  stringList: (values) => (values.length === 0 ? 'CAST(ARRAY[] AS ARRAY(VARCHAR))' : `ARRAY[${values.map(literal).join(', ')}]`),
  tryBigint: (value) => `TRY_CAST(${value} AS BIGINT)`,
};

export function dialectNamed(name: DialectName): Dialect {
  return name === 'duckdb' ? DUCKDB : ATHENA;
}
