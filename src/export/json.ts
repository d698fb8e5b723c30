import { stringifyJson } from '../model/stringify.js';
import { terminalSafeJson } from '../term/jsonText.js';
import type { RecordBytes } from './recordBytes.js';
import type { RawRecord } from './records.js';

/**
 * JSON output is streamed in pieces, never built as one string:
 * `{"Records":[` + records separated by `,\n` + `]}` for 'json', the shape
 * CloudTrail itself writes (so trailtop, jq and CloudTrail tools read it), or
 * one record per line for 'jsonl'.
 */
export type JsonFlavour = 'json' | 'jsonl';

export function jsonPrologue(flavour: JsonFlavour): string {
  return flavour === 'json' ? '{"Records":[\n' : '';
}

export function jsonEpilogue(flavour: JsonFlavour, total: number): string {
  if (flavour === 'jsonl') return '';
  return total === 0 ? ']}\n' : '\n]}\n';
}

/**
 * The text for records that follow `alreadyWritten` earlier ones. JSON.stringify
 * escapes every control character, so a record never spans lines in jsonl.
 */
export function jsonRecords(flavour: JsonFlavour, records: readonly RawRecord[], alreadyWritten: number): string {
  const texts = new Array<string>(records.length);
  for (let i = 0; i < records.length; i++) texts[i] = terminalSafeJson(stringifyJson(records[i]));
  return jsonTexts(flavour, texts, alreadyWritten);
}

/** Like jsonRecords, for records already turned into JSON text (by the worker threads). */
export function jsonTexts(flavour: JsonFlavour, texts: readonly string[], alreadyWritten: number): string {
  if (texts.length === 0) return '';
  if (flavour === 'jsonl') return `${texts.join('\n')}\n`;
  const lead = alreadyWritten === 0 ? '' : ',\n';
  return lead + texts.join(',\n');
}

/**
 * Where a chunk's records lie: record k (in row order) is record slot[k] of
 * parts[part[k]] (the answers of several worker threads, or just one), each
 * framed for the flavour (see RecordFraming).
 */
export interface RecordPlacement {
  parts: readonly RecordBytes[];
  part: Uint8Array;
  slot: Uint32Array;
}

/** Consecutive framed records of one part, as a view of its bytes. */
export interface PlacedRun {
  bytes: Uint8Array;
  /** How many records the view holds: they count as written with its bytes. */
  records: number;
}

/**
 * A run ends after this many bytes even if the next record follows in the
 * same part, so the events written are counted with the bytes: a run of a
 * whole chunk (a worker's share is megabytes) counted nothing until all of it
 * was written, and a download showed `0/300,362 events 6.0 MiB`.
 */
export const RUN_BYTES = 64 * 1024;

/**
 * The chunk's framed records as views of the parts' bytes, in row order:
 * rows that follow each other in one part are one view (up to RUN_BYTES).
 * The export's first record has no comma before it. Made one at a time as
 * they are iterated: the writer copies each into its buffers
 * (export/output.ts) at once, so the views die young; a chunk read ahead
 * holding thousands of them (rows of files that interleave make short runs)
 * had them promoted, and a 1M-row download grew the main heap by a hundred
 * megabytes of them.
 */
export function* placedRuns(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number): Generator<PlacedRun> {
  const { parts, part, slot } = placement;
  let skip = flavour === 'json' && alreadyWritten === 0 ? 2 : 0;
  for (let k = 0; k < slot.length; ) {
    const p = part[k]!;
    const first = slot[k]!;
    const { bytes, ends } = parts[p]!;
    const from = first === 0 ? 0 : ends[first - 1]!;
    let last = first;
    for (k++; k < slot.length && part[k] === p && slot[k] === last + 1 && ends[last]! - from < RUN_BYTES; k++) last++;
    yield { bytes: bytes.subarray(from + skip, ends[last]), records: last - first + 1 };
    skip = 0;
  }
}

/** Consecutive records' text, framed for the flavour: they count as written with its bytes. */
export interface TextRun {
  text: string;
  records: number;
}

/**
 * jsonTexts in runs of up to about RUN_BYTES (as characters), so the events
 * are counted with the bytes as placedRuns' are: one string for a page of
 * thousands of records counted nothing until all of it was written.
 * Together the runs are jsonTexts' text.
 */
export function* textRuns(flavour: JsonFlavour, texts: readonly string[], alreadyWritten: number): Generator<TextRun> {
  for (let first = 0; first < texts.length; ) {
    let end = first;
    let length = 0;
    while (end < texts.length && (end === first || length < RUN_BYTES)) length += texts[end++]!.length;
    yield { text: jsonTexts(flavour, texts.slice(first, end), alreadyWritten + first), records: end - first };
    first = end;
  }
}
