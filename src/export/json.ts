import { stringifyJson } from '../model/stringify.js';
import { terminalSafeJson } from '../term/jsonText.js';
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
