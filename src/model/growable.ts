/**
 * Append-only typed arrays that double when full: columns of numbers by index
 * (scan's counts and times, the derived resource keys) without a JS array of
 * boxed numbers. `data` may be longer than `length`; read only below `length`.
 */
export class Int32List {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

export class Float64List {
  data = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
}

/** `old` with room for at least `needed` entries (doubling, 1,024 at least), its entries kept. */
export function grownUint32(old: Uint32Array | null, needed: number): Uint32Array {
  const bigger = new Uint32Array(Math.max(needed, (old?.length ?? 0) * 2, 1024));
  if (old !== null) bigger.set(old);
  return bigger;
}
