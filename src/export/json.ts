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
 * parts[part[k]] (the answers of several worker threads, or just one).
 */
export interface RecordPlacement {
  parts: readonly RecordBytes[];
  part: Uint8Array;
  slot: Uint32Array;
}

const COMMA_NEWLINE = Buffer.from(',\n');
const NEWLINE = 0x0a;

/** Like jsonTexts, for records' texts as bytes: the chunk assembled with one copy and decoded once. */
export function jsonBytesText(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number): string {
  const { parts, part, slot } = placement;
  const count = slot.length;
  if (count === 0) return '';
  let total = flavour === 'jsonl' ? count : 2 * (count - 1) + (alreadyWritten === 0 ? 0 : 2);
  let ascii = true;
  for (const p of parts) ascii &&= p.ascii;
  for (let k = 0; k < count; k++) {
    const ends = parts[part[k]!]!.ends;
    const s = slot[k]!;
    total += ends[s]! - (s === 0 ? 0 : ends[s - 1]!);
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let k = 0; k < count; k++) {
    if (flavour === 'json' && (k > 0 || alreadyWritten > 0)) {
      out.set(COMMA_NEWLINE, at);
      at += 2;
    }
    const { bytes, ends } = parts[part[k]!]!;
    const s = slot[k]!;
    const start = s === 0 ? 0 : ends[s - 1]!;
    out.set(bytes.subarray(start, ends[s]!), at);
    at += ends[s]! - start;
    if (flavour === 'jsonl') out[at++] = NEWLINE;
  }
  // 'ascii' decodes plain ASCII exactly and is about three times as fast as 'utf8'.
  return out.toString(ascii ? 'ascii' : 'utf8');
}
