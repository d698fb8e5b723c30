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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Bytes per decoded piece: below V8's 128 KiB limit for young-generation
 * objects, so a piece dies young instead of growing the old generation (see
 * JSON_WRITE_CHARS). Even as UTF-16 (two bytes a character) for UTF-8 text;
 * ASCII pieces stay one byte a character, and bigger pieces mean fewer
 * scavenges (a third fewer at a million rows) and no joining before a write.
 */
const PIECE_BYTES = 48 * 1024;
const ASCII_PIECE_BYTES = 120 * 1024;

/** Continuation bytes of UTF-8 (10xxxxxx): a piece must not start on one. */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** bytes[start, end) decoded in pieces of at most (ASCII_)PIECE_BYTES, cut between characters. */
function decodePieces(bytes: Buffer, encoding: 'ascii' | 'utf8', start: number, end: number): string[];
function decodePieces(bytes: Buffer, encoding: 'ascii' | 'utf8', start: number, end: number, lazy: true): Generator<string>;
function decodePieces(bytes: Buffer, encoding: 'ascii' | 'utf8', start: number, end: number, lazy = false): string[] | Generator<string> {
  const size = encoding === 'ascii' ? ASCII_PIECE_BYTES : PIECE_BYTES;
  function* pieces(): Generator<string> {
    let from = start;
    while (from < end) {
      let cut = Math.min(end, from + size);
      while (cut < end && cut > from + 1 && isContinuation(bytes[cut]!)) cut--;
      yield bytes.toString(encoding, from, cut);
      from = cut;
    }
  }
  return lazy ? pieces() : [...pieces()];
}

/**
 * Like jsonTexts, for framed records as bytes. Rows that follow each other in
 * one part are copied as one run; a chunk that is a single run is decoded in
 * place. Decoded as 'ascii' when it is (about three times as fast as
 * 'utf8'), in pieces (see PIECE_BYTES). The copy goes to a scratch buffer
 * kept from chunk to chunk: a fresh one each time would add to the external
 * memory that makes V8 mark the whole heap (a million rows) again.
 */
export class JsonChunkAssembler {
  private scratch: Buffer = Buffer.alloc(0);

  /** The chunk's text as one string (tests, small chunks). */
  text(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number): string {
    return this.pieces(flavour, placement, alreadyWritten).join('');
  }

  pieces(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number): string[] {
    const { bytes, encoding, start, end } = this.gather(flavour, placement, alreadyWritten, false);
    return decodePieces(bytes, encoding, start, end);
  }

  /**
   * The chunk's text as pieces decoded only when iterated. The bytes are
   * copied out of the shared slot into a buffer of the chunk's own (outside
   * V8's heap), so the strings are made just before they are written and die
   * young. Decoded at once, the chunks read ahead (3 x 8,000 records) outlived
   * the young generation, were promoted, and a 1M-row download grew the main
   * heap by a gigabyte of garbage before V8 marked it (issue 20, item 12).
   */
  lazyPieces(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number): Iterable<string> {
    const { bytes, encoding, start, end } = this.gather(flavour, placement, alreadyWritten, true);
    return {
      *[Symbol.iterator]() {
        yield* decodePieces(bytes, encoding, start, end, true);
      },
    };
  }

  /** The chunk's bytes in one buffer: in place for a single run (`own`: copied), else gathered. */
  private gather(flavour: JsonFlavour, placement: RecordPlacement, alreadyWritten: number, own: boolean): { bytes: Buffer; encoding: 'ascii' | 'utf8'; start: number; end: number } {
    const { parts, part, slot } = placement;
    const count = slot.length;
    if (count === 0) return { bytes: Buffer.alloc(0), encoding: 'ascii', start: 0, end: 0 };
    // The export's first record has no comma before it.
    const skip = flavour === 'json' && alreadyWritten === 0 ? 2 : 0;
    let ascii = true;
    for (const p of parts) ascii &&= p.ascii;
    const encoding = ascii ? 'ascii' : 'utf8';
    const runPart: number[] = [];
    const runStart: number[] = [];
    const runEnd: number[] = [];
    let total = 0;
    for (let k = 0; k < count; ) {
      const p = part[k]!;
      const first = slot[k]!;
      let last = first;
      for (k++; k < count && part[k] === p && slot[k] === last + 1; k++) last++;
      const ends = parts[p]!.ends;
      const start = first === 0 ? 0 : ends[first - 1]!;
      runPart.push(p);
      runStart.push(start);
      runEnd.push(ends[last]!);
      total += ends[last]! - start;
    }
    if (runPart.length === 1 && !own) return { bytes: asBuffer(parts[runPart[0]!]!.bytes), encoding, start: runStart[0]! + skip, end: runEnd[0]! };
    if (own) {
      const out = Buffer.allocUnsafeSlow(total);
      let at = 0;
      for (let r = 0; r < runPart.length; r++) {
        out.set(parts[runPart[r]!]!.bytes.subarray(runStart[r], runEnd[r]), at);
        at += runEnd[r]! - runStart[r]!;
      }
      return { bytes: out, encoding, start: skip, end: total };
    }
    if (this.scratch.length < total) this.scratch = Buffer.allocUnsafeSlow(Math.max(total, this.scratch.length * 2));
    const out = this.scratch;
    let at = 0;
    for (let r = 0; r < runPart.length; r++) {
      out.set(parts[runPart[r]!]!.bytes.subarray(runStart[r], runEnd[r]), at);
      at += runEnd[r]! - runStart[r]!;
    }
    return { bytes: out, encoding, start: skip, end: total };
  }
}
