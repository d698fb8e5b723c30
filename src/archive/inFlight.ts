/**
 * Closing an archive safely. DuckDB's client crashes the process (SIGSEGV),
 * hangs it, or fails with bad_weak_ptr when a connection or the database is
 * closed while one of its statements still runs on DuckDB's threads: quitting
 * the --db dashboard while its count or top values are being worked out did
 * that. So every connection's statements are counted as they start and end;
 * a close stops new ones, interrupts those running, and waits for them to
 * settle before anything is closed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export class ArchiveClosedError extends Error {
  constructor() {
    super('the archive is closed');
  }
}

export interface TrackedConnections {
  /** `connection` with its statements counted (and refused once closing has begun). */
  track(connection: DuckDBConnection): DuckDBConnection;
  /** Refuses new statements, interrupts the running ones, and resolves when none is left. */
  drain(): Promise<void>;
}

/** How long a close waits on the statements before interrupting again. */
const INTERRUPT_AGAIN_MS = 20;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

export function trackConnections(): TrackedConnections {
  const running = new Set<PromiseLike<unknown>>();
  const raw: DuckDBConnection[] = [];
  let closing = false;
  return {
    track(connection) {
      raw.push(connection);
      return new Proxy(connection, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if (typeof value !== 'function') return value;
          // Closing and interrupting are how a close works: never counted, never refused.
          if (key === 'closeSync' || key === 'disconnectSync' || key === 'interrupt') return value.bind(target);
          return (...args: unknown[]): unknown => {
            // The client's other methods are all asynchronous: refused as a failed statement is.
            if (closing) return Promise.reject(new ArchiveClosedError());
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (isThenable(result)) {
              running.add(result);
              const settled = (): void => void running.delete(result);
              result.then(settled, settled);
            }
            return result;
          };
        },
      });
    },
    async drain() {
      closing = true;
      // A connection runs its statements one after another: an interrupt stops the one running, and
      // the next then starts. So interrupt again until every one has ended.
      while (running.size > 0) {
        for (const connection of raw) {
          try {
            connection.interrupt();
          } catch {
            // Already closed: nothing of it runs.
          }
        }
        await Promise.race([Promise.allSettled([...running]), new Promise((resolve) => setTimeout(resolve, INTERRUPT_AGAIN_MS))]);
      }
    },
  };
}
