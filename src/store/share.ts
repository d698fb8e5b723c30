import type { ResourceRef } from '../model/types.js';

/**
 * Shares one copy of values that repeat across rows, found by a string key.
 * Like model/intern.ts's Interner, but for arrays, and able to give up: it
 * judges itself over windows of `probe` lookups, and when more than
 * `maxNewShare` of a window's values were new, the values are mostly unique
 * and the table would cost more than it saves (a key and an entry per value,
 * kept for good), so it is dropped and values are kept as they come.
 */
export class SharedValues<T> {
  private table: Map<string, T> | null = new Map();
  private lookups = 0;
  private added = 0;

  constructor(
    private readonly limit = 500_000,
    private readonly probe = 32_768,
    private readonly maxNewShare = 0.5,
  ) {}

  share(key: string, value: T): T {
    const table = this.table;
    if (!table) return value;
    if (++this.lookups === this.probe) {
      const giveUp = this.added > this.probe * this.maxNewShare;
      this.lookups = 0;
      this.added = 0;
      if (giveUp) {
        this.table = null;
        return value;
      }
    }
    const known = table.get(key);
    if (known !== undefined) return known;
    this.added++;
    if (table.size < this.limit) table.set(key, value);
    return value;
  }

  /** False once the table was dropped for values that do not repeat. */
  get active(): boolean {
    return this.table !== null;
  }

  get size(): number {
    return this.table?.size ?? 0;
  }
}

/**
 * Shares one copy of each repeated string of one kind (resource names, say),
 * giving up like SharedValues when the strings mostly do not repeat; then
 * each string is kept as it comes.
 */
export class StringSharer {
  private readonly values: SharedValues<string>;

  constructor(probe?: number) {
    this.values = new SharedValues<string>(undefined, probe);
  }

  share(value: string): string {
    return value === '' ? '' : this.values.share(value, value);
  }
}

/** An unambiguous key for a list of strings: each part length-prefixed, so no crafted value can collide with another split. */
export function listKey(parts: readonly string[]): string {
  // join() gives one flat string; += would keep a tree of pieces alive as the table's key.
  const pieces: string[] = [];
  for (const part of parts) pieces.push(String(part.length), ':', part);
  return pieces.join('');
}

export function resourcesKey(resources: readonly ResourceRef[]): string {
  const parts: string[] = [];
  for (const r of resources) parts.push(r.type, r.name, r.arn, r.accountId);
  return listKey(parts);
}
