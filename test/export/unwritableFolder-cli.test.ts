import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, tempDir, writeTrail } from './fixtures.js';

// Runs the built CLI (bin/trailtop.js imports dist/): `npm test` builds first.
const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/trailtop.js');
const SETPRIV = '/usr/bin/setpriv';
const asRoot = process.getuid?.() === 0;

/**
 * The CLI as a user a read-only folder refuses: root writes everywhere, so as root it runs as
 * nobody through setpriv (the checkout and the temp folder are world-readable).
 */
function trailtopUnprivileged(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const [command, prefix] = asRoot ? [SETPRIV, ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]] : [process.execPath, []];
  return spawnSync(command, [...prefix, BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', HOME: '/nonexistent' } });
}

let base: string;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  base = await tempDir('trailtop-export-unwritable-');
  chmodSync(base, 0o755);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe.skipIf(asRoot && !existsSync(SETPRIV))('export -o into a folder it cannot write', () => {
  // Was found only when writing, after the whole folder was read: 10 s for 400,000 events, then
  // "export failed: cannot write .../x.csv: EACCES: permission denied, open '.../.x.csv.trailtop-…tmp'".
  it('is refused before any log is read (exit 1), naming the folder, not a temporary file', async () => {
    const logs = join(base, 'logs');
    await writeTrail(logs, 'a.json', [record(1), record(2)]);
    // Read, this would be reported: it shows whether the folder was read before the refusal.
    writeFileSync(join(logs, 'broken.json'), '{"Records": [');
    chmodSync(logs, 0o755);
    const locked = join(base, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    const run = trailtopUnprivileged(['export', logs, '-o', join(locked, 'out.csv')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`trailtop: cannot write to ${locked}: permission denied\n`);
    expect(run.stdout).toBe('');
    expect(existsSync(join(locked, 'out.csv'))).toBe(false);
  });
});
