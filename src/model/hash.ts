/**
 * cyrb128: four 32-bit lanes over the UTF-16 code units of `text`, written to
 * out[at..at+3]. Used where a fast, well-spread, non-cryptographic hash is
 * enough: the samples' PRNG seed and the headless scan's 16-byte id set.
 * An Int32Array receives the lanes as signed, a Uint32Array as unsigned: the same bits.
 */
export function cyrb128Into(text: string, out: Int32Array | Uint32Array, at: number): void {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  cyrb128Finish(h1, h2, h3, h4, out, at);
}

/** cyrb128's final mix of the four lanes into out[at..at+3]; shared with the byte loop of scan/ids.ts (idKeyAscii). */
export function cyrb128Finish(h1: number, h2: number, h3: number, h4: number, out: Int32Array | Uint32Array, at: number): void {
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  out[at] = h1;
  out[at + 1] = h2;
  out[at + 2] = h3;
  out[at + 3] = h4;
}
