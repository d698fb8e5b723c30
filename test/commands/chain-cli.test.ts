/**
 * `chain DIR EVENT_ID` reported a bad file as `trailtop: PATH: REASON`, where scan, detect, export
 * and `chain --db FILE DIR` say `trailtop: bad file PATH: REASON`. Needs a build (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsJson, tempFolder } from '../support/files.js';

const ROOT = resolve(import.meta.dirname, '../..');
const scratch = tempFolder('trailtop-chain-cli-');
const logs = join(scratch.dir, 'logs');

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { cwd: scratch.dir, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  mkdirSync(logs);
  writeFileSync(join(logs, 'good.json'), recordsJson([{ eventVersion: '1.08', eventID: 'e1', eventTime: '2024-01-01T00:00:00Z', eventName: 'ListBuckets', eventSource: 's3.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'alice' } }]));
  writeFileSync(join(logs, 'broken.json'), '{"Records": [{"eventID": "e2",');
});
afterAll(() => scratch.remove());

describe('chain DIR EVENT_ID', () => {
  it('reports a bad file as the other commands do', () => {
    const run = trailtop(['chain', logs, 'e1']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^trailtop: bad file \S*broken\.json: /m);
    const missing = trailtop(['chain', logs, 'nope']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^trailtop: bad file \S*broken\.json: /m);
  });

  it('chain --db FILE DIR with the event ID forgotten says so (it looked DIR up as an event ID)', () => {
    const run = trailtop(['chain', '--db', join(scratch.dir, 'a.duckdb'), logs]);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(`chain --db needs an event ID after the folder ${logs}`);
    expect(existsSync(join(scratch.dir, 'a.duckdb'))).toBe(false);
  });
});
