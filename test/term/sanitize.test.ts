import { describe, it, expect } from 'vitest';
import { sanitize, sanitizeMultiline, stripControls, needsSanitizing } from '../../src/term/sanitize.js';
import { rng, pick, int } from '../support/random.js';

/** The code points no sanitised output may contain, written independently of the implementation. */
function isForbidden(cp: number, allowNewline = false): boolean {
  if (allowNewline && cp === 0x0a) return false;
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp <= 0x9f)) return true;
  if (cp === 0x061c || cp === 0x200e || cp === 0x200f) return true;
  if (cp >= 0x202a && cp <= 0x202e) return true;
  if (cp >= 0x2066 && cp <= 0x2069) return true;
  if (cp >= 0xd800 && cp <= 0xdfff) return true; // for..of yields lone surrogates as themselves
  return false;
}

function forbiddenIn(text: string, allowNewline = false): string[] {
  const found: string[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (isForbidden(cp, allowNewline)) found.push(cp.toString(16));
  }
  return found;
}

const ESC = '\x1b';
const HOSTILE: readonly string[] = [
  `${ESC}[2J`, `${ESC}[H`, `${ESC}[31;1m`, `${ESC}[?1049h`, `${ESC}[6n`,
  `${ESC}]0;pwned title\x07`, `${ESC}]0;title${ESC}\\`,
  `${ESC}]8;;https://evil.example/${ESC}\\click${ESC}]8;;${ESC}\\`,
  `${ESC}]52;c;${Buffer.from('rm -rf ~').toString('base64')}\x07`,
  `${ESC}]52;c;aGVsbG8=${ESC}\\`,
  `${ESC}P+q544e${ESC}\\`, `${ESC}_apc payload${ESC}\\`, `${ESC}^pm${ESC}\\`, `${ESC}Xsos${ESC}\\`,
  '\x9b2J', '\x9d0;title\x9c', '\x90dcs\x9c', '\u202e', '\u202a', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c',
  '\ud800', '\udfff', '\x7f', '\x00', '\r', '\n', '\t', '\b', '\u2028',
];
const ORDINARY: readonly string[] = [
  'aws-cli/2.15.10 Python/3.11.4', 'prod-bucket', '東京リージョン', '데이터', 'Ünïcödé café', 'naïve',
  '👍', '👨‍👩‍👧‍👦', '🇯🇵', '1️⃣', 'e\u0301', 'ẞ', 'العربية', 'שלום', '\\x1b literal', '中文字符',
];

function allControls(): string[] {
  const out: string[] = [];
  for (let c = 0; c < 0x20; c++) out.push(String.fromCharCode(c));
  out.push('\x7f');
  for (let c = 0x80; c <= 0x9f; c++) out.push(String.fromCharCode(c));
  return out;
}

describe('sanitize', () => {
  it('returns the very same string when nothing needs escaping', () => {
    for (const s of ORDINARY) {
      expect(sanitize(s)).toBe(s);
      expect(needsSanitizing(s)).toBe(false);
    }
  });

  it('shows escape sequences as text with the ESC byte spelled out', () => {
    expect(sanitize(`ua ${ESC}[2J end`)).toBe('ua \\x1b[2J end');
    expect(sanitize(`${ESC}]52;c;aGk=\x07`)).toBe('\\x1b]52;c;aGk=\\x07');
    expect(sanitize(`${ESC}]8;;http://x${ESC}\\t${ESC}]8;;${ESC}\\`)).toBe('\\x1b]8;;http://x\\x1b\\t\\x1b]8;;\\x1b\\');
    expect(sanitize('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(sanitize('\x9b31m')).toBe('\\x9b31m');
    expect(sanitize('\x00\x7f')).toBe('\\x00\\x7f');
  });

  it('escapes bidi controls and replaces lone surrogates', () => {
    expect(sanitize('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(sanitize('\u2066x\u2069')).toBe('\\u2066x\\u2069');
    expect(sanitize('a\ud800b')).toBe('a\ufffdb');
    expect(sanitize('a\udc00')).toBe('a\ufffd');
    expect(sanitize('😀')).toBe('😀'); // a valid pair is untouched
  });

  it('escapes every C0 and C1 control and DEL', () => {
    for (const c of allControls()) {
      const out = sanitize(`x${c}y`);
      expect(forbiddenIn(out)).toEqual([]);
      expect(out.startsWith('x') && out.endsWith('y')).toBe(true);
      expect(out.length).toBeGreaterThan(3);
    }
  });

  it('sanitizeMultiline keeps newlines and escapes the rest', () => {
    expect(sanitizeMultiline('{\n  "ua": "\x1b[2J\t"\r\n}')).toBe('{\n  "ua": "\\x1b[2J\\t"\\r\n}');
    expect(sanitizeMultiline('plain\ntext')).toBe('plain\ntext');
  });

  it('stripControls removes unsafe code points', () => {
    expect(stripControls('abc\x7f\x7f\x1bd\u202e')).toBe('abcd');
    expect(stripControls('日本')).toBe('日本');
  });

  it('property: random hostile strings never keep a control, ordinary text survives in order', () => {
    const random = rng(20261126);
    const controls = allControls();
    for (let round = 0; round < 2000; round++) {
      const pieces: { text: string; ordinary: boolean }[] = [];
      const n = int(random, 1, 25);
      for (let i = 0; i < n; i++) {
        const kind = random();
        if (kind < 0.3) pieces.push({ text: pick(random, ORDINARY), ordinary: true });
        else if (kind < 0.6) pieces.push({ text: pick(random, HOSTILE), ordinary: false });
        else if (kind < 0.85) pieces.push({ text: pick(random, controls), ordinary: false });
        else if (kind < 0.97) {
          // random code points from the whole BMP and astral planes, lone surrogates included
          let s = '';
          for (let k = int(random, 1, 8); k > 0; k--) {
            const cp = random() < 0.8 ? int(random, 0, 0xffff) : int(random, 0x10000, 0x10ffff);
            s += cp <= 0xffff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
          }
          pieces.push({ text: s, ordinary: false });
        } else pieces.push({ text: 'A'.repeat(int(random, 1000, 20000)) + `${ESC}[2J`, ordinary: false });
      }
      const input = pieces.map((p) => p.text).join('');
      const out = sanitize(input);
      expect(forbiddenIn(out)).toEqual([]);
      expect(sanitize(out)).toBe(out);
      const multi = sanitizeMultiline(input);
      expect(forbiddenIn(multi, true)).toEqual([]);
      let from = 0;
      for (const p of pieces) {
        if (!p.ordinary) continue;
        const at = out.indexOf(p.text, from);
        expect(at).toBeGreaterThanOrEqual(0);
        from = at + p.text.length;
      }
    }
  });

  it('is fast on a long line', () => {
    const line = ('x'.repeat(100) + `${ESC}[2J`).repeat(20_000);
    const t0 = performance.now();
    const out = sanitize(line);
    const ms = performance.now() - t0;
    expect(forbiddenIn(out)).toEqual([]);
    expect(ms).toBeLessThan(1000);
  });
});
