/**
 * An unfiltered scan's file without parsing its records (issue 13): the
 * file is gunzipped and checked by the span scanner (ingest/recordSpans.ts,
 * JSON's grammar, so a malformed file falls to the ordinary reader and is
 * reported as before), which also notes where each record's top-level
 * eventTime, eventName, ... values lie. The digest's columns are read from
 * those bytes, each distinct value made into a string once per file; the
 * actor (model/actor.ts) from the userIdentity object, parsed once per
 * distinct userIdentity text. A record these bytes cannot answer exactly as
 * normalize would (an Insight, a number where a string belongs, no plain
 * eventID, the file's only event without a wrapper) is parsed and
 * normalized, so every column is what the full read gives.
 *
 * Fingerprints are of a record's bytes, as in scan/fastJob.ts: a copy of an
 * eventID whose bytes differ makes the scan read the folder again the
 * ordinary way (ScanTally.needsFullRead); real duplicates are identical copies.
 *
 * null: the file is not one this path reads exactly as the reader does; the
 * caller reads it the ordinary way.
 */
import { DEPTH_CHECK_ABOVE, fitsFastPath, nestsDeeperThan, readLimits } from '../ingest/limits.js';
import { readDecodedFile, scanRecordSpans, SpanKeys, SPAN_NON_ASCII, SPAN_PLAIN } from '../ingest/recordSpans.js';
import { actorLabel, objectOf, text } from '../model/actor.js';
import { normalize, parseEventTime } from '../model/normalize.js';
import { RecordBatch, rowInsight } from '../model/recordBatch.js';
import { FAILED_WITHOUT_CODE_NAME } from '../model/failure.js';
import type { EventRow, FileReadResult } from '../model/types.js';
import { ACTOR, COLS, DigestBuilder, ERROR, eventFlags, NAME, RATE_ACCOUNT, REGION, SOURCE, type ScanDigest } from './digest.js';
import { bytesHash, idKeyOfBytes, shapeOf } from './fastJob.js';

export interface ExtractedFile {
  result: Omit<FileReadResult, 'rows'>;
  digest: ScanDigest;
  /** The rows of the records that carry Insight details (all parsed), in file order. */
  insightRows: EventRow[];
}

/** The top-level keys read from the bytes, in SpanKeys order. */
const KEYS = new SpanKeys(['eventTime', 'eventName', 'eventSource', 'awsRegion', 'errorCode', 'recipientAccountId', 'eventType', 'eventCategory', 'userIdentity', 'insightDetails']);
const K_TIME = 0;
const K_NAME = 1;
const K_SOURCE = 2;
const K_REGION = 3;
const K_ERROR = 4;
const K_RECIPIENT = 5;
const K_TYPE = 6;
const K_CATEGORY = 7;
const K_IDENTITY = 8;
const K_INSIGHT = 9;
const KEY_COUNT = KEYS.count;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const NULL_START = 0x6e;

/** What a value's bytes say: text() of it (a string, '' for null or an object), or that the record must be parsed. */
const PARSE = -1;

