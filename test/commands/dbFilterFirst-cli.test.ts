/**
 * `scan --db FILE DIR --filter Q` checked Q only after the archive was made and DIR imported into it
 * (minutes on a big folder), and `export --db` checked a rule: term naming no rule only then too: a
 * typo cost the whole import and left an archive behind. Both are now refused first, as on a folder.
 * Needs a build (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsJson, tempFolder } from '../support/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = tempFolder('trailtop-db-filter-first-');
const logs = join(scratch.dir, 'logs');

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { cwd: scratch.dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TRAILTOP_RULES: '' } });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  mkdirSync(logs);
  writeFileSync(join(logs, 'a.json'), recordsJson([{ eventVersion: '1.08', eventID: 'e1', eventTime: '2024-01-01T00:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com' }]));
});
afterAll(() => scratch.remove());

describe('--db FILE DIR --filter: a bad filter is refused before the archive is made', () => {
  it.each([
    ['name:(', "bad filter at position 6: '(' is never closed"],
    ['rule:no-such-rule', 'rule:no-such-rule names none of the'],
  ])('scan and export, --filter %s', (filter, message) => {
    const runs = [
      { db: join(scratch.dir, 'scan.duckdb'), args: ['scan'] },
      { db: join(scratch.dir, 'export.duckdb'), args: ['export', '-o', join(scratch.dir, 'out.csv')] },
    ];
    for (const { db, args } of runs) {
      const run = trailtop([...args, '--db', db, logs, '--filter', filter]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(message);
      expect(existsSync(db), `${args[0]} made ${db}`).toBe(false);
    }
    expect(existsSync(join(scratch.dir, 'out.csv'))).toBe(false);
  });

  it('a --rules folder that does not exist is refused (exit 2) without a rule: term too, as on a folder', () => {
    for (const args of [['scan'], ['export', '-o', '-', '--format', 'jsonl']]) {
      const db = join(scratch.dir, `rules-${args[0]}.duckdb`);
      const run = trailtop([...args, '--db', db, logs, '--rules', join(scratch.dir, 'no-such-rules')]);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain('no such rules folder');
      expect(existsSync(db)).toBe(false);
    }
  });

  it('a good filter still answers, with the rules it names', () => {
    const run = trailtop(['scan', '--db', join(scratch.dir, 'good.duckdb'), logs, '--filter', 'name:ListBuckets', '--json']);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).events.unique).toBe(1);
    const rules = trailtop(['export', '--db', join(scratch.dir, 'good.duckdb'), '--filter', 'rule:*', '-o', '-', '--format', 'jsonl']);
    expect(rules.status, rules.stderr).toBe(0);
    expect(rules.stdout).toBe('');
  });
});
