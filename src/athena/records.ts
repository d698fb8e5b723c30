/**
 * A result row of athenaStatement back into a CloudTrail record (CloudTrail's
 * key names), so the same normalize(), list and export code shows it.
 * Athena returns every value as text: JSON columns are parsed back; the
 * useridentity and resources structs come as JSON (statement.ts casts them).
 */
import { CLOUDTRAIL_TABLE, type TableField, type TableType } from '../query/sql/cloudtrailTable.js';

type Loose = Record<string, unknown>;

/** The table's columns by name (cloudtrailTable.ts): each column's record key and type. */
const COLUMNS: ReadonlyMap<string, TableField> = new Map(CLOUDTRAIL_TABLE.map((column) => [column.name, column]));

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A struct, map or array value (parsed from Athena's JSON) with CloudTrail's key names, by the
 * table's types; nulls dropped as CloudTrail omits them. A map keeps its keys (they are the
 * record's own), a key the table does not declare is kept as it came.
 */
export function fromTable(type: TableType, value: unknown): unknown {
  if (type.kind === 'array') return Array.isArray(value) ? value.filter((v) => v !== null).map((v) => fromTable(type.of, v)) : value;
  if ((type.kind !== 'struct' && type.kind !== 'map') || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Loose = {};
  for (const [name, inner] of Object.entries(value as Loose)) {
    if (inner === null) continue;
    const field = type.kind === 'struct' ? type.fields.find((f) => f.name === name) : undefined;
    out[field?.key ?? name] = field ? fromTable(field.type, inner) : inner;
  }
  return out;
}

export function recordFromRow(row: Record<string, string | null>): Loose {
  const record: Loose = {};
  for (const [column, value] of Object.entries(row)) {
    if (value === null || value === '') continue;
    const field = COLUMNS.get(column);
    if (!field) record[column] = value;
    // A JSON boolean in trail files, the text true/false in the table.
    else if (column === 'readonly') record.readOnly = value === 'true' ? true : value === 'false' ? false : value;
    else if (field.type.kind === 'string') record[field.key] = value;
    else if (field.type.kind === 'json') record[field.key] = parse(value);
    else record[field.key] = fromTable(field.type, parse(value));
  }
  return record;
}