export function extractFile(path: string): ExtractedFile | null {
  const file = readDecodedFile(path);
  if (!file) return null;
  const { bytes } = file;
  // The reader's own limits: past them it reports the file (or streams it); leave that to it.
  if (bytes.length > readLimits().maxDecompressedBytes || !fitsFastPath(bytes.length)) return null;
  if (bytes.length > DEPTH_CHECK_ABOVE && nestsDeeperThan(bytes.toString('utf8'))) return null;
  const spans = scanRecordSpans(bytes, KEYS);
  if (!spans || spans.starts.length === 0 || !spans.values) return null;
  const { starts, ends, flags, idStarts, idEnds, values } = spans;
  const count = starts.length;
  for (let k = 0; k < count; k++) if ((flags[k]! & SPAN_PLAIN) === 0) return null;
  const shape = shapeOf(bytes, starts[0]!);
  if (shape === null) return null;

  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const digest = new DigestBuilder(count);
  const strings = new ByteStrings(bytes, digest);
  const empty = digest.at('');
  let batch: RecordBatch | null = null;
  const insightRows: EventRow[] = [];
  for (let k = 0; k < count; k++) {
    const v = k * KEY_COUNT * 2;
    const fingerprint = bytesHash(bytes, starts[k]!, ends[k]!);
    if (readFromBytes(k, v)) digest.fingerprints[k] = fingerprint;
    else {
      batch ??= newBatch(path, file.identity);
      const row = normalize(JSON.parse(bytes.toString('utf8', starts[k]!, ends[k]!)), batch, k);
      digest.addRow(k, row, fingerprint);
      if (rowInsight(row) !== null) insightRows.push(row);
    }
  }
  batch?.trim();
  return {
    result: { path, shape, reason: '', skippedRecords: 0, bytes: file.rawBytes },
    digest: { ...digest.finish(), byteFingerprints: true, complete: true },
    insightRows,
  };

  /** Fills event k's digest from its bytes; false (nothing written that counts) when it must be parsed. */
  function readFromBytes(k: number, v: number): boolean {
    if (values[v] === -2) return false;
    // Insights need their details parsed (the tally pairs and counts them).
    if (values[v + K_INSIGHT * 2]! >= 0) return false;
    // The id key is written now; a record parsed after all gets its row's.
    if (!idKeyOfBytes(bytes, idStarts[k]!, idEnds[k]!, digest.ids, k * 4)) return false;
    const nonAscii = (flags[k]! & SPAN_NON_ASCII) !== 0;
    const name = strings.at(values[v + K_NAME * 2]!, values[v + K_NAME * 2 + 1]!, nonAscii, empty);
    const source = strings.at(values[v + K_SOURCE * 2]!, values[v + K_SOURCE * 2 + 1]!, nonAscii, empty);
    const region = strings.at(values[v + K_REGION * 2]!, values[v + K_REGION * 2 + 1]!, nonAscii, empty);
    const error = strings.at(values[v + K_ERROR * 2]!, values[v + K_ERROR * 2 + 1]!, nonAscii, empty);
    const recipient = strings.at(values[v + K_RECIPIENT * 2]!, values[v + K_RECIPIENT * 2 + 1]!, nonAscii, empty);
    const insightType = textIs(bytes, values[v + K_TYPE * 2]!, values[v + K_TYPE * 2 + 1]!, INSIGHT_TYPE);
    const insightCategory = textIs(bytes, values[v + K_CATEGORY * 2]!, values[v + K_CATEGORY * 2 + 1]!, INSIGHT_CATEGORY);
    const time = timeOf(bytes, values[v + K_TIME * 2]!, values[v + K_TIME * 2 + 1]!, nonAscii);
    if (name === PARSE || source === PARSE || region === PARSE || error === PARSE || recipient === PARSE || insightType === null || insightCategory === null || time === null) return false;
    // A console sign-in without an errorCode may still have failed (responseElements, errorMessage: model/failure.ts),
    // which these bytes do not hold: parsed, as the few ConsoleLogin events are cheap to.
    if (error === empty && digest.tableAt(name) === FAILED_WITHOUT_CODE_NAME) return false;
    const identity = identityOf(bytes, words, values[v + K_IDENTITY * 2]!, values[v + K_IDENTITY * 2 + 1]!, nonAscii);
    digest.times[k] = time;
    const c = k * COLS;
    const cols = digest.cols;
    cols[c + NAME] = name;
    cols[c + SOURCE] = source;
    cols[c + REGION] = region;
    cols[c + ERROR] = error;
    cols[c + ACTOR] = identity === null ? empty : digest.at(identity.actor);
    cols[c + RATE_ACCOUNT] = recipient !== empty ? recipient : identity === null ? empty : digest.at(identity.account);
    digest.flags[k] = eventFlags(false, insightType ? INSIGHT_TYPE : '', insightCategory ? INSIGHT_CATEGORY : '');
    return true;
  }
}

function newBatch(path: string, identity: string): RecordBatch {
  const batch = new RecordBatch(path);
  batch.identity = identity;
  return batch;
}

/** Whether bytes[start, end) holds a backslash (an escape, in a JSON string). */
function hasEscape(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] === BACKSLASH) return true;
  return false;
}

/** A JSON string value's text from its bytes (quotes included in [start, end)). */
function stringOf(bytes: Buffer, start: number, end: number, nonAscii: boolean): string {
  if (hasEscape(bytes, start + 1, end - 1)) return JSON.parse(bytes.toString('utf8', start, end)) as string;
  return bytes.toString(nonAscii ? 'utf8' : 'latin1', start + 1, end - 1);
}

const INSIGHT_TYPE = 'AwsCloudTrailInsight';
const INSIGHT_CATEGORY = 'Insight';

/** Whether text() of the value at [start, end) is `word` (ASCII); null when the record must be parsed. */
function textIs(bytes: Buffer, start: number, end: number, word: string): boolean | null {
  if (start < 0) return false;
  const first = bytes[start];
  if (first !== QUOTE) return first === NULL_START || first === OPEN_BRACE || first === OPEN_BRACKET ? false : null;
  if (end - start - 2 === word.length) {
    let same = true;
    for (let i = 0; i < word.length && same; i++) same = bytes[start + 1 + i] === word.charCodeAt(i);
    if (same) return true;
  }
  // An escape may still spell the word.
  return hasEscape(bytes, start + 1, end - 1) ? stringOf(bytes, start, end, true) === word : false;
}

