import { readRecordAndRow } from '../../ingest/read.js';
import { readDecodedFile, scanRecordSpans, SPAN_NON_ASCII, SPAN_PLAIN } from '../../ingest/recordSpans.js';
import type { Prefilter } from '../prefilter.js';
import { ESCAPES, fileMayMatch, spanMask, spanMayMatch } from '../prefilter.js';
import type { RowRecordMatcher } from '../recordMatch.js';
import type { KeyProbe } from './keyProbe.js';
import type { FileSpans } from './protocol.js';

/** Past this share of a file's records asked for, the prefilter searches the whole file at once. */
const WHOLE_FILE_SHARE = 0.25;

/** A search's compiled tests (run.ts Matchers): the matcher decides; the prefilter and the probe only rule records out. */
export interface RecordTests {
  matcher: RowRecordMatcher;
  prefilter: Prefilter | null;
  /** With a probe, only the probe's keys' values are parsed (keyProbe.ts). */
  probe: KeyProbe | null;
}

/**
 * Which of the records `indexes` (RecordRef.index, ascending) of `file`
 * match: `found(k)` for each indexes[k] that does, in ascending k. A file
 * that holds none of the prefilter's literals anywhere is decided at once.
 * Otherwise records are read back the way the JSON export reads them: the
 * file's bytes are scanned for record spans (ingest/recordSpans.ts), a span
 * whose bytes cannot hold the prefilter's literals (or the probe's needles)
 * is skipped unparsed, and only the rest are parsed (with a probe, only its
 * keys' values) and tested. Files of other shapes (JSON lines,
 * lookup-events, EventBridge) are read through readRecord. A record that
 * is gone (the file changed or vanished) does not match. Returns early,
 * having reported what it found so far, once `stopped()` is true.
 *
 * `known` are spans an earlier search scanned: used when the file is still
 * that version (its fileIdentity) and they note the probe's keys. Returns
 * the spans it scanned itself, for the next search, or null. `identity` is
 * the version the store read the records from (FileAsk.identity): a file
 * still of that version is inflated without the CRC check.
 */
export async function matchFile(
  file: string,
  indexes: readonly number[],
  tests: RecordTests,
  stopped: () => boolean,
  found: (k: number) => void,
  known: FileSpans | null = null,
  identity = '',
): Promise<FileSpans | null> {
  const { matcher, prefilter, probe } = tests;
  const decoded = readDecodedFile(file, undefined, identity);
  const bytes = decoded?.bytes ?? null;
  // Most files of a rare literal hold it nowhere: they are decided without a scan or a parse.
  if (stopped() || (bytes && prefilter && !fileMayMatch(prefilter, bytes))) return null;
  // A path's key is written in every record the path is in, as itself or escaped (with a backslash).
  if (bytes && probe && !probe.needles.every((needle) => holds(bytes, needle.bytes)) && bytes.indexOf(0x5c) < 0 && !startsUtf16(bytes)) return null;
  const keys = probe ? probe.keys.join('\n') : undefined;
  let spans: FileSpans | null = null;
  let fresh: FileSpans | null = null;
  if (decoded && bytes) {
    if (known && known.identity === decoded.identity && (keys === undefined || known.keys === keys)) spans = known;
    else {
      const scanned = scanRecordSpans(bytes, probe?.spanKeys, { fields: false });
      if (scanned) {
        spans = { identity: decoded.identity, starts: Int32Array.from(scanned.starts), ends: Int32Array.from(scanned.ends), flags: Uint8Array.from(scanned.flags) };
        if (keys !== undefined && scanned.values) {
          spans.keys = keys;
          spans.values = Int32Array.from(scanned.values);
        }
        fresh = spans;
      }
    }
  }
  if (!bytes || !spans) {
    for (let k = 0; k < indexes.length && !stopped(); k++) {
      if (await readAndMatch(file, indexes[k]!, matcher)) found(k);
    }
    return null;
  }
  const text = bytes;
  const { starts, ends, flags } = spans;
  const count = starts.length;
  const values = probe && spans.values ? spans.values : null;
  const needles = values !== null && probe !== null && probe.needles.length > 0;
  const escapes = needles && text.indexOf(0x5c) >= 0;
  // The needles rule out more, and cheaper, than the prefilter's literals record by record.
  const filter = needles ? null : prefilter;
  const mask =
    filter && indexes.length >= count * WHOLE_FILE_SHARE
      ? spanMask(filter, text, starts, ends, flags)
      : null;
  for (let k = 0; k < indexes.length; k++) {
    if (stopped()) return fresh;
    const index = indexes[k]!;
    if (index < 0 || index >= count) continue;
    const flag = flags[index]!;
    if (!(flag & SPAN_PLAIN)) {
      if (await readAndMatch(file, index, matcher)) found(k);
      continue;
    }
    const start = starts[index]!;
    const end = ends[index]!;
    if (filter && !(mask ? mask[index] === 1 : spanMayMatch(filter, text, start, end))) continue;
    // ASCII decodes cheaper as Latin-1, to the same text.
    const encoding = flag & SPAN_NON_ASCII ? 'utf8' : 'latin1';
    let record: unknown = null;
    try {
      const at = values && probe ? index * probe.keys.length * 2 : -1;
      // -2: the item is the whole document, whose values were not noted; parsed whole.
      if (at >= 0 && values![at] !== -2) {
        if (needles && !needlesIn(probe!, text, values!, at, escapes)) continue;
        record = probedRecord(probe!, values!, at, text, encoding);
      } else record = JSON.parse(text.toString(encoding, start, end));
    } catch {
      // Not JSON: the file was rewritten under the identity (size, time) of the spans kept from it.
      if (await readAndMatch(file, index, matcher)) found(k);
      continue;
    }
    if (record && matcher(record, null)) found(k);
  }
  return fresh;
}

