import { describe, expect, it } from 'vitest';
import { compactJson } from '../../src/export/compactJson.js';
import { sourceTextFor } from '../../src/export/sourceText.js';
import { terminalSafeJson } from '../../src/term/jsonText.js';
import { rng } from '../support/random.js';


const PIECES = ['a', 'Z', ' ', '{', '}', '[', ']', ',', ':', '"', '\\', '/', '\n', '\t', '\u0000', '\u001b', '\u007f', '\u009b', '\u2028', '\u202e', 'é', '漢', '😀', '\ud800', '\udfff', '1.0', 'e'];
const ESCAPES = ['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0041', '\\u001b', '\\u007f', '\\u009b', '\\u2028', '\\ud800', '\\udc00', '\\ud83d\\ude00', '\\u00e9', '\\u0022', '\\u005c'];
const NUMBERS = ['0', '-0', '1', '1.0', '1.50', '-12', '1e3', '1E+3', '2e-7', '12345678901234567890123', '1e400', '-1e400', '0.1000000000000000055511151231257827', '9007199254740993'];
const SPACE = [' ', '\n', '\r\n', '\t', '  '];

function ws(r: () => number): string {
  return r() < 0.5 ? '' : SPACE[Math.floor(r() * SPACE.length)]!.repeat(1 + Math.floor(r() * 2));
}

/** A JSON string token: raw characters JSON allows unescaped, or escapes. */
function str(r: () => number): string {
  let out = '"';
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    if (r() < 0.4) out += ESCAPES[Math.floor(r() * ESCAPES.length)]!;
    else {
      const p = PIECES[Math.floor(r() * PIECES.length)]!;
      // Raw in a JSON string: all but ", \ and C0 controls (lone surrogates cannot be UTF-8 text).
      out += JSON.stringify(p).slice(1, -1).replace(/\\u(d[89a-f][0-9a-f]{2})/g, '');
    }
  }
  return out + '"';
}

function value(r: () => number, depth: number): string {
  const k = r();
  if (depth > 3 || k < 0.35) {
    const leaf = r();
    if (leaf < 0.5) return str(r);
    if (leaf < 0.85) return NUMBERS[Math.floor(r() * NUMBERS.length)]!;
    return ['true', 'false', 'null'][Math.floor(r() * 3)]!;
  }
  const n = Math.floor(r() * 4);
  const parts: string[] = [];
  if (k < 0.7) {
    for (let i = 0; i < n; i++) parts.push(ws(r) + str(r) + ws(r) + ':' + ws(r) + value(r, depth + 1) + ws(r));
    return '{' + parts.join(',') + ws(r) + '}';
  }
  for (let i = 0; i < n; i++) parts.push(ws(r) + value(r, depth + 1) + ws(r));
  return '[' + parts.join(',') + ws(r) + ']';
}

// Controls a terminal acts on, and line breaks (one record per line): never raw in an export.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('compactJson against JSON.parse on random JSON', () => {
  it('gives the same value, on one terminal-safe line, never longer, for 20000 random documents', () => {
    for (let seed = 1; seed <= 20000; seed++) {
      const r = rng(seed);
      const text = ws(r) + value(r, 0) + ws(r);
      const bytes = Buffer.from(text, 'utf8');
      const out = compactJson(bytes);
      const safe = terminalSafeJson(out.toString('utf8'));
      const context = `seed ${seed}: ${JSON.stringify(text)}`;
      expect(out.length, context).toBeLessThanOrEqual(bytes.length);
      expect(JSON.parse(safe), context).toEqual(JSON.parse(text));
      expect(UNSAFE.test(safe), context).toBe(false);
    }
  });

  it('sourceTextFor gives the record itself or null, never another value, for 20000 random pairs', () => {
    let kept = 0;
    for (let seed = 1; seed <= 20000; seed++) {
      const r = rng(seed);
      const text = '{' + ws(r) + '"k"' + ws(r) + ':' + ws(r) + value(r, 1) + ws(r) + '}';
      // The record is sometimes the candidate's own value, sometimes another one.
      const other = r() < 0.5 ? text : '{"k":' + value(r, 1) + '}';
      const record = JSON.parse(other) as unknown;
      const got = sourceTextFor(text, record);
      const context = `seed ${seed}: ${JSON.stringify(text)} for ${JSON.stringify(other)}`;
      if (got === null) continue;
      expect(UNSAFE.test(got), context).toBe(false);
      expect(JSON.stringify(JSON.parse(got)), context).toBe(JSON.stringify(record));
      kept++;
    }
    // Not vacuous: most of the candidates that are the record are kept.
    expect(kept).toBeGreaterThan(5000);
  });
});
