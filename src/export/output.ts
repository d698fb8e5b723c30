import type { Sink } from './atomic.js';

/**
 * Bytes of each of the writer's two buffers: big enough that a write is one
 * cheap syscall per megabyte, small enough to cost nothing next to the rows.
 */
export const WRITE_BYTES = 1024 * 1024;

/** UTF-8 needs at most three bytes per UTF-16 code unit (a surrogate pair: four bytes for two). */
const MAX_BYTES_PER_UNIT = 3;

const encoder = new TextEncoder();

/**
 * Gathers an export's output into two fixed buffers and writes one while the
 * other fills, so at most two buffers of output are ever held, however far
 * ahead the text is made: a caller that puts more waits until the sink has
 * taken the write before (backpressure). Text is encoded straight into the
 * buffer (no joined string, no Buffer per piece); bytes (records read back)
 * are copied, so the memory they came from is free once put() returns.
 */
export class OutputWriter {
  private buffers: [Buffer, Buffer];
  private fill = 0;
  /** Rows whose text is all in the filling buffer (or written before it): counted when it is written. */
  private rowsFilled = 0;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly sink: Sink,
    /** Called once a write is taken by the sink: rows completed by it, its bytes. */
    private readonly written: (rows: number, bytes: number) => void,
    /** Called before each write; throws to stop (a cancel). */
    private readonly beforeWrite: () => void = () => {},
    size = WRITE_BYTES,
  ) {
    this.buffers = [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)];
  }

  /** Appends text or bytes (copied before this resolves). */
  async put(piece: string | Uint8Array): Promise<void> {
    if (typeof piece !== 'string') return this.putBytes(piece);
    if (piece.length > this.buffers[0].length * 4) {
      // A huge piece (a 50 MB userAgent): one write of its own rather than a hundred copies.
      await this.flush();
      await this.write(Buffer.from(piece, 'utf8'));
      return;
    }
    let text = piece;
    while (text.length > 0) {
      const buffer = this.buffers[0];
      if (buffer.length - this.fill >= text.length * MAX_BYTES_PER_UNIT) {
        this.fill += buffer.write(text, this.fill, 'utf8');
        return;
      }
      const { read, written } = encoder.encodeInto(text, buffer.subarray(this.fill));
      this.fill += written;
      text = text.slice(read);
      if (text.length > 0) await this.flush();
    }
  }

  /** `rows` more rows have all their text put: they count as written with the write that takes it. */
  rowsDone(rows: number): void {
    this.rowsFilled += rows;
  }

  /** Writes what is gathered and waits for every write to be taken. */
  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
  }

  /** Waits for the write in flight, ignoring its failure (the export is failing already). */
  async abandon(): Promise<void> {
    await this.settle().catch(() => {});
  }

  private async putBytes(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const buffer = this.buffers[0];
      const count = Math.min(bytes.length - at, buffer.length - this.fill);
      buffer.set(bytes.subarray(at, at + count), this.fill);
      this.fill += count;
      at += count;
      if (this.fill === buffer.length) await this.flush();
    }
  }

  private async flush(): Promise<void> {
    if (this.fill === 0) return;
    const full = this.buffers[0].subarray(0, this.fill);
    this.fill = 0;
    // The other buffer fills while this one is written; it was last written two flushes ago, awaited in write().
    this.buffers = [this.buffers[1], this.buffers[0]];
    await this.write(full);
  }

  /** One write in flight at a time: waits for the one before, then starts this one. */
  private async write(bytes: Uint8Array): Promise<void> {
    await this.settle();
    this.beforeWrite();
    const rows = this.rowsFilled;
    this.rowsFilled = 0;
    const write = this.sink.write(bytes).then((count) => this.written(rows, count));
    // Observed here so a failure waiting to be awaited is never reported as unhandled.
    write.catch(() => {});
    this.inflight = write;
  }

  private async settle(): Promise<void> {
    const write = this.inflight;
    this.inflight = null;
    if (write) await write;
  }
}
