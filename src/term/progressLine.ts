/**
 * One line of progress redrawn in place on a terminal's stderr (export, archive, athena).
 *
 * It never reaches the last two columns. At Ctrl-C the terminal echoes `^C` at the cursor
 * (ECHOCTL) before trailtop sees the signal: after a bar that left one column free (79 of 80),
 * the `C` wrapped onto a new line, the clear before the "interrupted" message erased only that
 * line, and the bar stayed above the message with a `^` at its end. With two columns free the
 * echo ends in the last column without wrapping, and the clear's `\r` comes back to the bar's line.
 */

/** Cells the terminal's `^C` echo takes after the line. */
export const INTERRUPT_ECHO_CELLS = 2;

/** What a progress line is written to: stderr, or a test's fake. */
export interface LineStream {
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressLine {
  /**
   * The width to lay a line out in for the formatters that fill at most `width - 1` cells
   * (formatProgressLine, formatArchiveProgress), read at each call (the window may be resized).
   */
  readonly width: number;
  /** Draws `line` over the previous one, cut to the cells the line may take. */
  draw(line: string): void;
  /** Erases the line, when one is drawn, so that the message after it starts a clean line. */
  clear(): void;
}

/** The most cells a line may fill on a terminal `columns` wide (80 when not known). */
export function progressLineCells(columns: number | undefined): number {
  return Math.max((columns || 80) - INTERRUPT_ECHO_CELLS, 0);
}

export function progressLine(stream: LineStream = process.stderr): ProgressLine {
  let drawn = false;
  return {
    get width() {
      return progressLineCells(stream.columns) + 1;
    },
    draw(line) {
      stream.write(`\r${line.slice(0, progressLineCells(stream.columns))}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
