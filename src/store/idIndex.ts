/**
 * The set of row ids the store has seen, as an open-addressing hash table of
 * row numbers in typed arrays. A JS Set of a million strings costs about 40
 * bytes an entry; this costs 16 (two slots per row at most half full, each a
 * row number and the id's hash), because the ids themselves live in the rows.
 * Keeping the hashes makes growing the table a copy of numbers, not a second
 * hashing of every id (which stalled the main thread for most of a second at
 * a million rows).
 */
export class IdIndex {
  private rows = new Int32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  private count = 0;

  /** `idAt(n)` is the id of row n (the rows the store keeps in arrival order). */
  constructor(private readonly idAt: (row: number) => string) {}

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.find(id) >= 0;
  }

  /** The row number with this id, or -1. */
  find(id: string): number {
    const h = hash(id);
    const { rows, hashes } = this;
    const mask = rows.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const slot = rows[i]!;
      if (slot === 0) return -1;
      if (hashes[i] === h && this.idAt(slot - 1) === id) return slot - 1;
    }
  }

  /** Records `id` as row `row` unless the id is known; true when it was new. */
  addIfAbsent(id: string, row: number): boolean {
    if ((this.count + 1) * 2 > this.rows.length) this.grow();
    const h = hash(id);
    const { rows, hashes } = this;
    const mask = rows.length - 1;
    let i = h & mask;
    for (;;) {
      const slot = rows[i]!;
      if (slot === 0) break;
      if (hashes[i] === h && this.idAt(slot - 1) === id) return false;
      i = (i + 1) & mask;
    }
    rows[i] = row + 1;
    hashes[i] = h;
    this.count++;
    return true;
  }

  private grow(): void {
    const oldRows = this.rows;
    const oldHashes = this.hashes;
    const size = oldRows.length * 2;
    const rows = new Int32Array(size);
    const hashes = new Int32Array(size);
    const mask = size - 1;
    for (let k = 0; k < oldRows.length; k++) {
      const slot = oldRows[k]!;
      if (slot === 0) continue;
      const h = oldHashes[k]!;
      let i = h & mask;
      while (rows[i] !== 0) i = (i + 1) & mask;
      rows[i] = slot;
      hashes[i] = h;
    }
    this.rows = rows;
    this.hashes = hashes;
  }
}

/** FNV-1a over UTF-16 code units with a final mix: fast, and spread well enough for linear probing. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x7fffffff;
}