/**
 * Reads one item the slow way (any file shape) and tests its record with the
 * loader's row of the item, so a lookup-events element's Resources and
 * Username count for the summary terms a group holds beside a record path.
 */
async function readAndMatch(file: string, index: number, matcher: RowRecordMatcher): Promise<boolean> {
  const read = await readRecordAndRow({ file, index });
  return read !== null && matcher(read.record, read.row);
}

/** An object holding a record's values of the probe's keys (the ones it has), parsed from their spans. */
function probedRecord(probe: KeyProbe, values: Int32Array, at: number, text: Buffer, encoding: 'utf8' | 'latin1'): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let key = 0; key < probe.keys.length; key++) {
    const start = values[at + key * 2]!;
    // keyProbeOf leaves out __proto__, the one key an assignment would not make an own property.
    if (start >= 0) record[probe.keys[key]!] = JSON.parse(text.toString(encoding, start, values[at + key * 2 + 1]!));
  }
  return record;
}

/**
 * Whether `needle` (a quoted key) occurs in the text: searched from the
 * byte after its opening quote (the commonest byte of JSON, a slow one for
 * Buffer.indexOf to start from), which is then checked.
 */
function holds(text: Buffer, needle: Buffer): boolean {
  const tail = needle.subarray(1);
  for (let p = text.indexOf(tail, 1); p >= 0; p = text.indexOf(tail, p + 1)) if (text[p - 1] === needle[0]) return true;
  return false;
}

/** UTF-16 by its byte-order mark: ASCII text is not written as itself there. */
function startsUtf16(bytes: Buffer): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
}

/**
 * Whether each of the probe's needles lies inside its key's value
 * (values[at...], RecordSpans.values), or that value holds an escape that
 * may spell it (`escapes`: the file holds a backslash at all). Searched
 * value by value, not over the file: the values are a small part of it,
 * and a needle starts with a quote, which JSON text is full of.
 */
function needlesIn(probe: KeyProbe, text: Buffer, values: Int32Array, at: number, escapes: boolean): boolean {
  for (const needle of probe.needles) {
    const start = values[at + needle.key * 2]!;
    if (start < 0) return false;
    const value = text.subarray(start, values[at + needle.key * 2 + 1]!);
    if (value.indexOf(needle.bytes) >= 0) continue;
    if (escapes && value.indexOf(0x5c) >= 0 && ESCAPES.some((escape) => value.indexOf(escape) >= 0)) continue;
    return false;
  }
  return true;
}
