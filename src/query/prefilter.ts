import type { FieldNode, QueryNode, ValueMatch } from './ast.js';
import { parseCidr } from './cidr.js';
import { FAILED_WITHOUT_CODE_NAME } from '../model/failure.js';
import { lookupField } from './fields.js';
import { regexLiteral } from './regexLiteral.js';
import { compileRegex } from './valueMatch.js';
import { isAscii } from 'node:buffer';

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
  /**
   * Per clause, when its literals come from a term on a field whose value
   * is the text of one top-level key of the record (RECORD_KEYS): that key.
   * A reader that knows where each record's value of the key lies
   * (KeyedValues) searches the literals there alone, not the whole file.
   */
  readonly keys?: readonly (ClauseKey | null)[];
}

export interface ClauseKey {
  /** The record's top-level key whose value holds the literal when the record matches. */
  readonly key: string;
  /** The field falls back to other text when the key's value is missing or empty: such a record stays a candidate. */
  readonly orMissing: boolean;
  /**
   * The field falls back to other text when the key's value is missing or empty in a record whose
   * value of `key` is `value` (or unknown, missing, empty): error: reads a failed console sign-in's
   * errorMessage (model/failure.ts errorLabel). Such a record stays a candidate.
   */
  readonly orNamed?: { readonly key: string; readonly value: string };
}

/** Fields whose values are the record's own strings (so they occur in its text). */
// Not id: a record without eventID gets a content hash, which is not in its text.
const RAW_FIELDS = new Set(['name', 'source', 'region', 'ip', 'error', 'key', 'account', 'category', 'eventtype', 'requestid', 'agent', 'identity']);

/**
 * Summary fields whose row value is the text of one top-level key of the
 * record (model/normalize.ts; query/fields.ts anyValue and fromRecord read
 * nothing else). eventName and eventSource, when empty, give way to an
 * Insight's own: a record without one stays a candidate. error: reads a
 * failed console sign-in's errorMessage instead of its missing errorCode:
 * a ConsoleLogin without one stays a candidate (ClauseKey.orNamed).
 */
const RECORD_KEYS = new Map<string, ClauseKey>([
  ['error', { key: 'errorCode', orMissing: false, orNamed: { key: 'eventName', value: FAILED_WITHOUT_CODE_NAME } }],
  ['name', { key: 'eventName', orMissing: true }],
  ['source', { key: 'eventSource', orMissing: true }],
  ['region', { key: 'awsRegion', orMissing: false }],
  ['ip', { key: 'sourceIPAddress', orMissing: false }],
  ['agent', { key: 'userAgent', orMissing: false }],
  ['category', { key: 'eventCategory', orMissing: false }],
  ['eventtype', { key: 'eventType', orMissing: false }],
]);

/** Literals shorter than this select too little to pay for the search. */
const MIN_LITERAL = 3;

/** Characters a literal may hold: printable ASCII except `"` and `\` (which JSON escapes). */
const SAFE = /^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/;
/** A JSON number may be written many ways (1e2, 100.0): text that could be part of one is no literal (two dots cannot). */
const NUMERIC = /^[-+0-9e]*\.?[-+0-9e]*$/;

export interface PrefilterOptions {
  /**
   * Whether a record path's last key is a literal (default true). A reader
   * that looks for the key itself, case-sensitively (query/deep/keyProbe.ts),
   * leaves it out: a key is rarely lowercase, so searching it any case folds
   * the whole file.
   */
  pathKeys?: boolean;
}

/** The prefilter of a query; null when it has no literal every match must contain. */
export function prefilterOf(node: QueryNode, options: PrefilterOptions = {}): Prefilter | null {
  const found = needs(node, options.pathKeys ?? true);
  if (found.length === 0) return null;
  const clauses = found.map((need) => need.literals);
  return found.some((need) => need.key !== null) ? { clauses, keys: found.map((need) => need.key) } : { clauses };
}

type Clause = string[];

/** A clause and, when all its literals must lie in one key's value, that key. */
interface Need {
  literals: Clause;
  key: ClauseKey | null;
}

