/**
 * The archive's tt_inexact for one event (schema 8; query/sql/schema.ts INEXACT_LEAVES): the text
 * columns a path test reads instead of the record that do not hold exactly the values the path
 * yields from the record in memory (query/recordMatch.ts visitPath): none when the column is NULL,
 * else the column's one value; `column=` for a NULL column whose path yields exactly ''. Computed
 * at import from the values staged for the columns; an upgraded archive computes it in SQL
 * (archiveInexactLeavesSql), and a test holds the two equal.
 */
import { visitPath } from '../query/recordMatch.js';
import { archiveTextLeafColumns, emptyLeaf, inexactLeavesText } from '../query/sql/schema.js';

type Loose = Record<string, unknown>;

/** Each leaf: the record path, and where its column's value is (a top-level column, or a field path in a struct column). */
const LEAVES = archiveTextLeafColumns().map(({ keys, column }) => {
  const [top, ...field] = column.split('.');
  return { keys, column, top: top!, field };
});

/**
 * `columns`: the staged values of the top-level text columns by name; `structs`: the staged struct
 * columns by name (useridentity as rowValues.ts identityObject makes it, addendum and tlsdetails as
 * laterColumns.ts columnValue does). A column named in neither is NULL.
 */
export function inexactLeaves(record: unknown, columns: Readonly<Record<string, string | null>>, structs: Readonly<Record<string, Loose | null>>): string | null {
  const inexact: string[] = [];
  for (const leaf of LEAVES) {
    const held = leaf.field.length === 0 ? (columns[leaf.top] ?? null) : structField(structs[leaf.top] ?? null, leaf.field);
    if (holdsExactly(record, leaf.keys, held)) continue;
    // A path that yields exactly '' (the column holds NULL): its own mark, which queries read as ''.
    inexact.push(held === null && holdsExactly(record, leaf.keys, '') ? emptyLeaf(leaf.column) : leaf.column);
  }
  return inexactLeavesText(inexact);
}

/** Whether the path's values in `record` are none when `held` is null, else `held` alone. */
function holdsExactly(record: unknown, keys: readonly string[], held: string | null): boolean {
  // The common case without visitPath's callback: objects all the way, then a string or nothing.
  let value: unknown = record;
  for (const key of keys) {
    if (typeof value !== 'object' || value === null) return held === null;
    if (Array.isArray(value)) return visitedExactly(record, keys, held);
    value = Object.hasOwn(value, key) ? (value as Loose)[key] : undefined;
  }
  if (value === undefined || value === null) return held === null;
  if (typeof value === 'string') return value === held;
  // A number JSON cannot write (a log's 1e400): tt_record holds it as null, so the record fallback and the upgrade's SQL find none.
  if (typeof value === 'number' && !Number.isFinite(value)) return held === null;
  return visitedExactly(record, keys, held);
}

function visitedExactly(record: unknown, keys: readonly string[], held: string | null): boolean {
  let values = 0;
  let differs = false;
  visitPath(record, keys, 0, (value) => {
    values++;
    differs = value !== held;
    return values > 1 || differs;
  });
  return held === null ? values === 0 : values === 1 && !differs;
}

function structField(struct: Loose | null, path: readonly string[]): string | null {
  let value: unknown = struct;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return null;
    value = (value as Loose)[key];
  }
  return typeof value === 'string' ? value : null;
}
