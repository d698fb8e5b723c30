import { SpanKeys } from '../../ingest/recordSpans.js';
import type { QueryNode } from '../ast.js';
import { recordKeysRead } from '../recordMatch.js';

/**
 * How a deep search reads a record when its query reads only a few
 * top-level keys (recordMatch.ts recordKeysRead: paths and params:): the
 * span scanner notes those keys' values (`spanKeys`), and only they are
 * parsed, into an object holding just them, which the record matcher
 * decides as it would the whole record. A path term of two keys or more
 * needs its last key written inside the first key's value, so a record
 * whose value lacks one of `needles` is decided without a parse.
 */
export interface KeyProbe {
  /** The top-level keys the query reads, in SpanKeys slot order. */
  readonly keys: readonly string[];
  readonly spanKeys: SpanKeys;
  /** Byte strings that every match holds inside the value of keys[key] (or there written with escapes). */
  readonly needles: readonly { readonly key: number; readonly bytes: Buffer }[];
}

/** Keys the span scanner can note (SpanKeys: 1 to 31 bytes, never escaped) and that parse to an own property. */
const NOTABLE_KEY = /^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,31}$/;

/** Characters JSON must escape: a key holding one is never written as itself. */
const ESCAPED_IN_JSON = /["\\\x00-\x1f]/;

/**
 * The probe of a deep part; null when it reads more than top-level keys'
 * values, or has no path term of two keys or more that must hold (the
 * record is then parsed whole).
 */
export function keyProbeOf(ast: QueryNode): KeyProbe | null {
  const keys = recordKeysRead(ast);
  if (keys === null || keys.some((key) => !NOTABLE_KEY.test(key) || key === '__proto__')) return null;
  const needles: { key: number; bytes: Buffer }[] = [];
  for (const term of conjuncts(ast)) {
    if (term.kind !== 'field' || term.ref.kind !== 'path' || term.ref.path.length < 2) continue;
    const path = term.ref.path;
    const last = path[path.length - 1]!;
    if (ESCAPED_IN_JSON.test(last)) continue;
    needles.push({ key: keys.indexOf(path[0]!), bytes: Buffer.from(`"${last}"`, 'utf8') });
  }
  // Without a needle every record's values are parsed: no cheaper than the prefilter's spans and the whole record.
  return needles.length === 0 ? null : { keys, spanKeys: new SpanKeys(keys), needles };
}

/** The terms that must all hold: the node itself, or the children of (nested) ands. */
function conjuncts(node: QueryNode): QueryNode[] {
  return node.kind === 'and' ? node.children.flatMap(conjuncts) : [node];
}
