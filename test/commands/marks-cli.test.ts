/**
 * mark: terms in scan, export and their --db forms read the marks the
 * dashboard saved for the same folder or archive file (src/state/), and
 * never write them. Before, a mark: term matched nothing there, silently.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateFileFor } from '../../src/state/index.js';
import { recordsJson, tempFolder } from '../support/files.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('mark: in the headless commands', () => {
  const scratch = tempFolder('trailtop-marks-');
  const folder = join(scratch.dir, 'logs');
  const db = join(scratch.dir, 'logs.duckdb');
  const env = { ...process.env, XDG_STATE_HOME: join(scratch.dir, 'state') };

  function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 120_000, env });
  }

  /** The state file the dashboard writes for `path`, holding these marks. */
  function saveMarks(path: string, marks: string[]): string {
    const file = stateFileFor(path, env);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ format: 1, folder: path, history: [], marks, columns: null }));
    return file;
  }

  const ids = (jsonl: string): string[] =>
    jsonl
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { eventID: string }).eventID);

  beforeAll(() => {
    mkdirSync(folder, { recursive: true });
    const events = Array.from({ length: 12 }, (_, k) => ({
      eventID: `ev-${k}`,
      eventTime: `2024-03-05T12:${String(k).padStart(2, '0')}:00Z`,
      eventName: k % 2 ? 'GetObject' : 'DeleteBucket',
      eventSource: 's3.amazonaws.com',
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    }));
    writeFileSync(join(folder, 'a.json'), recordsJson(events));
    expect(trailtop(['archive', folder, '--db', db, '--quiet']).status).toBe(0);
  }, 120_000);
  afterAll(() => scratch.remove());

  it('export and scan on the folder select the marked events, with other terms too', () => {
    const file = saveMarks(folder, ['ev-3', 'ev-4', 'ev-9', 'not-in-the-folder']);
    const before = readFileSync(file, 'utf8');
    const marked = trailtop(['export', folder, '-o', '-', '--format', 'jsonl', '--filter', 'mark:*']);
    expect(marked.status).toBe(0);
    expect(ids(marked.stdout)).toEqual(['ev-9', 'ev-4', 'ev-3']);
    expect(ids(trailtop(['export', folder, '-o', '-', '--format', 'jsonl', '--filter', 'mark:* name:GetObject']).stdout)).toEqual(['ev-9', 'ev-3']);
    expect(ids(trailtop(['export', folder, '-o', '-', '--format', 'jsonl', '--filter', '-mark:*']).stdout)).toHaveLength(9);
    const summary = JSON.parse(trailtop(['scan', folder, '--json', '--filter', 'mark:*']).stdout) as { events: { unique: number } };
    expect(summary.events.unique).toBe(3);
    // Read, never written.
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('export --db and scan --db read the marks kept for the archive file', () => {
    saveMarks(db, ['ev-0', 'ev-11']);
    const marked = trailtop(['export', '--db', db, '-o', '-', '--format', 'jsonl', '--filter', 'mark:*']);
    expect(marked.status).toBe(0);
    expect(ids(marked.stdout)).toEqual(['ev-11', 'ev-0']);
    const summary = JSON.parse(trailtop(['scan', '--db', db, '--json', '--filter', 'mark:*']).stdout) as { events: { unique: number } };
    expect(summary.events.unique).toBe(2);
  });

  it('a corrupt state file is ignored with a message: no marks, exit 0', () => {
    const file = stateFileFor(folder, env);
    writeFileSync(file, '{ not json');
    const run = trailtop(['export', folder, '-o', '-', '--format', 'jsonl', '--filter', 'mark:*']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Saved history ignored');
  });
});
