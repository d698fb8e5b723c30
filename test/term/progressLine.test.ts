/**
 * The progress line on stderr (term/progressLine.ts) leaves the last two columns free for the `^C`
 * a terminal echoes at Ctrl-C. archive's bar filled 79 of 80 columns: the echo wrapped, the clear
 * before "interrupted" erased only the wrapped `C`, and the bar stayed on screen above the message
 * with a `^` at its end. The terminal half runs in a tmux pane 80 columns wide (needs a build:
 * npm test builds first; and tmux, which CI installs).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatArchiveProgress } from '../../src/commands/archive.js';
import { formatProgressLine } from '../../src/export/progress.js';
import { progressLine, progressLineCells } from '../../src/term/progressLine.js';
import { tempFolder } from '../support/files.js';
import { hasTmux, requireTmuxInCi, tmuxServer } from '../support/tmux.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A stream `columns` wide that keeps what is written. */
function fakeStream(columns: number | undefined): { columns?: number; written: string[]; write(text: string): boolean } {
  return {
    ...(columns !== undefined ? { columns } : {}),
    written: [],
    write(text: string) {
      this.written.push(text);
      return true;
    },
  };
}

/** The cells a drawn line takes: between the `\r` and the erase to the end of the line. */
function drawnCells(written: string): number {
  // eslint-disable-next-line no-control-regex
  const match = /^\r(.*)\x1b\[K$/s.exec(written);
  if (!match) throw new Error(`not a redrawn line: ${JSON.stringify(written)}`);
  return match[1]!.length;
}

const archiveProgress = { filesTotal: 11_710, filesDone: 2_043, filesUnchanged: 0, bytesDone: 33_554_432, recordsRead: 175_001, startedAt: 0 };
const exportProgress = { written: 620_000, total: 1_000_000, bytes: 419_430_400, startedAt: 0, rate: 62_000, etaSeconds: 6 };

describe('a progress line on stderr', () => {
  it('never fills the last two columns, whatever it is given', () => {
    for (const columns of [80, 120, 40, 3, 1]) {
      const stream = fakeStream(columns);
      const line = progressLine(stream);
      line.draw('x'.repeat(300));
      expect(drawnCells(stream.written[0]!)).toBe(Math.max(columns - 2, 0));
    }
    // Not a terminal's width known: laid out for 80.
    expect(progressLineCells(undefined)).toBe(78);
  });

  it("archive's and export's bars laid out in its width fit it whole (nothing cut by the line)", () => {
    for (let columns = 10; columns <= 200; columns++) {
      const line = progressLine(fakeStream(columns));
      for (const text of [formatArchiveProgress(archiveProgress, line.width, 10_000), formatProgressLine(exportProgress, line.width)]) {
        expect(text.length, `${columns} columns: ${text}`).toBeLessThanOrEqual(columns - 2);
      }
    }
    // At 80 columns the archive bar is 78 cells: it was 79.
    expect(formatArchiveProgress(archiveProgress, progressLine(fakeStream(80)).width, 10_000)).toHaveLength(78);
  });

  it('clears only a line it drew, once', () => {
    const stream = fakeStream(80);
    const line = progressLine(stream);
    line.clear();
    expect(stream.written).toEqual([]);
    line.draw('loading');
    line.clear();
    line.clear();
    expect(stream.written).toEqual(['\rloading\x1b[K', '\r\x1b[K']);
  });

  requireTmuxInCi('the progress line under a real Ctrl-C');
  describe.skipIf(!hasTmux)('in a terminal 80 columns wide', () => {
    const scratch = tempFolder('trailtop-progressline-');
    afterAll(() => scratch.remove());

    it('Ctrl-C echoes ^C after the bar without wrapping, and the clear leaves the message alone on the bar\'s line', async () => {
      const built = join(ROOT, 'dist/term/progressLine.js');
      if (!existsSync(built)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
      // archive's bar at 80 columns, then what it does at Ctrl-C: clear the line, say so.
      const script = join(scratch.dir, 'bar.mjs');
      const line = formatArchiveProgress(archiveProgress, progressLine(fakeStream(80)).width, 10_000);
      writeFileSync(
        script,
        `import { progressLine } from ${JSON.stringify(built)};
const bar = progressLine();
process.on('SIGINT', () => { bar.clear(); process.stderr.write('trailtop: interrupted\\n'); process.exit(130); });
bar.draw(${JSON.stringify(line)});
setInterval(() => {}, 1000);
`,
      );
      const tmux = tmuxServer('progressline');
      try {
        // stty echoctl: the echo as terminals have it by default, whatever tmux's own defaults. The trap keeps the
        // shell (which Ctrl-C reaches too) up to say how node exited; node itself starts with Ctrl-C's default.
        tmux.start('bar', 80, 10, `stty echoctl; trap : INT; node ${JSON.stringify(script)}; echo "EXITED $?"; sleep 30`);
        await tmux.waitFor('bar', (text) => text.includes('files'), 'the bar', { timeoutMs: 20_000, failOnExit: true });
        tmux.keys('bar', 'C-c');
        const screen = await tmux.waitFor('bar', (text) => text.includes('EXITED'), 'the exit', { timeoutMs: 20_000 });
        const lines = screen.split('\n').filter((l) => l.trim() !== '');
        expect(lines).toEqual(['trailtop: interrupted', 'EXITED 130']);
      } finally {
        tmux.kill();
      }
    }, 60_000);
  });
});
