/**
 * Where each part of the query language lives in a table, as SQL: the values
 * a FieldRef yields (ast.ts), the time, the plain-word search text and the
 * fuzzy fields. Two tables:
 *
 * - `cloudtrail`: AWS's documented Athena table for CloudTrail, as
 *   cloudtrailTable.ts describes it (lowercase columns, `useridentity`,
 *   `addendum` and `tlsdetails` structs, `resources` array of structs, the
 *   request/response/additional/service-event and edge-device fields as JSON
 *   text, eventtime as ISO text); `sql --ddl` prints its CREATE TABLE.
 *   trailtop's derived values (the actor label, user names, resource names)
 *   are recomputed from those columns, as model/actor.ts and
 *   model/resources.ts do. Two documented differences: resources named only
 *   in requestParameters (no `resources` entry) are not derived, and a dotted
 *   path does not fan out over arrays met on the way (Athena's json path).
 * - `archive`: the DuckDB archive (src/archive/schema.ts) holds the same
 *   columns plus `tt_*` columns written by the same normalize() the dashboard
 *   uses, and the raw record: every term there gives exactly the in-memory
 *   answer (the differential test checks it).
 */
import { MAX_JSON_DEPTH } from '../../ingest/limits.js';
import { CONSOLE_LOGIN_FAILURE } from '../../model/failure.js';
import { columnsOfKind, tableColumn, USER_IDENTITY, type TableField } from './cloudtrailTable.js';
import { dialectNamed, literal, type Dialect } from './dialect.js';

/** The values of one FieldRef: VARCHAR scalars (NULL = no value) and VARCHAR lists. */
export interface ValueSource {
  readonly scalars: readonly string[];
  readonly lists: readonly string[];
  /** Set when the values answer only `:*` (a struct of Athena's table): why any other test cannot run. */
  readonly onlyExists?: string;
}

export type SchemaName = 'cloudtrail' | 'archive';

export interface FuzzySource {
  /** FUZZY_FIELDS name ('name', 'user', 'source', 'resource', 'error'). */
  readonly field: string;
  readonly values: ValueSource;
}

export interface Schema {
  readonly name: SchemaName;
  summary(field: string): ValueSource | null;
  /** readonly as a SQL boolean (NULL when absent). */
  readOnly(): string;
  /** Predicate: the event time lies in [min, max] epoch ms (either may be infinite). */
  timeBetween(min: number, max: number): string;
  /** Line-joined text plain words search (model/searchText.ts order). */
  searchText(): string;
  /** The same values one by one, for a word that lies inside one of them (compile.ts word). */
  searchValues(): SearchValues;
  fuzzy(field: string): ValueSource | null;
  path(keys: readonly string[], fresh: Fresh): ValueSource;
  params(): string;
  eventId(): string;
  /** A failed ConsoleLogin without an errorCode (model/failure.ts): error:* holds for it too. */
  failedWithoutCode(): string;
  /** The value error: tests for such an event, the one the Error code column shows (model/failure.ts errorLabel): its errorMessage. */
  failedLabel(): string;
  /**
   * A text column holding every non-empty value of a summary field, lowercased, escaped (`\` -> `\\`,
   * newline -> `\n`) and one per line between line breaks (NULL for none), or null when the table has
   * none: a glob on the field then reads one column instead of several and a list (archive/schema.ts USERS_SQL).
   */
  loweredValues?(field: string): string | null;
}

/**
 * The values of a schema's searchText, for a word without a line break, which lies inside one value
 * when it is in the text: a row holds the word when some value does, tested one by one, without
 * building and lowercasing every row's joined text. Empty and NULL values hold no word.
 */
export interface SearchValues {
  /** Text values. */
  readonly scalars: readonly string[];
  /** Lists of text values (user names). */
  readonly lists: readonly SearchList[];
  /** A list of structs `r` (the resources) and the text values of each (its name and ARN), written with `r.`. */
  readonly structs: { readonly list: string; readonly fields: readonly string[] };
}

export interface SearchList {
  readonly list: string;
  /**
   * A text column in loweredValues' form (lowercased, escaped, one value per line) holding at least every
   * element of the list: a row whose elements hold the word has it there, and it is one plain column
   * where the list is joined and lowercased row by row.
   */
  readonly within?: string;
}

export class SqlCompileError extends Error {}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The times an ISO text with a four-digit year can write (0000-01-01 .. 9999-12-31): past them
 * toISOString writes `+010000-...`, which neither engine reads as a timestamp, and which sorts
 * before every `yyyy/MM/dd` partition. A bound outside is no bound (or, beyond the other end, no
 * event), as no event time either engine reads lies outside.
 */
export const ISO_FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z');
export const ISO_LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

function timeBounds(value: string, min: number, max: number, toTime: (ms: number) => string): string {
  const parts: string[] = [];
  if (min !== -Infinity) parts.push(`${value} >= ${toTime(min)}`);
  if (max !== Infinity) parts.push(`${value} <= ${toTime(max)}`);
  return parts.length === 0 ? `${value} IS NOT NULL` : parts.join(' AND ');
}

const scalars = (...values: string[]): ValueSource => ({ scalars: values, lists: [] });

// ---------------------------------------------------------------- AWS's record layout, in both tables

/** The record's JSON fields, which both tables keep as JSON text columns (NULL for absent or null), by record key. */
export const JSON_COLUMNS: ReadonlyMap<string, string> = new Map(columnsOfKind('json'));
/**
 * Every text leaf under a struct column (cloudtrailTable.ts), as [record path, column path]: what a
 * path to it reads. JSON text and map values are not leaves (their own keys follow).
 */
