import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_HISTORY, openFolderState, stateDir, stateFileFor } from '../../src/state/index.js';
import { pushHistory } from '../../src/state/folderState.js';
import { tempFolder } from '../support/files.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function setup() {
  const logs = tempFolder('trailtop-logs-');
  const home = tempFolder('trailtop-state-');
  cleanups.push(logs.remove, home.remove);
  const env = { XDG_STATE_HOME: home.dir, HOME: '/nonexistent' };
  return { folder: logs.dir, stateHome: home.dir, env };
}

describe('state dir', () => {
  it('uses XDG_STATE_HOME, falls back to ~/.local/state and ignores a relative XDG_STATE_HOME', () => {
    expect(stateDir({ XDG_STATE_HOME: '/x/state', HOME: '/home/a' })).toBe('/x/state/trailtop');
    expect(stateDir({ HOME: '/home/a' })).toBe('/home/a/.local/state/trailtop');
    expect(stateDir({ XDG_STATE_HOME: 'rel/state', HOME: '/home/a' })).toBe('/home/a/.local/state/trailtop');
  });

  it('keys the file by the real path: a link to the folder shares its state, another folder does not', () => {
    const { folder, env } = setup();
    const other = tempFolder('trailtop-other-');
    cleanups.push(other.remove);
    const link = join(other.dir, 'link');
    symlinkSync(folder, link);
    expect(stateFileFor(link, env)).toBe(stateFileFor(folder, env));
    expect(stateFileFor(other.dir, env)).not.toBe(stateFileFor(folder, env));
    expect(stateFileFor(folder, env).startsWith(env.XDG_STATE_HOME + '/trailtop/')).toBe(true);
  });
});

describe('openFolderState', () => {
  it('keeps history, marks and columns across opens, and writes nothing into the log folder', () => {
    const { folder, env } = setup();
    const first = openFolderState(folder, { enabled: true, env });
    expect(first.warning).toBe('');
    expect(first.history()).toEqual([]);
    first.addHistory('user:alice');
    first.addHistory('  ip:1.2.3.4 ');
    first.addHistory('');
    first.setMarks(['e1', 'e2', 'e1']);
    first.setColumns(['time', 'name', 'agent']);
    const second = openFolderState(folder, { enabled: true, env });
    expect(second.history()).toEqual(['user:alice', 'ip:1.2.3.4']);
    expect(second.marks()).toEqual(['e1', 'e2']);
    expect(second.columns()).toEqual(['time', 'name', 'agent']);
    expect(readdirSync(folder)).toEqual([]);
    // No temp file left beside the state file.
    expect(readdirSync(join(env.XDG_STATE_HOME, 'trailtop', 'folders'))).toEqual([second.file!.split('/').pop()]);
  });

  it('moves a re-used query to the end and keeps at most 500 entries', () => {
    let history: string[] = [];
    for (let i = 0; i < MAX_HISTORY + 20; i++) history = pushHistory(history, `q${i}`);
    expect(history.length).toBe(MAX_HISTORY);
    expect(history[0]).toBe('q20');
    history = pushHistory(history, 'q100');
    expect(history.at(-1)).toBe('q100');
    expect(history.filter((q) => q === 'q100').length).toBe(1);
    expect(history.length).toBe(MAX_HISTORY);
  });

  it('ignores a corrupt file with a warning, and the next change replaces it', () => {
    const { folder, env } = setup();
    const file = stateFileFor(folder, env);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '{"history": [1, "x"');
    const state = openFolderState(folder, { enabled: true, env });
    expect(state.warning).toMatch(/Saved history ignored \(not valid JSON\)/);
    expect(state.history()).toEqual([]);
    state.addHistory('name:Get*');
    expect(JSON.parse(readFileSync(file, 'utf8')).history).toEqual(['name:Get*']);
  });

  it('refuses a section of the wrong type, but skips stray entries in a list', () => {
    const { folder, env } = setup();
    const file = stateFileFor(folder, env);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify({ history: 'user:x' }));
    expect(openFolderState(folder, { enabled: true, env }).warning).toMatch(/history is not a list/);
    writeFileSync(file, JSON.stringify({ history: ['a', 5, null, 'b'], marks: [{}, 'm'], future: { x: 1 } }));
    const state = openFolderState(folder, { enabled: true, env });
    expect(state.warning).toBe('');
    expect(state.history()).toEqual(['a', 'b']);
    expect(state.marks()).toEqual(['m']);
    expect(state.columns()).toBeNull();
  });

  it('an unreadable state file or state dir is a warning, never a throw', () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const { folder, env } = setup();
    const file = stateFileFor(folder, env);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '{}');
    chmodSync(file, 0o000);
    const state = openFolderState(folder, { enabled: true, env });
    expect(state.warning).toMatch(/EACCES/);
    chmodSync(file, 0o600);
    // A state dir that cannot be written: the change stays in memory, saving stops with a warning.
    chmodSync(join(file, '..'), 0o500);
    try {
      const writable = openFolderState(folder, { enabled: true, env });
      writable.addHistory('x');
      expect(writable.history()).toEqual(['x']);
      expect(writable.warning).toMatch(/History not saved \(EACCES\)/);
    } finally {
      chmodSync(join(file, '..'), 0o700);
    }
  });

  it('with enabled false (--no-history) reads and writes nothing', () => {
    const { folder, env, stateHome } = setup();
    const state = openFolderState(folder, { enabled: false, env });
    state.addHistory('user:alice');
    expect(state.history()).toEqual(['user:alice']);
    expect(state.file).toBeNull();
    expect(existsSync(join(stateHome, 'trailtop'))).toBe(false);
  });
});
