/**
 * The set of row ids the store has seen, as an open-addressing hash table of
 * row numbers in an Int32Array. A JS Set of a million strings costs about 40
 * bytes an entry; this costs 8 (two 4-byte slots per row at most half full),
 * because the ids themselves already live in the rows.
 */
export class IdIndex {
  private slots = new Int32Array(1 << 12);
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
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash(id) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return -1;
      if (this.idAt(slot - 1) === id) return slot - 1;
    }
  }

  /** Records that row `row` has `id`; the caller checked has(id) first. */
  add(id: string, row: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    this.place(hash(id), row);
    this.count++;
  }

  private place(h: number, row: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = h & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = row + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    for (const slot of old) if (slot !== 0) this.place(hash(this.idAt(slot - 1)), slot - 1);
  }
}

/** FNV-1a over UTF-16 code units: fast, and spread well enough for linear probing. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  // A final mix so ids that differ only at the end still land far apart.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
