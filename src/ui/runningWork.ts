/**
 * Work that quitting would lose, such as a download running (shown or hidden
 * with `b`). While one is set, `q` asks before quitting instead of dropping it
 * silently; Ctrl-C still quits at once.
 */
export interface RunningWork {
  /** What the question names, read when it is drawn so it stays current: "A download is running (45%)". */
  describe(): string;
  /** Stops the work cleanly (a download removes its half-written file). */
  cancel(): void;
}

/** What `q` did: quit, or asked first because work runs. */
export type QuitOutcome = 'quitting' | 'asking';

/** The question `q` asks while work runs. */
export function quitQuestion(work: RunningWork): string {
  return `${work.describe()}: quit and cancel it? y/n`;
}
