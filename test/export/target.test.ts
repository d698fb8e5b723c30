import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkTarget, namesAFolder } from '../../src/export/atomic.js';
import { ExportFailed, TargetExists } from '../../src/export/errors.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('export targets that are not regular files', () => {
  it('refuses a named pipe, a symlink and a device even with overwrite, and leaves them as they were', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailtop-target-'));
    const fifo = join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    const real = join(dir, 'real.csv');
    writeFileSync(real, 'keep');
    const link = join(dir, 'link.csv');
    symlinkSync(real, link);

    await expect(checkTarget(fifo, true)).rejects.toThrow(/not a regular file \(a named pipe\)/);
    await expect(checkTarget(link, true)).rejects.toThrow(/not a regular file \(a symbolic link\)/);
    if (existsSync('/dev/null')) await expect(checkTarget('/dev/null', true)).rejects.toBeInstanceOf(ExportFailed);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('still asks before replacing a regular file, and allows it with overwrite', async () => {
    dir = mkdtempSync(join(tmpdir(), 'trailtop-target-'));
    const file = join(dir, 'out.csv');
    writeFileSync(file, 'old');
    await expect(checkTarget(file, false)).rejects.toBeInstanceOf(TargetExists);
    await expect(checkTarget(file, true)).resolves.toBeUndefined();
    await expect(checkTarget(join(dir, 'new.csv'), false)).resolves.toBeUndefined();
  });
});

describe('namesAFolder', () => {
  it('is a target as typed that names a folder: a trailing /, or a last part . or ..', () => {
    for (const typed of ['newdir/', 'a/b/', '/', '.', '..', 'out/.', 'out/..', ' out/ ']) expect(namesAFolder(typed), typed).toBe(true);
    for (const typed of ['out.csv', 'a/b.json', 'newdir', '.hidden', 'x..', '-', '']) expect(namesAFolder(typed), typed).toBe(false);
  });
});
