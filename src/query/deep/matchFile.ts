import { readRecord } from '../../ingest/read.js';
import { readDecodedFile, scanRecordSpans, SPAN_NON_ASCII, SPAN_PLAIN } from '../../ingest/recordSpans.js';
import type { Prefilter } from '../prefilter.js';
import { fileMayMatch, spanMask, spanMayMatch } from '../prefilter.js';
import type { RecordMatcher } from '../recordMatch.js';
import type { FileSpans } from './protocol.js';

/** Past this share of a file's records asked for, the prefilter searches the whole file at once. */
const WHOLE_FILE_SHARE = 0.25;

/**
 * Which of the records `indexes` (RecordRef.index, ascending) of `file`
 * match: `found(k)` for each indexes[k] that does, in ascending k. A file
 * that holds none of the prefilter's literals anywhere is decided at once.
 * Otherwise records are read back the way the JSON export reads them: the
 * file's bytes are scanned for record spans (ingest/recordSpans.ts), a span
 * whose bytes cannot hold the prefilter's literals is skipped unparsed, and
 * only the rest are parsed and tested. Files of other shapes (JSON lines,
 * lookup-events, EventBridge) are read through readRecord. A record that
 * is gone (the file changed or vanished) does not match. Returns early,
 * having reported what it found so far, once `stopped()` is true.
 *
 * `known` are spans an earlier search scanned: used when the file is still
 * that version (its fileIdentity). Returns the spans it scanned itself, for
 * the next search, or null.
 */
export async function matchFile(
  file: string,
  indexes: readonly number[],
  matcher: RecordMatcher,
  prefilter: Prefilter | null,
  stopped: () => boolean,
  found: (k: number) => void,
  known: FileSpans | null = null,
): Promise<FileSpans | null> {
  const decoded = readDecodedFile(file);
  const bytes = decoded?.bytes ?? null;
  // Most files of a rare literal hold it nowhere: they are decided without a scan or a parse.
  if (stopped() || (bytes && prefilter && !fileMayMatch(prefilter, bytes))) return null;
  let spans: FileSpans | null = null;
  let fresh: FileSpans | null = null;
  if (decoded && bytes) {
    if (known && known.identity === decoded.identity) spans = known;
    else {
      const scanned = scanRecordSpans(bytes);
      if (scanned) {
        spans = { identity: decoded.identity, starts: Int32Array.from(scanned.starts), ends: Int32Array.from(scanned.ends), flags: Uint8Array.from(scanned.flags) };
        fresh = spans;
      }
    }
  }
  if (!bytes || !spans) {
    for (let k = 0; k < indexes.length && !stopped(); k++) {
      const record = await readRecord({ file, index: indexes[k]! });
      if (record && matcher(record)) found(k);
    }
    return null;
  }
  const text = bytes;
  const { starts, ends, flags } = spans;
  const count = starts.length;
  const mask =
    prefilter && indexes.length >= count * WHOLE_FILE_SHARE
      ? spanMask(prefilter, text, starts, ends, flags)
      : null;
  for (let k = 0; k < indexes.length; k++) {
    if (stopped()) return fresh;
    const index = indexes[k]!;
    if (index < 0 || index >= count) continue;
    const flag = flags[index]!;
    if (!(flag & SPAN_PLAIN)) {
      const record = await readRecord({ file, index });
      if (record && matcher(record)) found(k);
      continue;
    }
    const start = starts[index]!;
    const end = ends[index]!;
    if (prefilter && !(mask ? mask[index] === 1 : spanMayMatch(prefilter, text, start, end))) continue;
    // ASCII decodes cheaper as Latin-1, to the same text.
    const json = text.toString(flag & SPAN_NON_ASCII ? 'utf8' : 'latin1', start, end);
    if (matcher(JSON.parse(json))) found(k);
  }
  return fresh;
}
