/**
 * The SELECT `trailtop athena` sends: the query's WHERE (src/query/sql/,
 * Athena dialect, AWS's CloudTrail table) plus partition predicates taken
 * from the query's region: and time terms, so Athena reads only those
 * partitions (partition projection: `region` and `timestamp` 'yyyy/MM/dd').
 */
import type { QueryNode } from '../query/ast.js';
import { lookupField } from '../query/fields.js';
import { compileWhere, literal, quoteTableName, SqlCompileError, type FuzzyResolver } from '../query/sql/index.js';
import { ISO_FIRST_MS, ISO_LAST_MS } from '../query/sql/schema.js';
import { CLOUDTRAIL_TABLE, type PartitionColumn } from '../query/sql/cloudtrailTable.js';

export type { PartitionColumn };

export interface StatementOptions {
  table: string;
  /** The table's partition columns trailtop may constrain (AWS's DDL: timestamp; with regions: region too). */
  partitions: readonly PartitionColumn[];
  /** Rows at most, newest first. */
  limit: number;
  fuzzy?: FuzzyResolver;
  /** Columns left out of the SELECT: the table lacks them (made from an older DDL; see missingColumn). */
  omit?: ReadonlySet<string>;
}

/**
 * The columns read back: every column of AWS's table (cloudtrailTable.ts), structs, maps and arrays
 * cast to JSON so records.ts can rebuild the record with CloudTrail's key names.
 */
export const SELECT_COLUMNS: readonly string[] = CLOUDTRAIL_TABLE.map((column) =>
  column.type.kind === 'struct' || column.type.kind === 'array' ? `json_format(CAST(${column.name} AS JSON)) AS ${column.name}` : column.name,
);

/**
 * The column of AWS's table a FAILED query's reason says the table lacks (Athena: `COLUMN_NOT_FOUND:
 * line 1:8: Column 'addendum' cannot be resolved ...`), or null. A table made from an older DDL (the
 * README's before vpcendpointaccountid, addendum ... were added) has no such column: the statement
 * can be sent again without it rather than fail every query until the table is made again.
 */
export function missingColumn(reason: string): string | null {
  const name = /COLUMN_NOT_FOUND\b.*?Column '([^']+)' cannot be resolved/.exec(reason)?.[1]?.toLowerCase();
  return name !== undefined && CLOUDTRAIL_TABLE.some((column) => column.name === name) ? name : null;
}

/**
 * Region names the node allows, or null when it allows any: an exact region: term, an OR whose
 * every part is limited (the union), an AND with a limited part (the intersection of those).
 */
function regionsOf(node: QueryNode): string[] | null {
  if (node.kind === 'or') {
    const parts = node.children.map(regionsOf);
    return parts.every((p) => p !== null) ? [...new Set(parts.flat())] : null;
  }
  if (node.kind === 'and') {
    const parts = node.children.map(regionsOf).filter((p): p is string[] => p !== null);
    if (parts.length === 0) return null;
    return parts.reduce((kept, part) => kept.filter((region) => part.includes(region)));
  }
  if (node.kind !== 'field' || node.ref.kind !== 'summary' || lookupField(node.ref.name)?.name !== 'region') return null;
  if (node.match.kind !== 'glob' || node.match.pattern.glob) return null;
  const value = node.match.pattern.segments[0] ?? '';
  // Partition values are region codes as CloudTrail writes them (lowercase): only those can be pruned safely.
  return /^[a-z0-9-]+$/.test(value) ? [value] : null;
}

interface TimeBounds {
  min: number;
  max: number;
}

/** The event-time range the node allows, likewise: an OR spans its parts' ranges, an AND is inside each of its parts'. */
function timeBoundsOf(node: QueryNode): TimeBounds | null {
  if (node.kind === 'time') return { min: node.min, max: node.max };
  if (node.kind === 'or') {
    const parts = node.children.map(timeBoundsOf);
    if (parts.some((p) => p === null)) return null;
    return parts.reduce<TimeBounds>((hull, p) => ({ min: Math.min(hull.min, p!.min), max: Math.max(hull.max, p!.max) }), { min: Infinity, max: -Infinity });
  }
  if (node.kind === 'and') {
    const parts = node.children.map(timeBoundsOf).filter((p): p is TimeBounds => p !== null);
    if (parts.length === 0) return null;
    return parts.reduce((inside, p) => ({ min: Math.max(inside.min, p.min), max: Math.min(inside.max, p.max) }));
  }
  return null;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

/** Partition predicates implied by the query: never narrower than the query itself. */
export function partitionPredicates(node: QueryNode, partitions: readonly PartitionColumn[]): string[] {
  const out: string[] = [];
  if (partitions.includes('region')) {
    const regions = regionsOf(node);
    // No region at all (region:a region:b ANDed apart) matches nothing: no predicate is then still never narrower.
    if (regions && regions.length > 0) out.push(`region IN (${regions.map(literal).join(', ')})`);
  }
  if (partitions.includes('timestamp')) {
    const bounds = timeBoundsOf(node);
    if (bounds) {
      const { min, max } = bounds;
      // A file lands under the day (UTC) it was delivered, minutes after its events: an event of a day's
      // last minutes may be under the next day, so the range closes one day late.
      if (min >= ISO_FIRST_MS && min <= ISO_LAST_MS) out.push(`"timestamp" >= ${literal(day(min))}`);
      if (max >= ISO_FIRST_MS && max + 86_400_000 <= ISO_LAST_MS) out.push(`"timestamp" <= ${literal(day(max + 86_400_000))}`);
    }
  }
  return out;
}

/**
 * True when the table is partitioned by date but the query gives no lower time bound for the whole
 * query: Athena then reads every day the trail holds (billed by the bytes).
 */
export function readsEveryDay(node: QueryNode, partitions: readonly PartitionColumn[]): boolean {
  return partitions.includes('timestamp') && !partitionPredicates(node, ['timestamp']).some((p) => p.startsWith('"timestamp" >='));
}

/** Bytes of query text Athena's StartQueryExecution takes at most (its QueryString limit). */
export const ATHENA_QUERY_BYTES = 262_144;

/** The statement; a SqlCompileError when it is longer than Athena takes (each plain word repeats the search text, ~6.7 KB). */
export function athenaStatement(node: QueryNode, options: StatementOptions): string {
  const where = [...partitionPredicates(node, options.partitions), compileWhere(node, { dialect: 'athena', schema: 'cloudtrail', fuzzy: options.fuzzy })];
  const sql =
    `SELECT ${SELECT_COLUMNS.filter((_, k) => !options.omit?.has(CLOUDTRAIL_TABLE[k]!.name)).join(', ')}\nFROM ${quoteTableName(options.table)}\n` +
    `WHERE ${where.join('\n  AND ')}\nORDER BY eventtime DESC, eventid DESC\nLIMIT ${Math.max(1, Math.floor(options.limit))}`;
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > ATHENA_QUERY_BYTES) {
    throw new SqlCompileError(
      `the SQL is ${bytes.toLocaleString('en-US')} bytes, over the ${ATHENA_QUERY_BYTES.toLocaleString('en-US')} Athena takes: use fewer plain words (each searches every summary field) or field terms instead`,
    );
  }
  return sql;
}
