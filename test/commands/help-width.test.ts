/** Every --help fits an 80-column terminal (an SSH session): no line is wider, and wrapping keeps every word. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP_WIDTH, wrapHelp } from '../../src/commands/helpText.js';

const ROOT = resolve(import.meta.dirname, '../..');

function help(args: string[]): string {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, args.join(' ')).toBe(0);
  return run.stdout;
}

const words = (text: string): string[] => text.split(/\s+/).filter((w) => w !== '');

describe('--help width', () => {
  for (const args of [['--help'], ['help'], ['-h'], ...['scan', 'tail', 'detect', 'export', 'chain', 'archive', 'sql', 'athena'].map((c) => [c, '--help']), ['--db', 'x.duckdb', '--help'], ['.', '--help']]) {
    it(`trailtop ${args.join(' ')}: no line over ${HELP_WIDTH} columns`, () => {
      const text = help(args);
      expect(text.length).toBeGreaterThan(100);
      const wide = text.split('\n').filter((line) => [...line].length > HELP_WIDTH);
      expect(wide).toEqual([]);
    });
  }

  // chain --help ended its exit status on 'SIGTERM) while' / '--db imports DIR.', tail's on 'at the next
  // write),': source lines wrapped one by one left a stub line in the middle of a sentence.
  for (const command of ['--help', 'scan', 'tail', 'detect', 'export', 'chain', 'archive', 'sql', 'athena']) {
    it(`trailtop ${command === '--help' ? '' : `${command} `}--help: no prose line cut short in the middle of its paragraph`, () => {
      const lines = help(command === '--help' ? ['--help'] : [command, '--help']).split('\n');
      const stubs = lines.filter((line, k) => {
        const next = lines[k + 1] ?? '';
        // Prose starts at column 0; a line that ends a sentence or opens a list may be short.
        return /^\S/.test(line) && /^\S/.test(next) && !/^(Usage|Options|Queries)/.test(line) && !/[.:]$/.test(line) && line.length < HELP_WIDTH - 20;
      });
      expect(stubs).toEqual([]);
    });
  }

  it('wrapHelp keeps every word in order, aligns an option continuation under its description, keeps [...] whole', () => {
    const option = `  --rules DIR   ${'also run the Sigma rules under DIR (repeatable; TRAILTOP_RULES adds folders too) '.repeat(2).trim()}`;
    const next = '                and more words on the next line of the same paragraph';
    const wrapped = wrapHelp(`${option}\n${next}\n  --other       x`);
    expect(words(wrapped)).toEqual(words(`${option}\n${next}\n  --other       x`));
    const lines = wrapped.split('\n');
    expect(lines.every((l) => l.length <= HELP_WIDTH)).toBe(true);
    expect(lines.slice(1, -1).every((l) => l.startsWith(' '.repeat(16)) && l[16] !== ' ')).toBe(true);
    expect(lines.at(-1)).toBe('  --other       x');
    const usage = wrapHelp('Usage: trailtop scan DIR|FILE [--json] [--filter Q] [--since T] [--until T] [--histogram [--bucket B]]');
    expect(usage.split('\n')).toEqual(['Usage: trailtop scan DIR|FILE [--json] [--filter Q] [--since T] [--until T]', '                     [--histogram [--bucket B]]']);
    expect(wrapHelp('short\n\n  kept   as is')).toBe('short\n\n  kept   as is');
  });
});
