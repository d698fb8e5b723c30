import type { ResourceRef } from '../model/types.js';

/**
 * Shares one copy of values that repeat across rows, found by a string key.
 * Like model/intern.ts's Interner, but for arrays, and able to give up: when
 * after `probe` lookups fewer than `minHitRate` of them found a shared copy,
 * the values are mostly unique and the table would cost more than it saves,
 * so it is dropped and values are kept as they come.
 */
export class SharedValues<T> {
  private table: Map<string, T> | null = new Map();
  private lookups = 0;
  private hits = 0;

  constructor(
    private readonly limit = 500_000,
    private readonly probe = 50_000,
    private readonly minHitRate = 0.2,
  ) {}

  share(key: string, value: T): T {
    const table = this.table;
    if (!table) return value;
    this.lookups++;
    const known = table.get(key);
    if (known !== undefined) {
      this.hits++;
      return known;
    }
    if (this.lookups === this.probe && this.hits < this.probe * this.minHitRate) {
      this.table = null;
      return value;
    }
    if (table.size < this.limit) table.set(key, value);
    return value;
  }

  /** False once the table was dropped for a low hit rate. */
  get active(): boolean {
    return this.table !== null;
  }

  get size(): number {
    return this.table?.size ?? 0;
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
