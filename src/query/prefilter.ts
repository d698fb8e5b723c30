import type { FieldNode, QueryNode, ValueMatch } from './ast.js';
import { parseCidr } from './cidr.js';
import { lookupField } from './fields.js';
import { regexLiteral } from './regexLiteral.js';

/**
 * A literal prefilter: byte strings that must occur in a record's JSON text
 * for the record to possibly match a query, so a headless filter (or a deep
 * search) parses only the records whose bytes hold them.
 *
 * `clauses` are and-ed; each clause is a list of literals of which at least
 * one must occur (case-insensitively, ASCII). Literals are lowercase ASCII
 * and hold no `"` or `\`, so in JSON text they appear as themselves unless
 * escaped: a record holding `\u` or `\/` escapes is always a candidate, and
 * so is a record with non-ASCII bytes when a literal holds `k` or `i` (the
 * Kelvin sign and dotted capital I lowercase to them).
 *
 * Only values that lie in the record as they are give literals: raw fields
 * (name, source, region, ip, error, key, account, category, eventtype,
 * requestid, agent, identity), record paths (their last key, and their
 * values) and params text. Words, user:, resource:, type:, tags, time,
 * negations and exists-only terms give none (their text may be
 * derived, or absent from a matching record). A regex gives the run of plain
 * characters every match holds (regexLiteral.ts), if any.
 */
export interface Prefilter {
  readonly clauses: readonly (readonly string[])[];
}

/** Fields whose values are the record's own strings (so they occur in its text). */
// Not id: a record without eventID gets a content hash, which is not in its text.
const RAW_FIELDS = new Set(['name', 'source', 'region', 'ip', 'error', 'key', 'account', 'category', 'eventtype', 'requestid', 'agent', 'identity']);

/** Literals shorter than this select too little to pay for the search. */
const MIN_LITERAL = 3;

/** Characters a literal may hold: printable ASCII except `"` and `\` (which JSON escapes). */
const SAFE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;
/** A JSON number may be written many ways (1e2, 100.0): text that could be part of one is no literal (two dots cannot). */
const NUMERIC = /^[-+0-9e]*\.?[-+0-9e]*$/;

/** The prefilter of a query; null when it has no literal every match must contain. */
export function prefilterOf(node: QueryNode): Prefilter | null {
  const clauses = needs(node);
  return clauses.length === 0 ? null : { clauses };
}

type Clause = string[];

function needs(node: QueryNode): Clause[] {
  switch (node.kind) {
    case 'and':
      return node.children.flatMap(needs);
    case 'or': {
      // Either child may match: one clause of each, merged, is what must hold.
      const merged: string[] = [];
      for (const child of node.children) {
        const clauses = needs(child);
        if (clauses.length === 0) return [];
        merged.push(...best(clauses));
      }
      return merged.length === 0 ? [] : [[...new Set(merged)]];
    }
    case 'field':
      return fieldNeeds(node);
    default:
      return [];
  }
}

/** The most selective clause of several: fewest alternatives, then the longest shortest literal. */
function best(clauses: Clause[]): Clause {
  let chosen = clauses[0]!;
  for (const clause of clauses) {
    if (clause.length < chosen.length || (clause.length === chosen.length && shortest(clause) > shortest(chosen))) chosen = clause;
  }
  return chosen;
}

function shortest(clause: Clause): number {
  return Math.min(...clause.map((l) => l.length));
}

function fieldNeeds(node: FieldNode): Clause[] {
  const ref = node.ref;
  const out: Clause[] = [];
  if (ref.kind === 'summary') {
    if (!RAW_FIELDS.has(lookupField(ref.name)?.name ?? '')) return [];
  } else if (ref.kind === 'path') {
    // Any value at the path means its last key is in the text.
    const key = literal(ref.path[ref.path.length - 1]!.toLowerCase());
    if (key) out.push([key]);
  }
  const value = valueLiteral(node.match);
  if (value) out.push([value]);
  return out;
}

