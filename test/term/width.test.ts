import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { displayWidth, truncate, padEnd, padStart, fit, ELLIPSIS, MAY_JOIN } from '../../src/term/width.js';
import { rng, pick, int } from '../support/random.js';

const DOUBTFUL = /[\u{1f3fb}-\u{1f3ff}]|\p{Extended_Pictographic}\ufe0f?\u200d/u;

const SAMPLES = [
  'RunInstances', '', '東京', 'ｱｲｳ', 'ＡＢＣ', '데이터베이스', '👍', '👍🏽', '👨‍👩‍👧‍👦', '🇯🇵', '1️⃣', '☺', '☺️',
  'e\u0301', 'cafe\u0301', '\u0301', 'a\u200bb', 'العربية', 'ẞ', 'x中y', 'mixed 日本 and 🎉 emoji', 'क्षि', 'ᅌ뀳', '\u1100\u1161\u11a8', '\u1100\u1100\u1161',
];

describe('displayWidth', () => {
  it('counts wide, emoji and combining characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('東京')).toBe(4);
    expect(displayWidth('ＡＢＣ')).toBe(6); // fullwidth forms
    expect(displayWidth('ｱｲｳ')).toBe(3); // halfwidth katakana
    expect(displayWidth('👍')).toBe(2);
    // Skin tone sequences and ZWJ sequences: 2 columns per emoji in them, the most a terminal draws
    // (tmux 3.3 draws 👍🏽 as 4): a row cut early beats one that wraps (issue 20).
    expect(displayWidth('👍🏽')).toBe(4);
    expect(displayWidth('👨‍👩‍👧‍👦')).toBe(8); // ZWJ family: one cluster, four emoji some terminals draw apart
    expect(displayWidth('🇯🇵')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u0301')).toBe(0);
    expect(displayWidth('x中y')).toBe(4);
  });

  it('agrees with the string-width Ink uses, when it is installed', async () => {
    // string-width is Ink's dependency, not ours: compare only when it resolves.
    let stringWidth: ((s: string) => number) | undefined;
    try {
      const resolved = createRequire(import.meta.url).resolve('string-width');
      const mod = (await import(pathToFileURL(resolved).href)) as { default: (s: string) => number };
      stringWidth = mod.default;
    } catch {
      stringWidth = undefined;
    }
    if (!stringWidth) {
      console.warn('string-width not installed: width comparison skipped');
      return;
    }
    // Equal, except emoji sequences (skin tones, ZWJ), which we measure wider on purpose (see above).
    const agrees = (s: string): void => {
      if (DOUBTFUL.test(s)) expect(displayWidth(s), s).toBeGreaterThanOrEqual(stringWidth!(s));
      else expect([s, displayWidth(s)]).toEqual([s, stringWidth!(s)]);
    };
    for (const s of SAMPLES) agrees(s);
    const random = rng(7);
    for (let i = 0; i < 3000; i++) {
      let s = '';
      for (let k = int(random, 1, 6); k > 0; k--) {
        s += random() < 0.5 ? pick(random, SAMPLES) : String.fromCodePoint(int(random, 0x20, 0x2ffff));
      }
      agrees(s);
    }
  });
});

describe('truncate / padEnd / fit', () => {
  it('leaves text that fits alone', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('東京', 4)).toBe('東京');
  });

  it('cuts ASCII with an ellipsis', () => {
    expect(truncate('RunInstances', 6)).toBe(`RunIn${ELLIPSIS}`);
    expect(truncate('RunInstances', 1)).toBe(ELLIPSIS);
    expect(truncate('RunInstances', 0)).toBe('');
  });

  it('never splits a wide character or a grapheme', () => {
    // '東京都' is 6 columns; in 4 columns only one wide char fits before the ellipsis.
    expect(truncate('東京都', 4)).toBe(`東${ELLIPSIS}`);
    expect(displayWidth(truncate('東京都', 4))).toBe(3);
    expect(truncate('東京都', 5)).toBe(`東京${ELLIPSIS}`);
    expect(truncate('a👨‍👩‍👧‍👦b', 3)).toBe(`a${ELLIPSIS}`);
    expect(truncate('cafe\u0301 au lait', 5)).toBe(`cafe\u0301${ELLIPSIS}`);
  });

  it('keeps every result within the width, for random text', () => {
    const random = rng(99);
    for (let i = 0; i < 2000; i++) {
      let s = '';
      for (let k = int(random, 0, 10); k > 0; k--) s += pick(random, SAMPLES);
      const w = int(random, 0, 30);
      const t = truncate(s, w);
      expect(displayWidth(t)).toBeLessThanOrEqual(w);
      if (displayWidth(s) <= w) expect(t).toBe(s);
      else expect(t.endsWith(ELLIPSIS) || w === 0).toBe(true);
      const cell = fit(s, w);
      expect(displayWidth(cell)).toBe(w);
    }
  });

  it('is bounded on a huge hostile field', () => {
    const huge = '東'.repeat(5_000_000);
    const t0 = performance.now();
    const t = truncate(huge, 40);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(t).toBe('東'.repeat(19) + ELLIPSIS);
    expect(truncate('x'.repeat(10_000_000), 10)).toBe(`xxxxxxxxx${ELLIPSIS}`);
  });

  it('pads by display width', () => {
    expect(padEnd('東', 4)).toBe('東  ');
    expect(padEnd('abcdef', 3)).toBe('abcdef');
    expect(padStart('7', 3)).toBe('  7');
    expect(fit('👍ok', 3)).toBe(`👍${ELLIPSIS}`);
    expect(fit('👍ok', 4)).toBe('👍ok');
    expect(fit('👍ok', 2)).toBe(`${ELLIPSIS} `);
  });
});

describe('MAY_JOIN', () => {
  it('covers every code point that joins a neighbour, so the no-segmenter path is exact', () => {
    const segmenter = new Intl.Segmenter();
    const missing: string[] = [];
    for (let cp = 0x80; cp <= 0x1ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      if (MAY_JOIN.test(c)) continue;
      let clusters = 0;
      for (const _ of segmenter.segment(`a${c}a`)) clusters++;
      if (clusters !== 3) missing.push(cp.toString(16));
    }
    expect(missing).toEqual([]);
  });
});
