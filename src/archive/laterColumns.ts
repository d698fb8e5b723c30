/**
 * The columns of AWS's Athena CloudTrail table (query/sql/cloudtrailTable.ts) that came into its DDL
 * after the archive's first layout, and that the archive has since schema 9: vpcendpointaccountid,
 * addendum, sessioncredentialfromconsole, edgedevicedetails, tlsdetails, and
 * useridentity.sessioncontext.webidfederationdata. Typed as the DDL types them (their DuckDB types
 * are made from it, so they cannot drift), and filled from the record twice over: in JavaScript at
 * import (rowValues.ts stagedLine) and in SQL from tt_record when a schema 8 archive is upgraded
 * (upgrades.ts). The two live here side by side because they must give the same values; a test
 * holds them equal.
 *
 * Values follow the identity struct's rule (rowValues.ts identityObject): a text leaf is the
 * record's string, or a number's or boolean's text, else NULL ('' too); a struct is NULL unless the
 * record holds an object there; a map holds the record's own keys, each value by the leaf rule.
 */
import { objectOf } from '../model/actor.js';
import { tableColumn, USER_IDENTITY, type TableField, type TableType } from '../query/sql/cloudtrailTable.js';
import { literal } from '../query/sql/dialect.js';
import { numberText } from '../query/sql/schema.js';

function declared(key: string): TableField {
  const column = tableColumn(key);
  if (!column) throw new Error(`archive: ${key} is not a column of AWS's table`);
  return column;
}

/** The top-level columns, in AWS's order, which is the order the upgrade adds them and CREATE TABLE lists them in. */
export const LATER_COLUMNS: readonly TableField[] = ['vpcEndpointAccountId', 'addendum', 'sessionCredentialFromConsole', 'edgeDeviceDetails', 'tlsDetails'].map(declared);

/** webIdFederationData, the field of useridentity.sessioncontext the archive lacked. */
export const WEB_ID_FEDERATION: TableField = (() => {
  const context = USER_IDENTITY.type.kind === 'struct' ? USER_IDENTITY.type.fields.find((f) => f.key === 'sessionContext') : undefined;
  const field = context?.type.kind === 'struct' ? context.type.fields.find((f) => f.key === 'webIdFederationData') : undefined;
  if (!field) throw new Error("archive: AWS's table declares no userIdentity.sessionContext.webIdFederationData");
  return field;
})();

/** A type of AWS's table as DuckDB writes it (STRING -> VARCHAR; JSON text is VARCHAR too). */
export function duckdbType(type: TableType): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'VARCHAR';
    case 'map':
      return 'MAP(VARCHAR, VARCHAR)';
    case 'array':
      return `${duckdbType(type.of)}[]`;
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${f.name} ${duckdbType(f.type)}`).join(', ')})`;
  }
}

// ---------------------------------------------------------------- at import (JavaScript)

/** A UTF-16 unit of a surrogate pair with no partner (String.prototype.toWellFormed is ES2024, past this project's lib). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A leaf's text, as model/actor.ts `text` gives it but for a number JSON cannot write (a log's
 * `1e400` parses to Infinity): tt_record holds that as null, so the upgrade could only give NULL.
 */
export function leafText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  return null;
}

/**
 * A record value as the column of `type` holds it, ready for JSON.stringify and the staging's cast
 * (a struct has every field: DuckDB's cast from JSON refuses an object that lacks one). A `json`
 * column's value is the record's own value (rowValues.ts writes its JSON text).
 */
export function columnValue(type: TableType, value: unknown): unknown {
  switch (type.kind) {
    case 'string':
      return leafText(value);
    case 'json':
      return value === undefined || value === null ? null : value;
    case 'map': {
      const object = objectOf(value);
      if (!object) return null;
      // A lone surrogate becomes U+FFFD on its way to DuckDB (rowValues.ts wellFormedJson), so two keys
      // can become one: the first is kept, as columnValueSql keeps it (a map's keys are unique).
      const entries = new Map<string, string | null>();
      for (const [key, inner] of Object.entries(object)) {
        const wellFormed = key.replace(LONE_SURROGATE, '\ufffd');
        if (!entries.has(wellFormed)) entries.set(wellFormed, leafText(inner));
      }
      // fromEntries, not assignment: a log's "__proto__" key stays a key.
      return Object.fromEntries(entries);
    }
    case 'struct': {
      const object = objectOf(value);
      return object ? Object.fromEntries(type.fields.map((f) => [f.name, columnValue(f.type, Object.hasOwn(object, f.key) ? object[f.key] : undefined)])) : null;
    }
    case 'array':
      throw new Error('archive: no later column is a list');
  }
}