function structLeaves(field: TableField, key = field.key, column = field.name): [string, string][] {
  if (field.type.kind === 'string') return [[key, column]];
  if (field.type.kind !== 'struct') return [];
  return field.type.fields.flatMap((inner) => structLeaves(inner, `${key}.${inner.key}`, `${column}.${inner.name}`));
}

// ---------------------------------------------------------------- archive (DuckDB)

/** DuckDB's JSON pointer for one key: `~` and `/` escaped (RFC 6901), so any key is exact. */
function pointer(key: string): string {
  return literal('/' + key.replace(/~/g, '~0').replace(/\//g, '~1'));
}

/** Fresh lambda variable names, one counter per compiled query so the SQL is the same every time. */
export type Fresh = (prefix: string) => string;

/**
 * The values a path yields in the raw record (ast.ts): arrays met on the way
 * fan out, a leaf string is its text, a number or boolean its JSON text, a
 * leaf array each scalar element plus its own JSON text, an object its JSON text.
 */
function archivePath(d: Dialect, keys: readonly string[], fresh: Fresh, textColumns: ArchiveTextColumns, reads: ArchiveRecordReads): ValueSource {
  const leaf = archiveTextLeaf(keys);
  if (leaf && textColumns === 'exact') {
    reads.leaves.add(leaf.column);
    return { scalars: [leafText(leaf.column)], lists: [] };
  }
  if (leaf) {
    // The column when it holds the value (no record parsed); the record's JSON only for the rows where it cannot.
    reads.leaves.add(leaf.column);
    const held = leaf.held ? `(${leavesExact([leaf.column])} OR ${leaf.held})` : leavesExact([leaf.column]);
    const json = recordPath(d, keys, fresh);
    return { scalars: [`CASE WHEN ${held} THEN ${leafText(leaf.column)} END`], lists: [`CASE WHEN NOT ${held} THEN ${json} END`] };
  }
  const column = JSON_COLUMNS.get(keys[0] ?? '');
  if (!column) reads.record = true;
  // A JSON field's own column holds the record's value as JSON text: a few hundred bytes to parse, not the record.
  const start = column ? `[json_extract(${column}, '$')]` : `[json_extract(tt_record, ${pointer(keys[0] ?? '')})]`;
  return { scalars: [], lists: [archiveJsonPath(d, start, keys.slice(1), fresh)] };
}

/** The values a path yields, read from the stored record (tt_record). */
function recordPath(d: Dialect, keys: readonly string[], fresh: Fresh): string {
  return archiveJsonPath(d, `[json_extract(tt_record, ${pointer(keys[0] ?? '')})]`, keys.slice(1), fresh);
}

/**
 * The archive's per-row list of inexact text columns (schema 8, archive/schema.ts): NULL on nearly
 * every row; else the ARCHIVE_TEXT_LEAVES columns that do not hold exactly the values their path
 * yields from the record (NULL: none; else that one value), each between bars
 * (`|useridentity.accesskeyid|`), so a test of such a path on that row must read the record. A
 * column is inexact for an object or a list there, an array on the way, or a value normalize()
 * filled in (a failed ConsoleLogin's errorMessage); not for a number or a boolean, whose column text
 * is the JSON text the path yields (String and JSON.stringify agree). A path that yields exactly ''
 * (`"accessKeyId": ""`, which the column holds as NULL) has its own entry, `|column=|`, and is read
 * as '' from the columns (leafText).
 * Text, not a bit mask: DuckDB tests `contains` on a column in its scan, and no integer arithmetic.
 */
export const INEXACT_LEAVES = 'tt_inexact';

/**
 * A text column's value where it holds its path exactly: the column, or '' where INEXACT_LEAVES
 * says the path yields exactly '' (`|column=|`), which the column holds as NULL; so a console
 * sign-in's `"accessKeyId": ""` is answered from the columns, not from its record.
 */
function leafText(column: string): string {
  return `coalesce(${column}, CASE WHEN contains(${INEXACT_LEAVES}, '|${column}=|') THEN '' END)`;
}

/** SQL: one of `columns` is inexact on this row (NULL when none is). */
export function leavesInexact(columns: Iterable<string>): string {
  const tests = [...columns].map((column) => `contains(${INEXACT_LEAVES}, '|${column}|')`);
  return tests.length === 1 ? tests[0]! : `(${tests.join(' OR ')})`;
}

/** SQL: every one of `columns` holds its path exactly on this row. */
export function leavesExact(columns: Iterable<string>): string {
  return `(${INEXACT_LEAVES} IS NULL OR NOT ${leavesInexact(columns)})`;
}

/**
 * How a compile of schema 'archive' reads a path an archive text column holds: `flagged` (the
 * column where INEXACT_LEAVES or its own value says it holds the path, else the record) is right on
 * every row; `exact` (the column alone) only on the rows whose INEXACT_LEAVES has none of the
 * leaves read, and reads no record.
 */
export type ArchiveTextColumns = 'flagged' | 'exact';

/** What a compile of schema 'archive' read: the text leaves' columns, and whether a path only the record holds. */
export interface ArchiveRecordReads {
  readonly leaves: Set<string>;
  record: boolean;
}

export const noReads = (): ArchiveRecordReads => ({ leaves: new Set(), record: false });

/** INEXACT_LEAVES of `columns` (in ARCHIVE_TEXT_LEAVES order), as the archive stores it. */
export function inexactLeavesText(columns: readonly string[]): string | null {
  return columns.length === 0 ? null : `|${columns.join('|')}|`;
}

/** The entry of INEXACT_LEAVES that says a column's path yields exactly '' (leafText). */
export const emptyLeaf = (column: string): string => `${column}=`;

/** One leaf's entry of INEXACT_LEAVES, in SQL: NULL when its column holds the path's values from the record exactly. */
function inexactLeafSql(d: Dialect, path: string, column: string, fresh: Fresh): string {
  const keys = path.split('.');
  return (
    `CASE WHEN ${recordPath(d, keys, fresh)} IS NOT DISTINCT FROM CASE WHEN ${column} IS NULL THEN []::VARCHAR[] ELSE [${column}] END THEN NULL ` +
    `WHEN ${column} IS NULL AND ${recordPath(d, keys, fresh)} IS NOT DISTINCT FROM [''] THEN '${emptyLeaf(column)}' ELSE '${column}' END`
  );
}

/** Entries (each NULL or a column's mark) as INEXACT_LEAVES' text: between bars, NULL for none. */
const inexactText = (entries: readonly string[]): string => `nullif('|' || concat_ws('|', ${entries.join(', ')}) || '|', '||')`;

/**
 * INEXACT_LEAVES computed from a row's columns and its record, in SQL (the schema 8 upgrade of an
 * older archive; an import computes it in JavaScript, archive/inexactLeaves.ts): every column but
 * those whose values from the record, as the record fallback reads them, are the column's.
 */
export function archiveInexactLeavesSql(): string {
  return inexactLeavesOf([...ARCHIVE_TEXT_LEAVES].map(([path, leaf]) => [path, leaf.column]));
}

/** archiveInexactLeavesSql as schema 8 computed it, before the columns schema 9 added (the schema 7 upgrade, archive/upgrades.ts). */
export function schema8InexactLeavesSql(): string {
  return inexactLeavesOf(LEAF_COLUMNS);
}

function inexactLeavesOf(leaves: readonly (readonly [string, string])[]): string {
  const d = dialectNamed('duckdb');
  let counter = 0;
  const fresh: Fresh = (prefix) => `${prefix}${++counter}`;
  return inexactText(leaves.map(([path, column]) => inexactLeafSql(d, path, column, fresh)));
}

/**
 * The INEXACT_LEAVES of a row the schema 9 upgrade writes (archive/upgrades.ts): `older`, its
 * value from before (which the leaves before schema 9's still hold), followed by the entries of
 * schema 9's leaves, each computed as archiveInexactLeavesSql does, and only for a record that names
 * the first and the last key of its path (a substring test: JSON.stringify writes such a key as it
 * is; a record that does not has NULL in the column and no value there, which is exact), so the
 * upgrade parses the records of the rows that have these fields, once per leaf, not every record.
 */
export function schema9InexactLeavesSql(older: string): string {
  const d = dialectNamed('duckdb');
  let counter = 0;
  const fresh: Fresh = (prefix) => `${prefix}${++counter}`;
  const added = SCHEMA_9_LEAF_COLUMNS.map(([path, column]) => {
    const keys = path.split('.');
    const named = [...new Set([keys[0]!, keys.at(-1)!])].map((key) => `contains(tt_record, ${literal(JSON.stringify(key))})`).join(' AND ');
    return `CASE WHEN ${named} THEN ${inexactLeafSql(d, path, column, fresh)} END`;
  });
  // `older` between its bars, as one entry (NULL when none).
  return inexactText([`nullif(trim(${older}, '|'), '')`, ...added]);
}

/** Every path an archive column holds as text, split into keys, with the column that holds it. */
export function archiveTextLeafColumns(): { keys: string[]; column: string }[] {
  return [...ARCHIVE_TEXT_LEAVES].map(([path, leaf]) => ({ keys: path.split('.'), column: leaf.column }));
}

interface TextLeaf {
  readonly column: string;
  /**
   * Whether the column's own value tells when it holds the path (archiveTextLeaf's `held`), so a
   * guard can read the column alone (compile.ts archiveGuard): not for a column normalize() fills in.
   */
  readonly ownHeld: boolean;
}

const WEB_ID_FEDERATION_PATH = 'userIdentity.sessionContext.webIdFederationData.';

/**
 * The text leaves of the columns archive schema 9 added (archive/laterColumns.ts): vpcEndpointAccountId,
 * sessionCredentialFromConsole, addendum's and tlsDetails' fields and webIdFederationData's
 * federatedProvider (a map's keys and edgeDeviceDetails' JSON text are no leaves). After
 * LEAF_COLUMNS in ARCHIVE_TEXT_LEAVES, so a row the schema 9 upgrade writes takes its old
 * INEXACT_LEAVES followed by their entries (schema9InexactLeavesSql), the text an import writes.
 * Each column is filled from the record's own value at the path alone (NULL when it has none).
 */
const SCHEMA_9_LEAF_COLUMNS: readonly (readonly [string, string])[] = [
  ...['vpcEndpointAccountId', 'sessionCredentialFromConsole', 'addendum', 'tlsDetails'].flatMap((key) => {
    const column = tableColumn(key);
    if (!column) throw new Error(`${key} is not a column of AWS's table`);
    return structLeaves(column);
  }),
  ...structLeaves(USER_IDENTITY).filter(([path]) => path.startsWith(WEB_ID_FEDERATION_PATH)),
];

/**
 * Paths whose value an archive column holds as text: the record's value when it is a string other than
 * '', a number or a boolean, through objects only (archive/rowValues.ts: `orNull(text(value))`, the
 * identity struct built only over objects), else NULL; errorMessage as normalize() made it. A path
 * added here needs a new archive schema (INEXACT_LEAVES of the rows archived before never names it).
 * These are schema 8's; ARCHIVE_TEXT_LEAVES adds schema 9's (SCHEMA_9_LEAF_COLUMNS) after them.
 */
const LEAF_COLUMNS: readonly (readonly [string, string])[] = [
  ['eventVersion', 'eventversion'],
  ['eventSource', 'eventsource'],
  ['eventName', 'eventname'],
  ['awsRegion', 'awsregion'],
  ['sourceIPAddress', 'sourceipaddress'],
  ['userAgent', 'useragent'],
  ['errorCode', 'errorcode'],
  ['eventType', 'eventtype'],
  ['apiVersion', 'apiversion'],
  ['readOnly', 'readonly'],
  ['recipientAccountId', 'recipientaccountid'],
  ['vpcEndpointId', 'vpcendpointid'],
  // The archive's identity struct (archive/schema.ts USER_IDENTITY_TYPE) has AWS's fields, and one AWS's DDL lacks
  // (webIdFederationData's came with schema 9: below).
  ...structLeaves(USER_IDENTITY).filter(([path]) => !path.startsWith(WEB_ID_FEDERATION_PATH)),
  ['userIdentity.sessionContext.sourceIdentity', 'useridentity.sessioncontext.sourceidentity'],
  ['errorMessage', 'errormessage'],
];
/** Columns normalize() may fill in where the record has no text there ('', none, not text): their own value does not tell whether they hold the path. */
const FILLED_IN = new Set(['errormessage']);

const ARCHIVE_TEXT_LEAVES: ReadonlyMap<string, TextLeaf> = new Map(
  [...LEAF_COLUMNS, ...SCHEMA_9_LEAF_COLUMNS].map(([path, column]) => [path, { column, ownHeld: !FILLED_IN.has(column) }]),
);

/** Every path whose archive column's own value tells when it holds it (archiveTextLeaf `held`), split into keys. */
export function archiveTextLeafPaths(): string[][] {
  return [...ARCHIVE_TEXT_LEAVES].filter(([, leaf]) => leaf.ownHeld).map(([path]) => path.split('.'));
}

/**
 * The archive column that holds the path's one value as text, and the condition on the column
 * alone under which it holds it (`held`: then the path yields exactly that
 * value; null for a column normalize() fills in). False for NULL ('', an object, a list, no
 * value), and, from before tt_inexact, for a value with a digit or `-` first (a number's text:
 * the column holds it as the path yields it, so this only costs a guard its narrowing on such
 * values; DuckDB's JSON text of a number differs, `1e21`, which numberText mends). Null when no
 * column holds the path.
 */
export function archiveTextLeaf(keys: readonly string[]): { column: string; held: string | null } | null {
  const leaf = ARCHIVE_TEXT_LEAVES.get(keys.join('.'));
  if (!leaf) return null;
  const { column } = leaf;
  return { column, held: leaf.ownHeld ? `(${column} IS NOT NULL AND ascii(${column}) NOT BETWEEN 48 AND 57 AND ascii(${column}) <> 45)` : null };
}

/**
 * The elements of the JSON array `v` a path walks on (DuckDB): an element that is itself an array
 * is an array met on the way too, so it fans out again (recordMatch.ts visitPath), to any depth a
 * record read can have (MAX_JSON_DEPTH). Only an array holding an array pays for the repeated
 * flattening, which AWS's records hardly ever have; `json_extract(v, '$..key')` is no shortcut, as
 * it also descends into objects.
 */
function arrayElements(v: string, fresh: Fresh): string {
  const top = `json_extract(${v}, '$[*]')`;
  const a = fresh('a');
  const b = fresh('b');
  const acc = fresh('acc');
  const unused = fresh('u');
  const i = fresh('i');
  const holdsArray = `len(list_filter(${top}, lambda ${a}: json_type(${a}) = 'ARRAY')) > 0`;
  // One level of nesting undone per step; list_reduce's accumulator is its list's element type, so
  // the steps are a list of empty JSON lists after the first element, the elements themselves.
  const step = `flatten(list_transform(${acc}, lambda ${b}: CASE WHEN json_type(${b}) = 'ARRAY' THEN json_extract(${b}, '$[*]') ELSE [${b}] END))`;
  const steps = `list_concat([${top}], list_transform(range(${MAX_JSON_DEPTH}), lambda ${i}: []::JSON[]))`;
  return `CASE WHEN ${holdsArray} THEN list_reduce(${steps}, lambda ${acc}, ${unused}: ${step}) ELSE ${top} END`;
}

/**
 * A JSON number's text as JSON.stringify writes it (ast.ts: a number is compared as its JSON text,
 * which the in-memory engine takes from JSON.stringify): DuckDB writes 1e+21 as 1e21. The record
 * the archive holds was written by JSON.stringify, so only the exponent's sign can differ.
 */
export function numberText(text: string): string {
  return `regexp_replace(${text}, 'e([0-9])', 'e+\\1')`;
}

/**
 * An object's or a list's JSON text as JSON.stringify writes it (ast.ts: compared as its JSON text):
 * DuckDB writes the JSON back as it read it but for an exponent's sign, so each number's `1e21`
 * outside the strings becomes `1e+21`, as numberText does for a number alone. The strings are found
 * by splitting at the quotes once each `\\` and `\"` is set aside (as chr(1) and chr(2), which JSON
 * text cannot hold raw); only text holding a digit, e and a digit pays for it.
 */
function jsonText(text: string): string {
  const split = `string_split(replace(replace(${text}, '\\\\', chr(1)), '\\"', chr(2)), '"')`;
  const outside = `list_transform(${split}, lambda json_part, json_i: CASE WHEN json_i % 2 = 1 THEN regexp_replace(json_part, '([0-9])e([0-9])', '\\1e+\\2', 'g') ELSE json_part END)`;
  return `CASE WHEN regexp_matches(${text}, '[0-9]e[0-9]') THEN replace(replace(array_to_string(${outside}, '"'), chr(2), '\\"'), chr(1), '\\\\') ELSE ${text} END`;
}

/** A JSON value's text as ast.ts compares it: a string as is, a number or an object as JSON.stringify writes it. */
function jsonValueText(x: string): string {
  return (
    `CASE WHEN json_type(${x}) = 'VARCHAR' THEN ${x} ->> '$' WHEN json_type(${x}) = 'DOUBLE' THEN ${numberText(`CAST(${x} AS VARCHAR)`)} ` +
    `WHEN json_type(${x}) = 'OBJECT' THEN ${jsonText(`CAST(${x} AS VARCHAR)`)} ELSE CAST(${x} AS VARCHAR) END`
  );
}

/** The values of `rest` walked from the JSON values of `start` (archivePath's walk). */
function archiveJsonPath(d: Dialect, start: string, rest: readonly string[], fresh: Fresh): string {
  let list = start;
  for (const key of rest) {
    const v = fresh('v');
    const e = fresh('e');
    list = `flatten(${d.transform(
      list,
      v,
      `CASE WHEN json_type(${v}) = 'ARRAY' THEN ${d.transform(arrayElements(v, fresh), e, `json_extract(${e}, ${pointer(key)})`)} ELSE [json_extract(${v}, ${pointer(key)})] END`,
    )})`;
  }
  const v = fresh('v');
  const e = fresh('e');
  const leaf = `flatten(${d.transform(
    list,
    v,
    `CASE WHEN ${v} IS NULL OR json_type(${v}) = 'NULL' OR (json_type(${v}) = 'ARRAY' AND json_array_length(${v}) = 0) THEN []::VARCHAR[] ` +
      `WHEN json_type(${v}) = 'ARRAY' THEN list_concat([${jsonText(`CAST(${v} AS VARCHAR)`)}], ${d.transform(
        `list_filter(json_extract(${v}, '$[*]'), lambda ${e}: json_type(${e}) NOT IN ('ARRAY', 'OBJECT', 'NULL'))`,
        e,
        jsonValueText(e),
      )}) ` +
      `ELSE [${jsonValueText(v)}] END`,
  )})`;
  return leaf;
}

/**
 * What the Error code column shows of an event (model/failure.ts errorLabel), as error: and plain
 * words match it: the errorCode, or a failed console sign-in's errorMessage; NULL for none.
 */
export function errorLabelSql(failedWithoutCode: string, failedLabel: string): string {
  return `CASE WHEN coalesce(errorcode, '') <> '' THEN errorcode WHEN coalesce(${failedWithoutCode}, false) THEN ${failedLabel} END`;
}

/**
 * The search text plain words look in, as model/searchText.ts builds it: the values one per line,
 * an empty one (or NULL) skipped, and a resource's ARN only where it is not its name; else a word
 * spanning a line break (`"get\u{a}bob"`) or runs in order (`x-res*x-res`) found lines the row
 * does not have. `resources` is a list of structs `r` with `r.arn`; `name` reads a resource's name.
 * `names.nonEmpty`: the list never holds '' (the archive's tt_usernames, from model/actor.ts
 * userNamesOf), so it is joined as it is: a lambda on every name cost a word search ~10%.
 */
function searchLines(d: Dialect, { before, names, resources, after }: SearchParts): string {
  const line = (x: string): string => `nullif(${x}, '')`;
  const nameLines = line(d.joinLines(names.nonEmpty ? names.list : d.transform(names.list, 'n', line('n'))));
  // IS DISTINCT FROM rather than comparing coalesced texts: the same answer (an '' ARN is no line either way), ~10% less work.
  const resourceLines = d.transform(
    resources.list,
    'r',
    line(`concat_ws(chr(10), ${line(resources.name)}, CASE WHEN r.arn IS DISTINCT FROM ${resources.name} THEN ${line('r.arn')} END)`),
  );
  return `concat_ws(chr(10), ${[...before.map(line), nameLines, line(d.joinLines(resourceLines)), ...after.map(line)].join(', ')})`;
}

/** What a table's search text is made of, in model/searchText.ts order (searchLines). */
interface SearchParts {
  before: readonly string[];
  names: { list: string; nonEmpty: boolean; within?: string };
  resources: { list: string; name: string };
  /** After the resources, but for the error label (given as `error`), which searchText puts after the first (the source IP). */
  after: readonly string[];
  error: { failedWithoutCode: string; failedLabel: string };
}

function searchTextOf(d: Dialect, parts: SearchParts): string {
  const [ip, ...rest] = parts.after;
  return searchLines(d, { ...parts, after: [ip!, errorLabelSql(parts.error.failedWithoutCode, parts.error.failedLabel), ...rest] });
}

/**
 * The same values one by one (SearchValues). The error label as two values: the errorCode, and a
 * failed sign-in's label where there is none (an empty errorCode holds no word). The lists last: of
 * OR-ed tests DuckDB runs each on the rows the earlier ones left, and the lists are the dear ones.
 */
function searchValuesOf(parts: SearchParts): SearchValues {
  const { failedWithoutCode, failedLabel } = parts.error;
  return {
    scalars: [...parts.before, ...parts.after, 'errorcode', `CASE WHEN coalesce(${failedWithoutCode}, false) THEN ${failedLabel} END`],
    lists: [parts.names.within ? { list: parts.names.list, within: parts.names.within } : { list: parts.names.list }],
    structs: { list: parts.resources.list, fields: [parts.resources.name, 'r.arn'] },
  };
}

/** The archive's schema; `reads` learns what the compile read the record for. */
export function archiveSchema(d: Dialect, textColumns: ArchiveTextColumns = 'flagged', reads: ArchiveRecordReads = noReads()): Schema {
  const resourceNames = d.transform('tt_resources', 'r', 'r.name');
  const resourceArns = d.transform('tt_resources', 'r', 'r.arn');
  const resourceTypes = d.transform('tt_resources', 'r', 'r.type');
  // normalize() already gives such a record the errorMessage 'Failure' when it has none.
  const failedWithoutCode = "(tt_name = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND coalesce(errormessage, '') <> '')";
  const failedLabel = 'errormessage';
  const search: SearchParts = {
    before: ['tt_name', 'tt_source', 'tt_actor'],
    // tt_users holds every user name (archive/schema.ts USERS_SQL), and the actor and principal ARN.
    names: { list: 'tt_usernames', nonEmpty: true, within: 'tt_users' },
    resources: { list: 'tt_resources', name: 'r.name' },
    after: ['sourceipaddress', 'awsregion', 'tt_accesskey'],
    error: { failedWithoutCode, failedLabel },
  };
  return {
    name: 'archive',
    loweredValues: (field) => (field === 'user' ? 'tt_users' : null),
    summary(field) {
      switch (field) {
        case 'name':
          return scalars('tt_name');
        case 'user':
          return { scalars: ['tt_actor', 'tt_principalarn'], lists: ['tt_usernames'] };
        case 'actor':
          return scalars('tt_actor');
        case 'source':
          return scalars('tt_source');
        case 'resource':
          return { scalars: [], lists: [resourceNames, resourceArns] };
        case 'type':
          return { scalars: [], lists: [resourceTypes] };
        case 'id':
          return scalars('eventid', 'sharedeventid');
        case 'requestid':
          return scalars('requestid');
        case 'key':
          return scalars('tt_accesskey');
        case 'region':
          return scalars('awsregion');
        case 'ip':
          return scalars('sourceipaddress');
        case 'error':
          return scalars('errorcode');
        case 'account':
          return scalars('tt_account', 'recipientaccountid');
        case 'category':
          return scalars('eventcategory');
        case 'eventtype':
          return scalars('eventtype');
        case 'agent':
          return scalars('useragent');
        case 'identity':
          return scalars('useridentity.type');
        default:
          return null;
      }
    },
    readOnly: () => 'tt_readonly',
    timeBetween: (min, max) => timeBounds('tt_time', min, max, (ms) => String(Math.round(ms))),
    searchText: () => searchTextOf(d, search),
    searchValues: () => searchValuesOf(search),
    fuzzy(field) {
      switch (field) {
        case 'name':
          return scalars('tt_name');
        case 'user':
          return { scalars: ['tt_actor'], lists: ['tt_usernames'] };
        case 'source':
          return scalars('tt_source');
        case 'resource':
          return { scalars: [], lists: [resourceNames] };
        case 'error':
          return scalars('errorcode');
        default:
          return null;
      }
    },
    path: (keys, fresh) => archivePath(d, keys, fresh, textColumns, reads),
    params: () => 'concat_ws(chr(10), requestparameters, responseelements, additionaleventdata, serviceeventdetails)',
    eventId: () => 'eventid',
    failedWithoutCode: () => failedWithoutCode,
    failedLabel: () => failedLabel,
  };
}

// ---------------------------------------------------------------- cloudtrail (Athena's table)

const UI = 'useridentity';
const TYPE = `coalesce(${UI}.type, '')`;
const ARN = `coalesce(${UI}.arn, '')`;
const ISSUER = `${UI}.sessioncontext.sessionissuer`;
const MARKER = "':assumed-role/'";
const ASSUMED_REST = `substr(${ARN}, strpos(${ARN}, ${MARKER}) + 14)`;
const IS_ASSUMED_ARN = `strpos(${ARN}, ${MARKER}) > 0`;

function cloudtrailUser(d: Dialect): { actor: string; principalArn: string; names: string[]; fuzzyNames: string[] } {
  const nz = (x: string): string => `nullif(${x}, '')`;
  const role = `coalesce(${nz(`${ISSUER}.username`)}, CASE WHEN ${IS_ASSUMED_ARN} THEN split_part(${ASSUMED_REST}, '/', 1) END)`;
  const session = `CASE WHEN ${IS_ASSUMED_ARN} AND strpos(${ASSUMED_REST}, '/') > 0 THEN regexp_extract(${ARN}, '[^/]*$') END`;
  const principalArn = `coalesce(${nz(ARN)}, ${nz(`${ISSUER}.arn`)})`;
  const assumed = `(${TYPE} = 'AssumedRole' OR ${IS_ASSUMED_ARN})`;
  const actor =
    `CASE WHEN ${UI} IS NULL THEN NULL ` +
    `WHEN ${TYPE} = 'IAMUser' AND ${nz(`${UI}.username`)} IS NOT NULL THEN ${UI}.username ` +
    `WHEN ${TYPE} = 'AssumedRole' AND ${nz(role)} IS NOT NULL AND ${nz(session)} IS NOT NULL THEN ${role} || '/' || ${session} ` +
    `WHEN ${TYPE} = 'AssumedRole' AND ${nz(role)} IS NOT NULL THEN ${role} ` +
    `WHEN ${TYPE} = 'Root' THEN 'root' ` +
    `WHEN ${TYPE} = 'IdentityCenterUser' AND ${nz(`${UI}.onbehalfof.userid`)} IS NOT NULL THEN 'idc:' || ${UI}.onbehalfof.userid ` +
    `WHEN ${TYPE} IN ('AWSService', '') AND ${nz(`${UI}.invokedby`)} IS NOT NULL THEN ${UI}.invokedby ` +
    `ELSE coalesce(${nz(ARN)}, ${nz(`${UI}.principalid`)}, ${TYPE}) END`;
  const names = [
    `${UI}.username`,
    `CASE WHEN ${assumed} THEN ${role} END`,
    `CASE WHEN ${assumed} THEN ${session} END`,
    `CASE WHEN ${assumed} AND ${TYPE} <> 'AssumedRole' THEN ${role} || '/' || ${session} END`,
    `CASE WHEN NOT ${assumed} THEN ${ISSUER}.username END`,
    `CASE WHEN ${TYPE} = 'Root' THEN 'root' END`,
    `CASE WHEN ${TYPE} = 'IdentityCenterUser' THEN ${UI}.onbehalfof.userid END`,
    principalArn,
  ];
  void d;
  return { actor, principalArn, names, fuzzyNames: names };
}

/** model/resources.ts nameFromArn, in SQL: the console-style name of an ARN's resource. */
function nameFromArnSql(d: Dialect, arn: string): string {
  const resource = `regexp_extract(${arn}, '^arn:[^:]*:[^:]*:[^:]*:[^:]*:(.*)$', 1)`;
  const service = `split_part(${arn}, ':', 3)`;
  const typed = `regexp_extract(${resource}, '^[A-Za-z0-9-]+:(.*)$', 1)`;
  const trimmed = `CASE WHEN ${resource} LIKE '%/' THEN substr(${resource}, 1, length(${resource}) - 1) ELSE ${resource} END`;
  const last = `coalesce(nullif(regexp_extract(${trimmed}, '[^/]*$'), ''), ${trimmed})`;
  return (
    `CASE WHEN ${arn} IS NULL OR ${arn} NOT LIKE 'arn:%' OR coalesce(${resource}, '') = '' THEN ${arn} ` +
    `WHEN ${service} = 's3' THEN ${resource} ` +
    `WHEN ${typed} IS NOT NULL AND ${d.regexSearch(resource, "'^[A-Za-z0-9-]+:'")} THEN ` +
    `CASE WHEN ${service} = 'lambda' THEN split_part(${typed}, ':', 1) WHEN ${typed} LIKE '%:*' THEN substr(${typed}, 1, length(${typed}) - 2) ELSE ${typed} END ` +
    `ELSE ${last} END`
  );
}

/** Athena's text columns by record key (cloudtrailTable.ts). */
const STRING_COLUMNS: ReadonlyMap<string, string> = new Map(columnsOfKind('string'));

/**
 * A path into a struct column (useridentity, addendum, tlsdetails) by the table's fields: a text
 * leaf is its value; a path on past a text has no value (as in memory: a string has no keys); a
 * map's key is its value (the map keeps the record's own keys); a path that ends on a struct or a
 * map only answers `:*` (in memory its value is the object's JSON text, which the SQL value is not).
 */
function structPath(d: Dialect, column: TableField, keys: readonly string[]): ValueSource {
  let type = column.type;
  const columns = [column.name];
  const named = (upTo: number): string => [column.key, ...keys.slice(0, upTo)].join('.');
  for (const [k, key] of keys.entries()) {
    if (type.kind === 'string') return scalars();
    if (type.kind === 'map') {
      if (k < keys.length - 1) return scalars();
      const map = columns.join('.');
      // Trino's element_at and DuckDB's subscript give NULL for a key the map lacks (Trino's own subscript fails the query).
      return scalars(d.name === 'duckdb' ? `${map}[${literal(key)}]` : `element_at(${map}, ${literal(key)})`);
    }
    if (type.kind !== 'struct') throw new SqlCompileError(`${named(k)} is not a struct of the Athena table`);
    const field = type.fields.find((f) => f.key === key);
    if (!field) throw new SqlCompileError(`${named(k + 1)} is not a field of the Athena table's ${column.name}`);
    columns.push(field.name);
    type = field.type;
  }
  const path = columns.join('.');
  if (type.kind === 'struct') return { scalars: [path], lists: [], onlyExists: `${named(keys.length)} is a struct in the Athena table: test one of its fields, or :* for "present"` };
  if (type.kind === 'map') return { scalars: [path], lists: [], onlyExists: `${named(keys.length)} is a map in the Athena table: test one of its keys, or :* for "present"` };
  return scalars(path);
}

function jsonPathFor(d: Dialect, keys: readonly string[]): string {
  for (const key of keys) {
    if (/["\\]/.test(key) || key === '') throw new SqlCompileError(`the key ${JSON.stringify(key)} cannot be written as an Athena JSON path`);
  }
  if (d.name === 'duckdb') return literal(keys.map((k) => '/' + k.replace(/~/g, '~0').replace(/\//g, '~1')).join(''));
  return literal('$' + keys.map((k) => `["${k}"]`).join(''));
}

/**
 * The values at `path` in a JSON text column, as archivePath gives them at a leaf: a string its
 * text, a number or boolean its JSON text, an array its JSON text plus each scalar element (an
 * empty one none), an object its JSON text, JSON null none (Trino's json_extract gives JSON null, which json_format
 * writes as the text null).
 */
function jsonLeaf(d: Dialect, column: string, path: string, fresh: Fresh): ValueSource {
  const e = fresh('e');
  if (d.name === 'duckdb') {
    const type = `json_type(${column}, ${path})`;
    const value = `json_extract(${column}, ${path})`;
    // Numbers, objects and lists as JSON.stringify writes them, as archiveJsonPath gives them.
    return {
      scalars: [
        `CASE WHEN ${type} = 'VARCHAR' THEN json_extract_string(${column}, ${path}) WHEN ${type} = 'DOUBLE' THEN ${numberText(`CAST(${value} AS VARCHAR)`)} ` +
          `WHEN ${type} = 'ARRAY' AND json_array_length(${column}, ${path}) = 0 THEN NULL ` +
          `WHEN ${type} IN ('OBJECT', 'ARRAY') THEN ${jsonText(`CAST(${value} AS VARCHAR)`)} WHEN ${type} <> 'NULL' THEN CAST(${value} AS VARCHAR) END`,
      ],
      lists: [
        `CASE WHEN ${type} = 'ARRAY' THEN ${d.transform(`list_filter(json_extract(${value}, '$[*]'), lambda ${e}: json_type(${e}) NOT IN ('ARRAY', 'OBJECT', 'NULL'))`, e, jsonValueText(e))} END`,
      ],
    };
  }
  const value = `json_extract(${column}, ${path})`;
  return {
    // JSON null and an empty array are no value (ast.ts); json_format writes them 'null' and '[]'.
    scalars: [`coalesce(json_extract_scalar(${column}, ${path}), nullif(nullif(json_format(${value}), 'null'), '[]'))`],
    lists: [`transform(filter(TRY_CAST(${value} AS ARRAY(JSON)), ${e} -> json_extract_scalar(${e}, '$') IS NOT NULL), ${e} -> json_extract_scalar(${e}, '$'))`],
  };
}

function cloudtrailPath(d: Dialect, keys: readonly string[], fresh: Fresh): ValueSource {
  const [head, ...rest] = keys;
  if (head === undefined) throw new SqlCompileError('an empty path has no column');
  const column = STRING_COLUMNS.get(head);
  if (column) {
    if (rest.length > 0) return scalars();
    return scalars(column);
  }
  const json = JSON_COLUMNS.get(head);
  if (json) {
    if (rest.length === 0) return scalars(json);
    return jsonLeaf(d, json, jsonPathFor(d, rest), fresh);
  }
  const table = tableColumn(head);
  if (table?.type.kind === 'struct') return structPath(d, table, rest);
  if (table?.type.kind === 'array') {
    // resources: one text field of its structs, each element's value.
    const field = rest.length === 1 ? table.type.of.fields.find((f) => f.key === rest[0] && f.type.kind === 'string') : undefined;
    if (!field) throw new SqlCompileError(`${head}.${rest.join('.')} is not a field of the Athena table's ${table.name}`);
    return { scalars: [], lists: [d.transform(table.name, 'r', `r.${field.name}`)] };
  }
  throw new SqlCompileError(`${head} is not a column of the Athena CloudTrail table`);
}

export function cloudtrailSchema(d: Dialect): Schema {
  const user = cloudtrailUser(d);
  const resourceArns = d.transform('resources', 'r', 'r.arn');
  const resourceNames = d.transform('resources', 'r', nameFromArnSql(d, 'r.arn'));
  const resourceTypes = d.transform('resources', 'r', 'r.type');
  const time =
    d.name === 'duckdb'
      ? { value: 'TRY_CAST(eventtime AS TIMESTAMPTZ)', at: (ms: number) => `TIMESTAMPTZ ${literal(iso(ms))}` }
      : { value: 'try(from_iso8601_timestamp(eventtime))', at: (ms: number) => `from_iso8601_timestamp(${literal(iso(ms))})` };
  const result = d.name === 'duckdb' ? `json_extract_string(responseelements, '$.ConsoleLogin')` : `json_extract_scalar(responseelements, '$.ConsoleLogin')`;
  const failedWithoutCode = `(eventname = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND (coalesce(errormessage, '') <> '' OR coalesce(${result} = 'Failure', false)))`;
  // normalize() gives a failed sign-in without an errorMessage the message 'Failure' (model/failure.ts errorMessageOf).
  const failedLabel = `coalesce(nullif(errormessage, ''), ${literal(CONSOLE_LOGIN_FAILURE)})`;
  const search: SearchParts = {
    before: ['eventname', 'eventsource', user.actor],
    names: { list: d.array(user.names), nonEmpty: false },
    resources: { list: 'resources', name: nameFromArnSql(d, 'r.arn') },
    after: ['sourceipaddress', 'awsregion', `${UI}.accesskeyid`],
    error: { failedWithoutCode, failedLabel },
  };
  return {
    name: 'cloudtrail',
    summary(field) {
      switch (field) {
        case 'name':
          return scalars('eventname');
        case 'user':
          return scalars(user.actor, ...user.names);
        case 'actor':
          return scalars(user.actor);
        case 'source':
          return scalars('eventsource');
        case 'resource':
          return { scalars: [], lists: [resourceNames, resourceArns] };
        case 'type':
          return { scalars: [], lists: [resourceTypes] };
        case 'id':
          return scalars('eventid', 'sharedeventid');
        case 'requestid':
          return scalars('requestid');
        case 'key':
          return scalars(`${UI}.accesskeyid`);
        case 'region':
          return scalars('awsregion');
        case 'ip':
          return scalars('sourceipaddress');
        case 'error':
          return scalars('errorcode');
        case 'account':
          return scalars(`${UI}.accountid`, 'recipientaccountid');
        case 'category':
          return scalars('eventcategory');
        case 'eventtype':
          return scalars('eventtype');
        case 'agent':
          return scalars('useragent');
        case 'identity':
          return scalars(`${UI}.type`);
        default:
          return null;
      }
    },
    readOnly: () => "CASE lower(readonly) WHEN 'true' THEN true WHEN 'false' THEN false END",
    timeBetween: (min, max) =>
      min > ISO_LAST_MS || max < ISO_FIRST_MS ? 'false' : timeBounds(time.value, min < ISO_FIRST_MS ? -Infinity : min, max > ISO_LAST_MS ? Infinity : max, time.at),
    searchText: () => searchTextOf(d, search),
    searchValues: () => searchValuesOf(search),
    fuzzy(field) {
      switch (field) {
        case 'name':
          return scalars('eventname');
        case 'user':
          return scalars(user.actor, ...user.fuzzyNames);
        case 'source':
          return scalars('eventsource');
        case 'resource':
          return { scalars: [], lists: [resourceNames] };
        case 'error':
          return scalars('errorcode');
        default:
          return null;
      }
    },
    path: (keys, fresh) => cloudtrailPath(d, keys, fresh),
    params: () => 'concat_ws(chr(10), requestparameters, responseelements, additionaleventdata, serviceeventdetails)',
    eventId: () => 'eventid',
    failedWithoutCode: () => failedWithoutCode,
    failedLabel: () => failedLabel,
  };
}
