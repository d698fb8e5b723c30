import { statSync } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import type { Sink } from './atomic.js';

/**
 * A target named `.gz` is read with gunzip by whoever gets it (zcat, jq
 * pipelines, `aws s3 cp`, trailtop's own loader), so its bytes must be gzip:
 * plain text under that name made `zcat out.json.gz` fail.
 */
export function gzipsByName(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
}

/** The name without a trailing `.gz`, for reading the format off what is left (`x.csv.gz` is CSV). */
export function withoutGz(path: string): string {
  return gzipsByName(path) ? path.slice(0, -'.gz'.length) : path;
}

/**
 * A sink that gzips what it is given into `inner` (node:zlib, streaming:
 * only what zlib has produced since the last write is held). `write` resolves
 * once the compressed bytes of the data before it are taken by `inner`, so
 * backpressure, cancels and failures (a full disk) work as they do unzipped;
 * it returns the bytes given, so progress counts the text as before. commit
 * finishes the gzip stream, then commits `inner` (the atomic rename); discard
 * drops both.
 */
export function gzipSink(inner: Sink): Sink {
  const gzip: Gzip = createGzip();
  // Output is gathered as zlib pushes it, which may be after the write callback that fed it: FIFO, written in order.
  let produced: Buffer[] = [];
  let failure: Error | null = null;
  gzip.on('data', (chunk: Buffer) => {
    produced.push(chunk);
  });
  gzip.on('error', (error: Error) => {
    failure ??= error;
  });
  const ended = new Promise<void>((resolveEnd) => {
    gzip.once('end', resolveEnd);
    gzip.once('close', resolveEnd);
  });

  const drain = async (): Promise<void> => {
    if (produced.length === 0) return;
    const out = produced.length === 1 ? produced[0]! : Buffer.concat(produced);
    produced = [];
    await inner.write(out);
  };

  const feed = (data: string | Uint8Array): Promise<void> =>
    new Promise((resolveWrite, rejectWrite) => {
      gzip.write(data, (error?: Error | null) => {
        const problem = error ?? failure;
        if (problem) rejectWrite(problem);
        else resolveWrite();
      });
    });

  return {
    path: inner.path,
    async write(data) {
      if (failure) throw failure;
      await feed(data);
      await drain();
      return typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : data.length;
    },
    async commit() {
      gzip.end();
      await ended;
      if (failure) throw failure;
      await drain();
      await inner.commit();
    },
    async discard() {
      gzip.destroy();
      produced = [];
      await inner.discard();
    },
  };
}

/** The size on disk of a written export file when it is gzipped, for the line that says what was written; else undefined. */
export function gzippedSize(path: string): number | undefined {
  if (!gzipsByName(path)) return undefined;
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