// ---------------------------------------------------------------- in SQL (the upgrade, and the JSON text column at import)

/** DuckDB's JSON pointer to `keys` (RFC 6901), as a literal. */
const pointer = (...keys: string[]): string => literal(keys.map((key) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''));

/** `body` with `name` bound to `value` once: a lambda over a one-element list, so `value` (a parse of the record) runs once. */
const bind = (value: string, name: string, body: string): string => `list_transform([${value}], lambda ${name}: ${body})[1]`;

/**
 * A JSON text column's value from the JSON value `json`: NULL for none or JSON null, else the JSON
 * text DuckDB writes for it. Written by DuckDB at import too (schema.ts stagedRows), not by
 * JSON.stringify as requestparameters is: the upgrade can only write DuckDB's text (`1e21`,
 * `\u000B`, a lone surrogate's U+FFFD raw), and both must be the same bytes.
 */
export function jsonTextSql(json: string): string {
  return `CASE WHEN json_type(${json}) <> 'NULL' THEN CAST(${json} AS VARCHAR) END`;
}

/** SQL for columnValue: the value of `type` from the JSON value `json` (an expression, evaluated more than once). */
export function columnValueSql(type: TableType, json: string, depth = 0): string {
  switch (type.kind) {
    case 'string':
      // tt_record was written by JSON.stringify, so a number's text there is JavaScript's but for the exponent's sign.
      return (
        `CASE json_type(${json}) WHEN 'VARCHAR' THEN nullif(${json} ->> '$', '') WHEN 'BOOLEAN' THEN CAST(${json} AS VARCHAR) ` +
        `WHEN 'BIGINT' THEN CAST(${json} AS VARCHAR) WHEN 'UBIGINT' THEN CAST(${json} AS VARCHAR) WHEN 'DOUBLE' THEN ${numberText(`CAST(${json} AS VARCHAR)`)} END`
      );
    case 'json':
      return jsonTextSql(json);
    case 'map': {
      const [m, e, i] = [`m${depth}`, `e${depth}`, `i${depth}`];
      // The record's keys as U+FFFD made them (tt_record is well-formed): the first of equal keys, as columnValue keeps it.
      const unique = `list_filter(map_entries(${m}), lambda ${e}, ${i}: list_position(map_keys(${m}), ${e}.key) = ${i})`;
      const entries = `list_transform(${unique}, lambda ${e}: {'key': ${e}.key, 'value': ${columnValueSql({ kind: 'string' }, `${e}.value`, depth + 1)}})`;
      return `CASE WHEN json_type(${json}) = 'OBJECT' THEN ${bind(`CAST(${json} AS MAP(VARCHAR, JSON))`, m, `CAST(map_from_entries(${entries}) AS ${duckdbType(type)})`)} END`;
    }
    case 'struct': {
      const v = `v${depth}`;
      const fields = type.fields.map((f) => `'${f.name}': ${columnValueSql(f.type, `json_extract(${v}, ${pointer(f.key)})`, depth + 1)}`);
      return `CASE WHEN json_type(${json}) = 'OBJECT' THEN ${bind(json, v, `CAST({${fields.join(', ')}} AS ${duckdbType(type)})`)} END`;
    }
    case 'array':
      throw new Error('archive: no later column is a list');
  }
}

/** SQL: the value of a later column, or of webIdFederationData, read from the row's tt_record at `keys`. */
export function fromRecordSql(type: TableType, keys: readonly string[]): string {
  return bind(`json_extract(tt_record, ${pointer(...keys)})`, 'rec', columnValueSql(type, 'rec'));
}