function needs(node: QueryNode, pathKeys: boolean): Need[] {
  switch (node.kind) {
    case 'and':
      return node.children.flatMap((child) => needs(child, pathKeys));
    case 'or': {
      // Either child may match: one clause of each, merged, is what must hold.
      const merged: string[] = [];
      for (const child of node.children) {
        const clauses = needs(child, pathKeys);
        if (clauses.length === 0) return [];
        merged.push(...best(clauses.map((need) => need.literals)));
      }
      // Alternatives may come from different keys: the merged clause is searched in the whole record.
      return merged.length === 0 ? [] : [{ literals: [...new Set(merged)], key: null }];
    }
    case 'field':
      return fieldNeeds(node, pathKeys);
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

function fieldNeeds(node: FieldNode, pathKeys: boolean): Need[] {
  const ref = node.ref;
  const out: Need[] = [];
  let key: ClauseKey | null = null;
  if (ref.kind === 'summary') {
    const name = lookupField(ref.name)?.name ?? '';
    if (!RAW_FIELDS.has(name)) return [];
    key = RECORD_KEYS.get(name) ?? null;
  } else if (ref.kind === 'path' && pathKeys) {
    // Any value at the path means its last key is in the text.
    const pathKey = literal(ref.path[ref.path.length - 1]!.toLowerCase());
    if (pathKey) out.push({ literals: [pathKey], key: null });
  }
  // A path or params value may be JSON text (an object's, a list's): JSON.stringify's, which a file may space otherwise.
  const value = valueLiteral(node.match, ref.kind !== 'summary');
  if (value) out.push({ literals: [value], key });
  return out;
}

/**
 * The longest literal a value match needs in the text, or null. `jsonText`: the value may be JSON
 * text as JSON.stringify writes it (a path ending on an object or list, params:), and a file may
 * put white space between its tokens (a pretty-printed file: `[1, 2]` for `[1,2]`), so a literal
 * is only ever a run between them (layoutFree).
 */
function valueLiteral(match: ValueMatch, jsonText: boolean): string | null {
  const longestOf = (texts: readonly string[]): string | null => {
    let longest: string | null = null;
    for (const text of texts) {
      for (const run of jsonText ? layoutFree(text) : [text]) {
        const candidate = literal(run);
        if (candidate && (longest === null || candidate.length > longest.length)) longest = candidate;
      }
    }
    return longest;
  };
  if (match.kind === 'glob') return longestOf(match.pattern.segments);
  if (match.kind === 'regex') {
    // A case-insensitive search finds every match, but /iu folds some non-ASCII letters (ſ, K) to ASCII ones,
    // and a regex runs with u where it can (valueMatch.ts compileRegex).
    if (match.flags.includes('i') && runsUnicode(match.source, match.flags)) return null;
    const run = regexLiteral(match.source);
    return run === null ? null : longestOf([run]);
  }
  if (match.kind === 'cidr') {
    // An IPv4 address inside a.b.0.0/16 starts with "a.b."; IPv6 is written too many ways.
    const block = parseCidr(match.cidr);
    if (!block || block.v6 || block.bits < 8) return null;
    const octets = Array.from(block.bytes.subarray(0, Math.floor(block.bits / 8)));
    // All four (a /32): the address itself, which no dot follows.
    return literal(octets.length === 4 ? octets.join('.') : `${octets.join('.')}.`, true);
  }
  return null;
}

/** Whether compileRegex gives the regex the u flag (an invalid one: as if so, it prefilters nothing). */
function runsUnicode(source: string, flags: string): boolean {
  try {
    return compileRegex(source, flags).unicode;
  } catch {
    return true;
  }
}

/**
 * The runs of JSON.stringify text that lie in any spelling of the same JSON: the text between the
 * brackets and commas (which white space may follow or precede), without a colon at a run's start
 * (a key's colon follows its closing quote, which no literal holds; white space may follow it).
 * A colon inside a run is inside a string (`arn:aws:...`), as is a comma or bracket a run would have
 * kept: those runs are only shorter than need be.
 */
function layoutFree(text: string): string[] {
  return text.split(/[{}[\],]/).map((run) => run.replace(/^:+/, ''));
}

function literal(text: string, numericOk = false): string | null {
  if (text.length < MIN_LITERAL || !SAFE.test(text)) return null;
  if (!numericOk && NUMERIC.test(text)) return null;
  return text.toLowerCase();
}

const BACKSLASH = 0x5c;
const SPAN_NON_ASCII = 2; // ingest/recordSpans.ts (not imported: the query layer does not read files)

/**
 * A literal as bytes: `word` (lowercase ASCII, as the prefilter gives it)
 * and `folded`, each byte with 0x20 set, to search in FoldedBytes.
 */
interface Needle {
  word: Uint8Array;
  folded: Buffer;
  /** Holds k or i: non-ASCII text may fold to it (the Kelvin sign, dotted capital I). */
  folds: boolean;
  /** Holds an ASCII letter (else it has one case, and the bytes are searched as they are). */
  letters: boolean;
  /** Without letters: the part searched for (at `anchorAt` in `word`), then the rest compared (see anchorOf). */
  anchor: Buffer;
  anchorAt: number;
}

/** How common a byte is in CloudTrail's JSON: digits most, then . : - , and quotes; other punctuation least. */
function commonness(c: number): number {
  if (c >= 0x30 && c <= 0x39) return 2;
  if (c === 0x2e || c === 0x3a || c === 0x2d || c === 0x2c || c === 0x22 || c === 0x20) return 1;
  return 0;
}

/**
 * Where to search a literal without letters from: its least common byte
 * and up to 5 after it. Buffer.indexOf runs a skip search on a long
 * pattern, which barely moves on digit-heavy text (0.0.0.0/0 over
 * timestamps and ids: 4x slower than its '/0'), and a short pattern by
 * finding its first byte: so a short pattern that starts on a rare byte.
 */
function anchorOf(word: Uint8Array): { anchor: Buffer; anchorAt: number } {
  let at = 0;
  for (let k = 1; k < word.length; k++) if (commonness(word[k]!) < commonness(word[at]!)) at = k;
  return { anchor: Buffer.from(word.subarray(at, Math.min(word.length, at + 6))), anchorAt: at };
}

const needles = new WeakMap<Prefilter, Needle[][]>();

function needlesOf(prefilter: Prefilter): Needle[][] {
  let out = needles.get(prefilter);
  if (!out) {
    out = prefilter.clauses.map((clause) =>
      clause.map((text) => {
        const word = Uint8Array.from(text, (c) => c.charCodeAt(0));
        return { word, folded: Buffer.from(word.map((c) => c | 0x20)), folds: text.includes('k') || text.includes('i'), letters: /[a-z]/.test(text), ...anchorOf(word) };
      }),
    );
    needles.set(prefilter, out);
  }
  return out;
}

/** Reused between calls on one thread: FoldedBytes never outlives the call that made it. */
let scratch = new ArrayBuffer(0);
/** Past this, the folded copy is not kept for the next file. */
const KEEP_SCRATCH = 32 << 20;

/**
 * A case-insensitive search for ASCII literals in bytes, without decoding
 * them to a string: each byte of the text (and of the literal) gets bit 0x20
 * set, four bytes at a time, which makes ASCII letters lowercase (and merges
 * a few other pairs, such as '[' with '{' or control bytes with punctuation),
 * so Buffer.indexOf (native) finds every case of a literal plus a few hits
 * that are then checked byte by byte. Bytes >= 0x80 stay >= 0x80, so they
 * never match an ASCII literal. A literal without letters has one case:
 * it is searched in the bytes as they are, and the folded copy is made
 * only when a literal with letters is searched.
 */
class FoldedBytes {
  private folded: Buffer | null = null;
  /** folded[i + shift] is bytes[i] folded (shift aligns the word-wise fold). */
  private shift = 0;
  private readonly raw: Buffer;

  constructor(private readonly bytes: Uint8Array) {
    this.raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private fold(): Buffer {
    if (this.folded) return this.folded;
    const bytes = this.bytes;
    const shift = bytes.byteOffset & 3;
    const length = shift + bytes.length;
    if (scratch.byteLength < length + 4) scratch = new ArrayBuffer(Math.max(length + 4, Math.min(scratch.byteLength * 2, KEEP_SCRATCH)));
    const words = length >>> 2;
    const from = new Int32Array(bytes.buffer, bytes.byteOffset - shift, words);
    const to = new Int32Array(scratch, 0, words);
    for (let w = 0; w < words; w++) to[w] = from[w]! | 0x20202020;
    const out = new Uint8Array(scratch, 0, length);
    for (let i = Math.max(words * 4, shift); i < length; i++) out[i] = bytes[i - shift]! | 0x20;
    this.folded = Buffer.from(scratch, 0, length);
    this.shift = shift;
    if (scratch.byteLength > KEEP_SCRATCH) scratch = new ArrayBuffer(0);
    return this.folded;
  }

  /** The first position >= from where `needle` occurs in any (ASCII) case, or -1. */
  indexOf(needle: Needle, from: number): number {
    if (!needle.letters) return this.indexOfAnchored(needle, from);
    const folded = this.fold();
    const { bytes, shift } = this;
    const word = needle.word;
    const n = word.length;
    for (let at = folded.indexOf(needle.folded, from + shift); at >= 0; at = folded.indexOf(needle.folded, at + 1)) {
      const p = at - shift;
      let j = 0;
      for (; j < n; j++) {
        const w = word[j]!;
        const c = bytes[p + j]!;
        // A letter in either case; anything else exactly (no other ASCII byte lowercases to it).
        if (w >= 0x61 && w <= 0x7a ? (c | 0x20) !== w : c !== w) break;
      }
      if (j === n) return p;
    }
    return -1;
  }

  /** indexOf for a literal without letters: its anchor found, then the bytes around it compared. */
  private indexOfAnchored(needle: Needle, from: number): number {
    const { raw } = this;
    const { word, anchor, anchorAt } = needle;
    const n = word.length;
    const tail = anchorAt + anchor.length;
    for (let at = raw.indexOf(anchor, from + anchorAt); at >= 0; at = raw.indexOf(anchor, at + 1)) {
      const p = at - anchorAt;
      if (p + n > raw.length) return -1;
      let j = 0;
      while (j < anchorAt && raw[p + j] === word[j]) j++;
      if (j < anchorAt) continue;
      j = tail;
      while (j < n && raw[p + j] === word[j]) j++;
      if (j === n) return p;
    }
    return -1;
  }
}

/** The last file searched: fileMayMatch then spanMask over the same bytes fold them once (the fold lives in `scratch`). */
let lastFolded: FoldedBytes | null = null;
let lastBytes: Uint8Array | null = null;

function foldedOf(bytes: Uint8Array): FoldedBytes {
  if (lastFolded === null || lastBytes !== bytes) {
    lastFolded = new FoldedBytes(bytes);
    lastBytes = bytes;
  }
  return lastFolded;
}

/** Escapes that may spell a literal's bytes otherwise (`\u0041`, `\/`): a text holding one may hold the literal unseen. */
export const ESCAPES = [Buffer.from('\\u'), Buffer.from('\\/')];

/**
 * Where each record's value of some top-level keys lies (ingest/recordSpans.ts
 * RecordSpans.values, from a scan with SpanKeys of `keys`): record i's value
 * of keys[k] is bytes[values[(i * keys.length + k) * 2], the next number),
 * quotes included; -1: the record has no such key; -2: unknown.
 */
export interface KeyedValues {
  keys: readonly string[];
  values: ArrayLike<number>;
}

/** The keys whose values a reader should note (KeyedValues) for spanMask to search clauses there. */
export function prefilterKeys(prefilter: Prefilter): string[] {
  return [...new Set((prefilter.keys ?? []).flatMap((key) => (key ? (key.orNamed ? [key.key, key.orNamed.key] : [key.key]) : [])))];
}

/**
 * Which records of a file may match: 1 per span that holds every clause (or
 * might, through escapes or non-ASCII case folding), 0 for the rest.
 * `flags` are the spans' SPAN_* bits (ingest/recordSpans.ts), of which
 * SPAN_NON_ASCII is read. With `keyed`, a clause whose literals lie in one
 * key's value (Prefilter.keys) is searched in each record's value of it
 * alone: a file where every clause is such is never searched whole.
 */
export function spanMask(
  prefilter: Prefilter,
  bytes: Uint8Array,
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  flags: ArrayLike<number>,
  keyed?: KeyedValues,
): Uint8Array {
  const count = starts.length;
  const mask = new Uint8Array(count).fill(1);
  if (count === 0) return mask;
  const clauses = needlesOf(prefilter);
  const inText: Needle[][] = [];
  // Clauses searched in one key's values first: they are cheap, and they leave fewer spans to search whole.
  clauses.forEach((clause, c) => {
    const key = prefilter.keys?.[c] ?? null;
    const slot = key && keyed ? keyed.keys.indexOf(key.key) : -1;
    if (key && keyed && slot >= 0) maskByValues(clause, key, keyed, slot, bytes, mask);
    else inText.push(clause);
  });
  if (inText.length === 0) return mask;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // Spans with escapes may spell any literal another way: always candidates.
  const escaped = new Uint8Array(count);
  if (buffer.indexOf(BACKSLASH) >= 0) for (const escape of ESCAPES) markOccurrences((from) => buffer.indexOf(escape, from), escape.length, starts, ends, escaped, null);
  const folded = foldedOf(bytes);
  for (const clause of inText) {
    const hit = new Uint8Array(count);
    for (const needle of clause) markOccurrences((from) => folded.indexOf(needle, from), needle.word.length, starts, ends, hit, mask);
    const folds = clause.some((needle) => needle.folds);
    for (let k = 0; k < count; k++) {
      if (mask[k] === 0 || hit[k] === 1 || escaped[k] === 1) continue;
      if (folds && (flags[k]! & SPAN_NON_ASCII) !== 0) continue;
      mask[k] = 0;
    }
  }
  return mask;
}

const QUOTE = 0x22;

/**
 * Clears mask[k] for each record whose value of `key` cannot hold any of
 * the clause's literals. Kept: a value that is not a plain string (a number
 * or boolean, whose text JSON may spell otherwise; unknown), one with escapes
 * (which may spell a literal), one with non-ASCII bytes when a literal holds
 * k or i (case folding), and a missing or empty one when the field then
 * reads other text (ClauseKey.orMissing).
 */
function maskByValues(clause: readonly Needle[], key: ClauseKey, keyed: KeyedValues, slot: number, bytes: Uint8Array, mask: Uint8Array): void {
  const { values } = keyed;
  const stride = keyed.keys.length * 2;
  const folds = clause.some((needle) => needle.folds);
  const named = key.orNamed ? namedAs(key.orNamed, keyed, bytes) : null;
  for (let k = 0; k < mask.length; k++) {
    if (mask[k] === 0) continue;
    const start = values[k * stride + slot * 2]!;
    const end = values[k * stride + slot * 2 + 1]!;
    if (start === -2) continue;
    if (start === -1 || (bytes[start] === QUOTE && end - start === 2)) {
      if (!key.orMissing && !(named !== null && named(k))) mask[k] = 0;
      continue;
    }
    if (bytes[start] !== QUOTE) continue;
    let plain = true;
    let ascii = true;
    for (let i = start + 1; i < end - 1; i++) {
      const c = bytes[i]!;
      if (c === BACKSLASH) plain = false;
      else if (c >= 0x80) ascii = false;
    }
    if (!plain || (folds && !ascii)) continue;
    if (!clause.some((needle) => holdsCaseless(bytes, start + 1, end - 1, needle.word))) mask[k] = 0;
  }
}

/**
 * Whether record k's value of `named.key` may be `named.value`: it is, or it is unknown, missing,
 * empty or escaped (its text is then not read here). A key the reader did not note: always.
 */
function namedAs(named: { readonly key: string; readonly value: string }, keyed: KeyedValues, bytes: Uint8Array): (k: number) => boolean {
  const slot = keyed.keys.indexOf(named.key);
  if (slot < 0) return () => true;
  const { values } = keyed;
  const stride = keyed.keys.length * 2;
  const quoted = Buffer.from(JSON.stringify(named.value));
  return (k) => {
    const start = values[k * stride + slot * 2]!;
    const end = values[k * stride + slot * 2 + 1]!;
    if (start < 0 || (bytes[start] === QUOTE && end - start === 2)) return true;
    if (end - start !== quoted.length) return bytes.subarray(start, end).includes(BACKSLASH);
    for (let i = 0; i < quoted.length; i++) if (bytes[start + i] !== quoted[i]) return bytes.subarray(start, end).includes(BACKSLASH);
    return true;
  };
}

/** Whether bytes[from, to) hold `word` (lowercase ASCII) with its letters in any case. */
function holdsCaseless(bytes: Uint8Array, from: number, to: number, word: Uint8Array): boolean {
  const n = word.length;
  for (let p = from; p + n <= to; p++) {
    let j = 0;
    for (; j < n; j++) {
      const w = word[j]!;
      const c = bytes[p + j]!;
      if (w >= 0x61 && w <= 0x7a ? (c | 0x20) !== w : c !== w) break;
    }
    if (j === n) return true;
  }
  return false;
}

/**
 * Sets marks[k] for each span k that holds an occurrence (found by `find`,
 * of `length` bytes; spans are sorted and disjoint). With `alive`, spans
 * already ruled out are skipped over.
 */
function markOccurrences(
  find: (from: number) => number,
  length: number,
  starts: ArrayLike<number>,
  ends: ArrayLike<number>,
  marks: Uint8Array,
  alive: Uint8Array | null,
): void {
  const count = starts.length;
  let span = 0;
  const nextAlive = (): void => {
    if (alive) while (span < count && alive[span] === 0) span++;
  };
  nextAlive();
  if (span >= count) return;
  let at = find(starts[span]!);
  while (at >= 0) {
    while (span < count && ends[span]! < at + length) span++;
    nextAlive();
    if (span >= count) return;
    if (starts[span]! <= at) {
      marks[span] = 1;
      // The rest of this span is decided: go on from the next one still in question.
      span++;
      nextAlive();
      if (span >= count) return;
    }
    at = find(Math.max(at + 1, starts[span]!));
  }
}

/** The per-record form of spanMask, for one span of bytes. */
export function spanMayMatch(prefilter: Prefilter, bytes: Uint8Array, start: number, end: number): boolean {
  let nonAscii = false;
  for (let j = start; j < end; j++) {
    if (bytes[j]! >= 0x80) {
      nonAscii = true;
      break;
    }
  }
  return spanMask(prefilter, bytes.subarray(start, end), [0], [end - start], [nonAscii ? SPAN_NON_ASCII : 0])[0] === 1;
}

/**
 * Whether any record of a whole decoded file may match: false only when some
 * clause has none of its literals anywhere in the file (and the file has no
 * escapes, no non-ASCII bytes that fold to a literal's letters, and no UTF-16
 * byte-order mark), so none of its records, whatever the file's shape, can.
 */
export function fileMayMatch(prefilter: Prefilter, bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // One pass for the backslash every escape starts with, not one per escape, over a file that has none.
  if (buffer.indexOf(BACKSLASH) >= 0 && ESCAPES.some((escape) => buffer.indexOf(escape) >= 0)) return true;
  const folded = foldedOf(bytes);
  let nonAscii: boolean | null = null;
  for (const clause of needlesOf(prefilter)) {
    // Values are mostly written lowercase, as the literal is: found so, the file needs no fold.
    if (clause.some((needle) => needle.letters && buffer.indexOf(needle.word) >= 0)) continue;
    if (clause.some((needle) => folded.indexOf(needle, 0) >= 0)) continue;
    if (clause.some((needle) => needle.folds)) {
      nonAscii ??= !isAscii(bytes);
      if (nonAscii) continue;
    }
    return false;
  }
  return true;
}
