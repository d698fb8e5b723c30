/**
 * Athena writes struct and array columns to its result CSV as Hive text, not
 * JSON: `{type=IAMUser, principalid=AIDA..., arn=arn:aws:..., invokedby=null,
 * sessioncontext={attributes={...}, ...}}`. Nothing is quoted, so a value
 * holding `, arn=` cannot be told from a separator. What this reads, it reads
 * only when the text is unambiguous: every field the table declares appears
 * exactly once, in the declared order (Athena writes them all, nulls as
 * `null`). Anything else gives null and the caller leaves the column out:
 * a missing field is better than a value cut at the wrong comma.
 */
import type { TableType } from '../../query/sql/cloudtrailTable.js';

type Loose = Record<string, unknown>;

/** A struct or array-of-struct column's text as plain data with the table's (lowercase) names; null when unsure. */
export function parseStructText(text: string, type: TableType): unknown {
  const value = parseValue(text.trim(), type, 0);
  return value === FAIL ? null : value;
}

const FAIL = Symbol('fail');
const MAX_DEPTH = 8;

function parseValue(text: string, type: TableType, depth: number): unknown {
  if (text === 'null') return null;
  if (depth > MAX_DEPTH) return FAIL;
  switch (type.kind) {
    case 'string':
      return text;
    case 'json':
      return text;
    // A map's keys are the record's own: any text, so any split of it could be wrong.
    case 'map':
      return FAIL;
    case 'struct':
      return parseStruct(text, type.fields, depth);
    case 'array': {
      if (!text.startsWith('[') || !text.endsWith(']')) return FAIL;
      const body = text.slice(1, -1).trim();
      if (body === '') return [];
      const parts = splitTop(body, ', ');
      if (parts === null) return FAIL;
      const out: unknown[] = [];
      for (const part of parts) {
        const element = parseValue(part, type.of, depth + 1);
        if (element === FAIL) return FAIL;
        out.push(element);
      }
      return out;
    }
  }
}

function parseStruct(text: string, fields: readonly { name: string; type: TableType }[], depth: number): unknown {
  if (!text.startsWith('{') || !text.endsWith('}')) return FAIL;
  const body = text.slice(1, -1);
  // The field openings at this level: `name=` at the start, then `, name=` outside brackets.
  const parts = splitTop(body, ', ');
  if (parts === null || parts.length !== fields.length) return FAIL;
  const out: Loose = {};
  for (let k = 0; k < fields.length; k++) {
    const field = fields[k]!;
    const part = parts[k]!;
    // Each declared field, in order, exactly once: a value holding `, x=` shows as one part too many.
    if (!part.startsWith(`${field.name}=`)) return FAIL;
    const value = parseValue(part.slice(field.name.length + 1), field.type, depth + 1);
    if (value === FAIL) {
      // A map (or an odd nested struct) is left out; the struct's other fields still stand.
      if (field.type.kind === 'map' || field.type.kind === 'struct') continue;
      return FAIL;
    }
    out[field.name] = value;
  }
  return out;
}

/** Splits at `sep` outside brackets; null when brackets do not balance. */
function splitTop(text: string, sep: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth < 0) return null;
    } else if (depth === 0 && text.startsWith(sep, k)) {
      parts.push(text.slice(from, k));
      from = k + sep.length;
      k += sep.length - 1;
    }
  }
  if (depth !== 0) return null;
  parts.push(text.slice(from));
  return parts;
}
