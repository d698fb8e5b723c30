/**
 * Event ids as 16 bytes, and a set of them. `scan` only needs to know whether
 * it has seen an id, not the id itself: a UUID (every eventID CloudTrail
 * writes) packs losslessly into 16 bytes; any other id is hashed to 128 bits
 * (a collision needs about 2^64 distinct ids). A JS Set of a million id
 * strings costs about 100 MB; this costs 20 to 40 bytes an id (24 to 48 numbered).
 */
import { cyrb128Finish, cyrb128Into } from '../model/hash.js';

const HEX = new Int8Array(128).fill(-1);
for (let k = 0; k < 10; k++) HEX[48 + k] = k;
for (let k = 0; k < 6; k++) {
  HEX[97 + k] = 10 + k;
  HEX[65 + k] = 10 + k;
}

/** Writes the 16-byte key of `id` into out[at..at+4) as four 32-bit lanes. */
export function idKey(id: string, out: Int32Array, at: number): void {
  if (id.length === 36 && packUuid(id, out, at)) return;
  cyrb128Into(id, out, at);
}

/**
 * idKey of an ASCII id held in bytes[start, end), without making the string
 * (the headless fast path reads ids from the file's bytes): the same key, as
 * each byte is then the string's UTF-16 code unit.
 */
export function idKeyAscii(bytes: Uint8Array, start: number, end: number, out: Int32Array, at: number): void {
  if (end - start === 36 && packUuidBytes(bytes, start, out, at)) return;
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  // cyrb128Into (model/hash.ts) over the bytes; kept in step with it (test/scan/scan.test.ts compares them).
  for (let i = start; i < end; i++) {
    const k = bytes[i]!;
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  cyrb128Finish(h1, h2, h3, h4, out, at);
}

/** packUuid over bytes[start, start + 36); false when they are not a UUID. */
export function packUuidBytes(bytes: Uint8Array, start: number, out: Int32Array, at: number): boolean {
  if (bytes[start + 8] !== 45 || bytes[start + 13] !== 45 || bytes[start + 18] !== 45 || bytes[start + 23] !== 45) return false;
  let lane = 0;
  let nibbles = 0;
  let value = 0;
  let upper = false;
  for (let k = 0; k < 36; k++) {
    if (k === 8 || k === 13 || k === 18 || k === 23) continue;
    const c = bytes[start + k]!;
    const d = c < 128 ? HEX[c]! : -1;
    if (d < 0) return false;
    if (c >= 65 && c <= 70) upper = true;
    value = (value << 4) | d;
    if (++nibbles === 8) {
      out[at + lane++] = value;
      value = 0;
      nibbles = 0;
    }
  }
  if (upper) out[at + 3] = out[at + 3]! ^ 0x5bd1e995;
  return true;
}

/** 8-4-4-4-12 hex digits (either case) into four lanes; false when `id` is not a UUID. */
function packUuid(id: string, out: Int32Array, at: number): boolean {
  if (id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  let lane = 0;
  let nibbles = 0;
  let value = 0;
  let upper = false;
  for (let k = 0; k < 36; k++) {
    if (k === 8 || k === 13 || k === 18 || k === 23) continue;
    const c = id.charCodeAt(k);
    const d = c < 128 ? HEX[c]! : -1;
    if (d < 0) return false;
    if (c >= 65 && c <= 70) upper = true;
    value = (value << 4) | d;
    if (++nibbles === 8) {
      out[at + lane++] = value;
      value = 0;
      nibbles = 0;
    }
  }
  // A lowercase and an uppercase spelling of one UUID are different eventIDs to the store; keep them apart here too.
  if (upper) out[at + 3] = out[at + 3]! ^ 0x5bd1e995;
  return true;
}


/** add: the key was new / already there with the same fingerprint / already there with another (a conflicting duplicate). */
export const ADDED = 0;
export const SAME = 1;
export const CONFLICT = 2;

/**
 * The slot mark of a copy rebuilt from a CSV export's columns (model/recordBatch.ts isLossy): it
 * lacks fields the full record has, so its content never conflicts with another copy's. A full
 * copy's fingerprint 0 or 1 is marked 2 (0 marks an empty slot).
 */
const LOSSY_MARK = 1;

function markOf(fingerprint: number, lossy: boolean): number {
  if (lossy) return LOSSY_MARK;
  const mark = fingerprint >>> 0;
  return mark <= LOSSY_MARK ? 2 : mark;
}

/** Shards of an IdSet (a power of two): the top bits of a key's hash choose one. */
const SHARD_BITS = 4;

/**
 * One shard: open addressing, at most half full; per slot the key and its
 * first copy's fingerprint (20 bytes; a fingerprint is never 0, so 0 marks an
 * empty slot), and in a numbered set the key's number (4 bytes more).
 */
class IdShard {
  keys = new Int32Array(4 << 8);
  fingerprints = new Uint32Array(1 << 8);
  ordinals: Int32Array | null;
  count = 0;

  constructor(numbered: boolean) {
    this.ordinals = numbered ? new Int32Array(1 << 8) : null;
  }

  /**
   * Twice the slots, each key moved with its fingerprint and number: one
   * probe sequence a key, into a table that has no other key equal to it.
   */
  grow(): void {
    const oldKeys = this.keys;
    const oldFingerprints = this.fingerprints;
    const oldOrdinals = this.ordinals;
    const size = oldFingerprints.length * 2;
    const keys = new Int32Array(size * 4);
    const fingerprints = new Uint32Array(size);
    const ordinals = oldOrdinals ? new Int32Array(size) : null;
    const mask = size - 1;
    for (let i = 0; i < oldFingerprints.length; i++) {
      if (oldFingerprints[i] === 0) continue;
      const s = i * 4;
      const a = oldKeys[s]!;
      const b = oldKeys[s + 1]!;
      const c = oldKeys[s + 2]!;
      const d = oldKeys[s + 3]!;
      let j = mix(a, b, c, d) & mask;
      while (fingerprints[j] !== 0) j = (j + 1) & mask;
      const t = j * 4;
      keys[t] = a;
      keys[t + 1] = b;
      keys[t + 2] = c;
      keys[t + 3] = d;
      fingerprints[j] = oldFingerprints[i]!;
      if (ordinals) ordinals[j] = oldOrdinals![i]!;
    }
    this.keys = keys;
    this.fingerprints = fingerprints;
    this.ordinals = ordinals;
  }
}

/**
 * A set of 16-byte keys (four Int32 lanes each), in shards chosen by the
 * key's hash. Each key keeps the 32-bit content fingerprint of its first copy,
 * so a later copy with other content is told apart (fingerprints 0, 1 and 2
 * are one: 0 marks an empty slot, 1 a lossy copy). Shards, because a table that doubles holds its
 * old and new slots at once: one table of a million ids peaked at 78 MB while
 * it grew (issue 13: scan's peak RSS).
 */
export class IdSet {
  private readonly shards: IdShard[];
  private count = 0;
  /**
   * In a numbered set, the number of the key the last addCopy added or found
   * (0 for the first key added): lets a caller keep a value per distinct key
   * in a plain list (detect/tally.ts keeps the kept copy's time, for a later
   * conflicting copy). -1 in a set made without numbers.
   */
  lastOrdinal = -1;

  /** `numbered`: keep each key's number (lastOrdinal), 4 bytes a slot more. */
  constructor(numbered = false) {
    this.shards = Array.from({ length: 1 << SHARD_BITS }, () => new IdShard(numbered));
  }

  get size(): number {
    return this.count;
  }

  /** Adds keys[at..at+4); true when it was not there yet. */
  add(keys: Int32Array, at: number): boolean {
    return this.addCopy(keys, at, 0) === ADDED;
  }

  /**
   * Adds keys[at..at+4) with its content fingerprint: ADDED, or SAME / CONFLICT against the copy
   * already there. A `lossy` copy (rebuilt from CSV columns) is SAME as any other, and a full copy
   * met after lossy ones only becomes the one later copies are compared with.
   */
  addCopy(keys: Int32Array, at: number, fingerprint: number, lossy = false): number {
    const a = keys[at]!;
    const b = keys[at + 1]!;
    const c = keys[at + 2]!;
    const d = keys[at + 3]!;
    const mark = markOf(fingerprint, lossy);
    const hash = mix(a, b, c, d);
    const shard = this.shards[hash >>> (32 - SHARD_BITS)]!;
    if ((shard.count + 1) * 2 > shard.fingerprints.length) shard.grow();
    const fingerprints = shard.fingerprints;
    const table = shard.keys;
    const mask = fingerprints.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const stored = fingerprints[i]!;
      if (stored === 0) {
        fingerprints[i] = mark;
        if (shard.ordinals) shard.ordinals[i] = this.lastOrdinal = this.count;
        const s = i * 4;
        table[s] = a;
        table[s + 1] = b;
        table[s + 2] = c;
        table[s + 3] = d;
        shard.count++;
        this.count++;
        return ADDED;
      }
      const s = i * 4;
      if (table[s] === a && table[s + 1] === b && table[s + 2] === c && table[s + 3] === d) {
        if (shard.ordinals) this.lastOrdinal = shard.ordinals[i]!;
        if (stored === LOSSY_MARK) {
          fingerprints[i] = mark;
          return SAME;
        }
        return stored === mark || mark === LOSSY_MARK ? SAME : CONFLICT;
      }
    }
  }
}

function mix(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ (b >>> 7), 0x85ebca6b) ^ Math.imul(c ^ (d << 5), 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}
