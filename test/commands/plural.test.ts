import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatArchiveProgress } from '../../src/commands/archive.js';
import { formatProgressLine } from '../../src/export/progress.js';
import { event, tempDir, write } from '../ingest/helpers.js';

const ROOT = resolve(__dirname, '../..');

function trailtop(...args: string[]) {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test builds first)');
  const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('headless messages count one event as "1 event"', () => {
  it('in archive, export --db and chain (export\'s own line is drawn only on a terminal)', () => {
    const dir = tempDir();
    const logs = join(dir, 'logs');
    write(logs, 'one.json', JSON.stringify({ Records: [event('only-one', { eventTime: '2024-03-05T14:00:00Z' })] }));
    const db = join(dir, 'one.duckdb');
    const archived = trailtop('archive', logs, '--db', db);
    expect(archived.code).toBe(0);
    expect(archived.stderr).toMatch(/1 file read, 0 unchanged, 0 bad; 1 event added/);
    const fromDb = trailtop('export', '--db', db, '-o', join(dir, 'db.jsonl'), '--format', 'jsonl');
    expect(fromDb.code).toBe(0);
    expect(fromDb.stderr).toMatch(/wrote 1 event \(\d+ B\) to/);
    const chain = trailtop('chain', logs, 'not-there');
    expect(chain.code).toBe(1);
    expect(chain.stderr).toMatch(/\(1 event read\)/);
    for (const run of [archived, fromDb, chain]) expect(run.stderr).not.toMatch(/\b1 (events|files)\b/);
  });

  it('in the progress lines', () => {
    const archive = formatArchiveProgress({ filesTotal: 1, filesDone: 1, filesUnchanged: 0, recordsRead: 1, bytesDone: 10, startedAt: 0 } as Parameters<typeof formatArchiveProgress>[0], 120, 1000);
    expect(archive).toMatch(/ 1 event /);
    const line = formatProgressLine({ written: 0, total: 1, bytes: 0, startedAt: 0, rate: 0, etaSeconds: null }, 120);
    expect(line).toMatch(/0\/1 event\b/);
    expect(line).not.toMatch(/1 events/);
  });
});
