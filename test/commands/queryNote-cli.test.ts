/**
 * A lowercase or/and/not between terms is searched as a word: the query bar says so, and every
 * command that reads a query says the same on stderr, as a one-line note that leaves the exit
 * status alone (`scan --filter 'user:alice or user:bob'` gave alice's events and said nothing).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { event, tempDir, write } from '../ingest/helpers.js';
import { ChildReaper, spawnCollected } from '../support/processes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/trailtop.js');
const NOTE = "trailtop: note: 'or' is a word here: OR in capitals means either (name:A OR user:B)\n";

function trailtop(...args: string[]) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const reaper = new ChildReaper();
afterEach(() => reaper.killAll());

function folder(): string {
  const dir = tempDir();
  write(dir, 'a.json', JSON.stringify({ Records: [event('a-1', { userIdentity: { type: 'IAMUser', userName: 'alice' } }), event('b-1')] }));
  return dir;
}

describe('a lowercase or/and/not in a query: a note on stderr from every command', () => {
  it('scan, export, sql and their --db forms: one note line, the exit status unchanged', () => {
    const dir = folder();
    const db = join(tempDir(), 'a.duckdb');
    expect(trailtop('archive', dir, '--db', db, '--quiet').code).toBe(0);
    const runs: [label: string, args: string[]][] = [
      ['scan', ['scan', dir, '--filter', 'user:alice or user:bob']],
      ['scan --since', ['scan', dir, '--filter', 'user:alice or user:bob', '--since', '2000-01-01']],
      ['export', ['export', dir, '--format', 'jsonl', '-o', '-', '--filter', 'user:alice or user:bob']],
      ['scan --db', ['scan', '--db', db, '--filter', 'user:alice or user:bob']],
      ['export --db', ['export', '--db', db, '--format', 'jsonl', '-o', '-', '--filter', 'user:alice or user:bob']],
      ['sql', ['sql', '--dialect', 'duckdb', 'user:alice or user:bob']],
      ['sql --db', ['sql', '--dialect', 'duckdb', '--db', db, 'user:alice or user:bob']],
    ];
    for (const [label, args] of runs) {
      const run = trailtop(...args);
      expect(run.code, `${label}: ${run.stderr}`).toBe(0);
      // Once, before anything else the command says (export --db counts what it wrote).
      expect(run.stderr.startsWith(NOTE), `${label}: ${run.stderr}`).toBe(true);
      expect(run.stderr.split('note:').length, label).toBe(2);
    }
    // The SQL still goes to stdout alone; the note names each operator word.
    expect(trailtop('sql', '--dialect', 'duckdb', 'user:alice or user:bob').stdout).toMatch(/^SELECT/);
    expect(trailtop('sql', '--dialect', 'duckdb', 'name:x not user:y').stderr).toMatch(/^trailtop: note: 'not' is a word here: NOT in capitals/);
    // No note for the operators in capitals, a quoted or, or a query that does not parse (the error alone).
    for (const query of ['user:alice OR user:bob', 'user:"alice or bob"', 'oracle']) expect(trailtop('scan', dir, '--filter', query).stderr, query).toBe('');
    const bad = trailtop('scan', dir, '--filter', 'user:alice or nmae:x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trailtop: bad filter at position 15: unknown field 'nmae'/);
    expect(bad.stderr).not.toContain('note:');
  }, 60_000);

  it('time terms that leave no time between them: the same note, the exit status unchanged', () => {
    const dir = folder();
    const run = trailtop('scan', dir, '--filter', 'from:2024-03-06', '--until', '2024-03-05');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('trailtop: note: from/since is after to/until: no event can match (swapped?)\n');
    expect(trailtop('scan', dir, '--filter', 'from:2024-03-05 to:2024-03-06').stderr).toBe('');
  });

  it('tail says it before the events', async () => {
    const dir = folder();
    const tail = reaper.track(spawnCollected(process.execPath, [BIN, 'tail', dir, '--filter', 'user:alice or user:bob'], { cwd: ROOT }));
    const deadline = performance.now() + 20_000;
    while (!tail.stderr().includes('\n') && performance.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    expect(tail.stderr()).toBe(NOTE);
  });
});
