/**
 * The state file under XDG_STATE_HOME is read before anything else, so what
 * sits there is trusted with the whole start: a FIFO in its place blocked the
 * read for ever (the dashboard on its opening line, `--filter mark:*` in a
 * script). It is an unreadable file like any other: ignored with a message.
 * Runs the built CLI (npm test builds first), whose hang a timeout can end.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stateFileFor } from '../../src/state/index.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { BIN, REPO } from './cli.js';
import { hostileEvent } from './corpus.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('a FIFO in place of the state file', () => {
  it('is ignored with a message, and the command answers', () => {
    const logs = tempFolder('trailtop-fifo-logs-');
    const state = tempFolder('trailtop-fifo-state-');
    cleanups.push(logs.remove, state.remove);
    writeFileSync(join(logs.dir, 'a.json'), recordsJson([hostileEvent('fifo-0', 0)]));
    const env = { ...process.env, XDG_STATE_HOME: state.dir, HOME: state.dir };
    const file = stateFileFor(logs.dir, env);
    mkdirSync(dirname(file), { recursive: true });
    execFileSync('mkfifo', [file]);
    // A hang guard, not a speed check: without the fix the read never returns.
    const run = spawnSync('node', [BIN, 'scan', logs.dir, '--filter', 'mark:*'], { cwd: REPO, env, encoding: 'utf8', timeout: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('Saved history ignored (not a regular file)');
    expect(run.stdout).toContain('0 unique');
  });
});