/** The longest literal a value match needs in the text, or null. */
function valueLiteral(match: ValueMatch): string | null {
  if (match.kind === 'glob') {
    let longest: string | null = null;
    for (const segment of match.pattern.segments) {
      const candidate = literal(segment);
      if (candidate && (longest === null || candidate.length > longest.length)) longest = candidate;
    }
    return longest;
  }
  if (match.kind === 'regex') {
    // A case-insensitive search finds every match, but /iu folds some non-ASCII letters (ſ, K) to ASCII ones.
    if (/[uv]/.test(match.flags) && match.flags.includes('i')) return null;
    const run = regexLiteral(match.source);
    return run === null ? null : literal(run);
  }
  if (match.kind === 'cidr') {
    // An IPv4 address inside a.b.0.0/16 starts with "a.b."; IPv6 is written too many ways.
    const block = parseCidr(match.cidr);
    if (!block || block.v6 || block.bits < 8) return null;
    const octets = Array.from(block.bytes.subarray(0, Math.floor(block.bits / 8)));
    return literal(`${octets.join('.')}.`, true);
  }
  return null;
}

function literal(text: string, numericOk = false): string | null {
  if (text.length < MIN_LITERAL || !SAFE.test(text)) return null;
  if (!numericOk && NUMERIC.test(text)) return null;
  return text.toLowerCase();
}

const BACKSLASH = 0x5c;

/**
 * Which records of a file may match: 1 per span that holds every clause (or
 * might, through escapes or non-ASCII case folding), 0 for the rest.
 * `text` is the file's bytes as Latin-1 (one character a byte), so offsets
 * are byte offsets; `nonAscii[k]` says whether span k has bytes >= 0x80.
 */
export function spanMask(
  prefilter: Prefilter,
  text: string,
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  nonAscii: (k: number) => boolean,
): Uint8Array {
  const count = starts.length;
  const mask = new Uint8Array(count).fill(1);
  const lower = text.toLowerCase();
  // Spans with escapes may spell any literal another way: always candidates.
  const escaped = new Uint8Array(count);
  markOccurrences(lower, '\\u', starts, ends, escaped);
  markOccurrences(lower, '\\/', starts, ends, escaped);
  for (const clause of prefilter.clauses) {
    const hit = new Uint8Array(count);
    for (const word of clause) markOccurrences(lower, word, starts, ends, hit);
    const folds = clause.some((word) => word.includes('k') || word.includes('i'));
    for (let k = 0; k < count; k++) {
      if (mask[k] === 0 || hit[k] === 1 || escaped[k] === 1) continue;
      if (folds && nonAscii(k)) continue;
      mask[k] = 0;
    }
  }
  return mask;
}

/** Sets marks[k] for each span k that holds an occurrence of `word` (spans are sorted and disjoint). */
function markOccurrences(lower: string, word: string, starts: ArrayLike<number>, ends: ArrayLike<number>, marks: Uint8Array): void {
  let span = 0;
  const count = starts.length;
  let at = lower.indexOf(word);
  while (at >= 0 && span < count) {
    while (span < count && ends[span]! < at + word.length) span++;
    if (span >= count) return;
    if (starts[span]! <= at) {
      marks[span] = 1;
      // The rest of this span is decided: go on from its end.
      at = lower.indexOf(word, ends[span]!);
      span++;
    } else {
      at = lower.indexOf(word, starts[span]!);
    }
  }
}

/** The per-record form of spanMask, for one span of bytes. */
export function spanMayMatch(prefilter: Prefilter, bytes: Uint8Array, start: number, end: number): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
  let nonAscii = false;
  for (let j = start; j < end; j++) {
    if (bytes[j]! >= 0x80) {
      nonAscii = true;
      break;
    }
  }
  if (bytes.indexOf(BACKSLASH, start) >= 0 && bytes.indexOf(BACKSLASH, start) < end) {
    const lowerAll = text.toLowerCase();
    if (lowerAll.includes('\\u') || lowerAll.includes('\\/')) return true;
  }
  return spanMask(prefilter, text, [0], [end - start], () => nonAscii)[0] === 1;
}

/**
 * Whether any record of a whole decoded file may match: false only when some
 * clause has none of its literals anywhere in the file (and the file has no
 * escapes, no non-ASCII bytes that fold to a literal's letters, and no UTF-16
 * byte-order mark), so none of its records, whatever the file's shape, can.
 */
export function fileMayMatch(prefilter: Prefilter, bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const lower = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1').toLowerCase();
  if (lower.includes('\\u') || lower.includes('\\/')) return true;
  let nonAscii: boolean | null = null;
  for (const clause of prefilter.clauses) {
    if (clause.some((word) => lower.includes(word))) continue;
    if (clause.some((word) => word.includes('k') || word.includes('i'))) {
      nonAscii ??= /[\x80-\xff]/.test(lower);
      if (nonAscii) continue;
    }
    return false;
  }
  return true;
}
