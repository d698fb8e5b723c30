/**
 * The export's output writer: text and bytes come out as given, in writes of
 * at most one buffer, and it never holds more than two buffers of output
 * however far ahead its caller is (issue 20 item 12: a writer that stalls
 * must stop the export, not make it buffer).
 */
import { describe, expect, it } from 'vitest';
import type { Sink } from '../../src/export/atomic.js';
import { OutputWriter } from '../../src/export/output.js';

/** A sink that keeps what it is given; `gate` (when set) holds every write until opened. */
class RecordingSink implements Sink {
  readonly path = '-';
  readonly writes: Buffer[] = [];
  /** Writes called and not yet taken. */
  waiting = 0;
  private opened: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  stall(): void {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  resume(): void {
    this.open();
  }

  async write(data: string | Uint8Array): Promise<number> {
    // A copy: the writer may reuse its buffer once this resolves, not before.
    const copy = Buffer.from(typeof data === 'string' ? Buffer.from(data) : data);
    this.waiting++;
    await this.opened;
    this.waiting--;
    if (!Buffer.from(typeof data === 'string' ? Buffer.from(data) : data).equals(copy)) throw new Error('buffer reused while being written');
    this.writes.push(copy);
    return copy.length;
  }

  async commit(): Promise<void> {}
  async discard(): Promise<void> {}

  text(): string {
    return Buffer.concat(this.writes).toString('utf8');
  }
}

/** Resolves after pending callbacks of every kind have run (the writer's own chains included). */
async function drained(): Promise<void> {
  for (let k = 0; k < 10; k++) await new Promise((resolve) => setImmediate(resolve));
}

describe('OutputWriter', () => {
  it('writes text and bytes in order, cut only at buffer ends, with characters of every UTF-8 length kept whole', async () => {
    const sink = new RecordingSink();
    const counted: number[] = [];
    const writer = new OutputWriter(sink, (rows) => counted.push(rows), undefined, 64);
    const pieces: (string | Uint8Array)[] = [];
    let expected = '';
    for (let k = 0; k < 200; k++) {
      const text = `${k}:a\u00e9\u4e2d\u{1f600};`.repeat(k % 7);
      pieces.push(k % 3 === 0 ? Buffer.from(text) : text);
      expected += text;
    }
    for (const piece of pieces) {
      await writer.put(piece);
      writer.rowsDone(1);
    }
    await writer.finish();
    expect(sink.text()).toBe(expected);
    for (const write of sink.writes) expect(write.length).toBeLessThanOrEqual(64);
    // Text is encoded into the buffer up to its end, splitting no character; it is not written half-empty.
    expect(sink.writes.slice(0, -1).every((write) => write.length >= 60)).toBe(true);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(200);
  });

  it('writes a piece far bigger than its buffers as one write of its own', async () => {
    const sink = new RecordingSink();
    const writer = new OutputWriter(sink, () => {}, undefined, 64);
    const big = 'x'.repeat(300);
    await writer.put('head,');
    await writer.put(big);
    await writer.put(',tail');
    await writer.finish();
    expect(sink.text()).toBe(`head,${big},tail`);
    expect(sink.writes.map((write) => write.length)).toEqual([5, 300, 5]);
  });

  it('holds at most two buffers while the sink stalls: put waits, and nothing is lost when it resumes', async () => {
    const sink = new RecordingSink();
    sink.stall();
    const writer = new OutputWriter(sink, () => {}, undefined, 100);
    const chunk = Buffer.alloc(50, 0x61);
    let accepted = 0;
    const putting = (async () => {
      for (let k = 0; k < 100; k++) {
        await writer.put(chunk);
        accepted++;
      }
      await writer.finish();
    })();
    await drained();
    // One buffer in the stalled write, one full beside it, and the put that would need a third waits.
    expect(sink.waiting).toBe(1);
    expect(accepted).toBeLessThanOrEqual(4);
    sink.resume();
    await putting;
    expect(accepted).toBe(100);
    expect(sink.text()).toBe('a'.repeat(5000));
  });

  it('stops before a write when told to (a cancel), and credits only rows whose text was written', async () => {
    const sink = new RecordingSink();
    let cancelled = false;
    const credited: number[] = [];
    const writer = new OutputWriter(
      sink,
      (rows) => credited.push(rows),
      () => {
        if (cancelled) throw new Error('cancelled');
      },
      16,
    );
    await writer.put('0123456789');
    writer.rowsDone(1);
    await writer.put('0123456789');
    writer.rowsDone(1);
    cancelled = true;
    await expect(writer.put('0123456789'.repeat(3))).rejects.toThrow('cancelled');
    await writer.abandon();
    expect(sink.text()).toBe('0123456789012345');
    expect(credited).toEqual([1]);
  });
});
