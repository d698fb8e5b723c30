/**
 * Pretty JSON for the JSON view: sanitise each pretty-printed line, split it
 * into coloured tokens, then wrap the tokens to the view's width.
 */
import { stringifyJson } from '../model/stringify.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth } from '../term/width.js';
import { own } from '../term/glyphs.js';

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct';

export interface JsonToken {
  text: string;
  kind: JsonTokenKind;
}

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([^"\d\-tfn]+|.)/g;

/** Tokens of one (already sanitised) line. */
export function tokenizeJsonLine(line: string): JsonToken[] {
  const tokens: JsonToken[] = [];
  for (const m of line.matchAll(TOKEN)) {
    if (m[1] !== undefined) {
      if (m[2] !== undefined) {
        tokens.push({ text: m[1], kind: 'key' }, { text: m[2], kind: 'punct' });
      } else {
        tokens.push({ text: m[1], kind: 'string' });
      }
    } else if (m[3] !== undefined) tokens.push({ text: m[3], kind: 'number' });
    else if (m[4] !== undefined) tokens.push({ text: m[4], kind: 'literal' });
    else tokens.push({ text: m[0], kind: 'punct' });
  }
  return tokens;
}

/**
 * Lines longer than this are cut for the view (`y` still copies the whole record): a
 * multi-megabyte value overflows the tokenizer's regex stack and takes seconds to wrap.
 */
export const MAX_JSON_LINE = 50_000;

function cutLine(line: string): string {
  if (line.length <= MAX_JSON_LINE) return line;
  return `${line.slice(0, MAX_JSON_LINE)}${own('…')} (${(line.length - MAX_JSON_LINE).toLocaleString('en-US')} more characters)`;
}

/** Pretty-prints a record; every line goes through the sanitiser (JSON escaping leaves C1 and bidi characters raw). */
export function prettyJsonLines(value: unknown): string[] {
  return stringifyJson(value, 2)
    .split('\n')
    .map((line) => sanitize(cutLine(line)));
}

/** Wraps token lines to `width` cells; a token split across lines keeps its kind. */
export function wrapTokens(lines: readonly string[], width: number): JsonToken[][] {
  const w = Math.max(4, width);
  const out: JsonToken[][] = [];
  for (const line of lines) {
    let current: JsonToken[] = [];
    let used = 0;
    for (const token of tokenizeJsonLine(line)) {
      let piece = '';
      for (const ch of token.text) {
        const cw = displayWidth(ch);
        if (used + cw > w) {
          if (piece) current.push({ text: piece, kind: token.kind });
          out.push(current);
          current = [];
          piece = '';
          used = 0;
        }
        piece += ch;
        used += cw;
      }
      if (piece) current.push({ text: piece, kind: token.kind });
    }
    out.push(current);
  }
  return out;
}
