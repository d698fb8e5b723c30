/** Child processes for CLI tests: output collected as it comes, and killed after each test. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface CollectedRun {
  child: ChildProcess;
  stdout(): string;
  /** stdout's non-empty lines. */
  lines(): string[];
  stderr(): string;
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

export function spawnCollected(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): CollectedRun {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  // Kept as bytes and decoded whole, so a character split across chunks is not mangled.
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const stdout = (): string => Buffer.concat(out).toString('utf8');
  return {
    child,
    stdout,
    lines: () => stdout().split('\n').filter((line) => line !== ''),
    stderr: () => Buffer.concat(err).toString('utf8'),
    exit,
  };
}

/** Remembers the children a test starts; killAll() (in afterEach) ends any still running. */
export class ChildReaper {
  private readonly children: ChildProcess[] = [];

  track<T extends { child: ChildProcess }>(run: T): T {
    this.children.push(run.child);
    return run;
  }

  killAll(): void {
    for (const child of this.children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
