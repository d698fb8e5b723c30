/**
 * One file of a headless `detect` (detect/headless.ts), read where it runs
 * (a worker, or the main thread): for every record its 16-byte id key and a
 * content fingerprint (so the main thread applies the one duplicate rule,
 * ingest/order.ts, and spots conflicting copies), and the rules each record
 * fired with its time. No row leaves the file.
 *
 * The fast path reads the file with the span scanner (which validates it as
 * JSON.parse would, so a malformed file still goes to the ordinary reader
 * and is reported as before) and parses only the records a rule could fire
 * on (spanScreen.ts) or whose eventID is not plain in the bytes. Its
 * fingerprints are of a record's bytes: equal bytes are the same event; two
 * copies with other bytes make the run read everything again the ordinary
 * way (DetectTally.needsFullRead), so conflicts are those the store finds.
 */
import { readEventFile } from '../ingest/read.js';
import { rowFingerprint } from '../model/contentCheck.js';
import { normalize, parseEventTime } from '../model/normalize.js';
import { isLossy, RecordBatch } from '../model/recordBatch.js';
import type { FileReadResult } from '../model/types.js';
import { bytesHash, idKeyOfBytes, plainFile } from '../scan/fastJob.js';
import { idKey } from '../scan/ids.js';
import { hitsOfRows, packRowHits, type RowHits } from './hitCodec.js';
import type { Detector } from './detector.js';
import { createDetector } from './recordDetector.js';
import { RuleNeedsWorker } from './inlineGuard.js';
import type { RuleHit, RuleSpec } from './rule.js';
import { SpanScreen } from './spanScreen.js';

export interface DetectJob {
  id: number;
  path: string;
  /** Parse only the records a rule could fire on, where the file allows it. */
  fast: boolean;
}

export interface DetectReply {
  id: number;
  result: Omit<FileReadResult, 'rows'>;
  /** Events in the file, in file order (the reader's rows). */
  count: number;
  /** Four lanes per event (scan/ids.ts idKey of its row id). */
  ids: Int32Array;
  fingerprints: Uint32Array;
  /** Fingerprints are of the records' bytes (the fast path), not of their rows. */
  byteFingerprints: boolean;
  /** Positions of the events rebuilt from CSV columns (model/recordBatch.ts isLossy), ascending: a full copy goes before them. */
  lossy: Int32Array;
  /** Each event's time (epoch ms); NaN when not parsed (fast path) or unreadable. */
  times: Float64Array;
  /** Events that fired: their positions, and their rules as hitRules[hitEnds[h - 1] .. hitEnds[h]). */
  hitAt: Int32Array;
  hitEnds: Int32Array;
  hitRules: Int32Array;
}

/** What the job needs of the rule set: the detector, and its screen for the fast path. */
export interface DetectRules {
  detector: Detector;
  screen: SpanScreen;
}

/** The detector and its screen for a rule set, where the files are read. */
export function detectRules(specs: readonly RuleSpec[]): DetectRules {
  const detector = createDetector(specs);
  return { detector, screen: new SpanScreen(detector, specs) };
}

export async function runDetectJob(job: DetectJob, rules: DetectRules): Promise<DetectReply> {
  if (job.fast) {
    let reply: DetectReply | null = null;
    try {
      reply = fastDetectFile(job, rules);
    } catch (error) {
      // A main thread's detector met a regex rule (inlineGuard.ts): the file goes to a worker, not to the reader here.
      if (error instanceof RuleNeedsWorker) throw error;
      // Whatever else went wrong, the ordinary reader decides what the file is.
    }
    if (reply) return reply;
  }
  return fullDetectFile(job, rules.detector);
}

/** The ordinary reader's rows, the detector run where it parses each record. */
async function fullDetectFile(job: DetectJob, detector: Detector): Promise<DetectReply> {
  let read: FileReadResult;
  try {
    read = await readEventFile(job.path, { detector });
  } catch (error) {
    read = { path: job.path, shape: 'bad', rows: [], reason: error instanceof Error ? error.message : String(error), skippedRecords: 0, bytes: 0 };
  }
  const { rows, hits, records: _records, ...result } = read;
  const count = rows.length;
  const ids = new Int32Array(count * 4);
  const fingerprints = new Uint32Array(count);
  const times = new Float64Array(count);
  const lossy: number[] = [];
  for (let r = 0; r < count; r++) {
    const row = rows[r]!;
    idKey(row.id, ids, r * 4);
    fingerprints[r] = rowFingerprint(row);
    times[r] = row.time;
    if (isLossy(row)) lossy.push(r);
  }
  // Hits name a record by its index in the file; rows skip items that are not events.
  const { hits: packed } = hitsOfRows(rows, (hits ?? []) as readonly RuleHit[]);
  return { id: job.id, result, count, ids, fingerprints, byteFingerprints: false, lossy: Int32Array.from(lossy), times, ...replyHits(packed) };
}

/** The fast path's reply, or null when the file needs the ordinary reader (fastJob.ts has the same conditions). */
function fastDetectFile(job: DetectJob, rules: DetectRules): DetectReply | null {
  const file = plainFile(job.path);
  if (!file) return null;
  const { bytes, spans, shape } = file;
  const { starts, ends, flags, idStarts, idEnds } = spans;
  const count = starts.length;

  const candidates = rules.screen.mask(spans);
  const ids = new Int32Array(count * 4);
  const fingerprints = new Uint32Array(count);
  const times = new Float64Array(count).fill(Number.NaN);
  const at: number[] = [];
  const fired: (readonly number[])[] = [];
  let batch: RecordBatch | null = null;
  for (let k = 0; k < count; k++) {
    const start = starts[k]!;
    const end = ends[k]!;
    fingerprints[k] = bytesHash(bytes, start, end);
    const known = idKeyOfBytes(bytes, idStarts[k]!, idEnds[k]!, ids, k * 4);
    if (candidates[k] === 0 && known) continue;
    const record = JSON.parse(bytes.toString('utf8', start, end)) as Record<string, unknown>;
    if (!known) {
      // No plain eventID in the bytes: the row's id as the reader makes it (a content hash when there is none).
      batch ??= new RecordBatch(job.path);
      const row = normalize(record, batch, k);
      idKey(row.id, ids, k * 4);
      times[k] = row.time;
    } else times[k] = parseEventTime(record.eventTime);
    if (candidates[k] === 1) {
      const rulesFired = rules.detector.test(record);
      if (rulesFired) {
        at.push(k);
        fired.push(rulesFired);
      }
    }
  }
  return {
    id: job.id,
    result: { path: job.path, shape, reason: '', skippedRecords: 0, bytes: file.rawBytes },
    count,
    ids,
    fingerprints,
    byteFingerprints: true,
    lossy: new Int32Array(0),
    times,
    ...replyHits(packRowHits(at, fired)),
  };
}

function replyHits(hits: RowHits): Pick<DetectReply, 'hitAt' | 'hitEnds' | 'hitRules'> {
  return { hitAt: hits.at, hitEnds: hits.ends, hitRules: hits.rules };
}
