/**
 * Ctrl-C and SIGTERM during a command's long work (an export, `--db DIR`'s import): the first stops
 * the work where it can stop cleanly, the second exits at once (the readers given 0.25 s to stop
 * between two tasks: ingest/workerStop.ts). Exit statuses as a shell reports a process the signal killed.
 */
import { exitStoppingWorkers } from '../ingest/workerStop.js';

const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

/** 130 for SIGINT, 143 for SIGTERM. */
export function signalExit(signal: NodeJS.Signals): number {
  return SIGNAL_EXIT[signal] ?? 130;
}

export interface SignalWatch {
  /** The first signal caught, or null. */
  readonly seen: NodeJS.Signals | null;
  /** Takes the handlers off again. */
  release(): void;
}

/**
 * SIGINT and SIGTERM abort `controller` (`seen` says which came); a second one runs `beforeExit`
 * (remove a temp file, clear a progress bar) and exits at once.
 */
export function abortOnSignals(controller: AbortController, beforeExit: () => void): SignalWatch {
  let seen: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (seen) {
      beforeExit();
      exitStoppingWorkers(signalExit(signal));
      return;
    }
    seen = signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get seen() {
      return seen;
    },
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