/** eventTime as normalize reads it; null when only the parsed record can tell (a number, true or false). */
function timeOf(bytes: Buffer, start: number, end: number, nonAscii: boolean): number | null {
  if (start < 0) return Number.NaN;
  const first = bytes[start];
  if (first === QUOTE) return parseEventTime(stringOf(bytes, start, end, nonAscii));
  if (first === NULL_START || first === OPEN_BRACE || first === OPEN_BRACKET) return Number.NaN;
  return null;
}

interface IdentityFacts {
  actor: string;
  account: string;
}

interface CachedIdentity extends IdentityFacts {
  /** The userIdentity's bytes (a copy: the file's buffer goes). */
  bytes: Buffer;
  /** Another identity with the same CRC. */
  next: CachedIdentity | null;
}

/**
 * Actor and account per distinct userIdentity text, across the files a
 * worker reads: a role session's events repeat one userIdentity. Found by
 * a hash of the bytes (no string made) and checked byte for byte. Cleared
 * when full, so hostile variety costs a parse per event, not memory; past
 * a few identities with one hash, another is parsed and not kept.
 */
const identities = new Map<number, CachedIdentity>();
const IDENTITY_CACHE_LIMIT = 20_000;
const IDENTITY_CHAIN_LIMIT = 8;

/** A 32-bit hash of bytes[start, end), four bytes a step from `start` (equal bytes hash alike wherever they lie). */
function wordsHash(words: DataView, bytes: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5 ^ (end - start);
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    h = Math.imul(h ^ words.getUint32(i, true), 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 13;
  return Math.imul(h, 0x85ebca6b) >>> 0;
}

/** The actor label and userIdentity.accountId of a userIdentity value; null when it is not an object (both ''). */
function identityOf(bytes: Buffer, words: DataView, start: number, end: number, nonAscii: boolean): IdentityFacts | null {
  if (start < 0 || bytes[start] !== OPEN_BRACE) return null;
  const hash = wordsHash(words, bytes, start, end);
  const first = identities.get(hash);
  let chain = 0;
  for (let cached: CachedIdentity | null | undefined = first; cached; cached = cached.next) {
    if (cached.bytes.length === end - start && cached.bytes.compare(bytes, start, end) === 0) return cached;
    chain++;
  }
  const identity = objectOf(JSON.parse(bytes.toString(nonAscii ? 'utf8' : 'latin1', start, end)));
  const facts: CachedIdentity = { actor: actorLabel(identity), account: identity ? text(identity.accountId) : '', bytes: Buffer.from(bytes.subarray(start, end)), next: first ?? null };
  if (chain >= IDENTITY_CHAIN_LIMIT) return facts;
  if (identities.size >= IDENTITY_CACHE_LIMIT) {
    identities.clear();
    facts.next = null;
  }
  identities.set(hash, facts);
  return facts;
}

/**
 * The digest's table index of string values read from one file's bytes: a
 * hash table over the bytes, so a value seen before in the file costs no
 * string. Values with escapes are decoded and looked up as strings.
 */
class ByteStrings {
  private slots = new Int32Array(256);
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly indexes: number[] = [];

  constructor(
    private readonly bytes: Buffer,
    private readonly digest: DigestBuilder,
  ) {}

  /** text() of the value at [start, end) as a table index: '' for a missing key, null or an object; PARSE for other non-strings. */
  at(start: number, end: number, nonAscii: boolean, empty: number): number {
    if (start < 0) return empty;
    const bytes = this.bytes;
    const first = bytes[start];
    if (first !== QUOTE) return first === NULL_START || first === OPEN_BRACE || first === OPEN_BRACKET ? empty : PARSE;
    const from = start + 1;
    const to = end - 1;
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) {
      const c = bytes[i]!;
      if (c === BACKSLASH) return this.digest.at(stringOf(bytes, start, end, nonAscii));
      h = Math.imul(h ^ c, 0x01000193);
    }
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const entry = this.slots[s]! - 1;
      if (entry < 0) {
        const index = this.digest.at(bytes.toString(nonAscii ? 'utf8' : 'latin1', from, to));
        this.slots[s] = this.starts.length + 1;
        this.starts.push(from);
        this.ends.push(to);
        this.indexes.push(index);
        if (this.starts.length * 2 > this.slots.length) this.grow();
        return index;
      }
      if (this.same(entry, from, to)) return this.indexes[entry]!;
    }
  }

  private same(entry: number, from: number, to: number): boolean {
    const start = this.starts[entry]!;
    if (this.ends[entry]! - start !== to - from) return false;
    const bytes = this.bytes;
    for (let i = 0; i < to - from; i++) if (bytes[start + i] !== bytes[from + i]) return false;
    return true;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.starts.length; entry++) {
      let h = 0x811c9dc5;
      for (let i = this.starts[entry]!; i < this.ends[entry]!; i++) h = Math.imul(h ^ this.bytes[i]!, 0x01000193);
      let s = h & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = entry + 1;
    }
    this.slots = slots;
  }
}
