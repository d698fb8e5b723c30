/**
 * Runs the built CLI (`node bin/trailtop.js`, which imports dist/; npm test
 * builds first) as a child process with a hard time limit, so a hang fails the
 * test instead of stalling the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO = resolve(__dirname, '../..');
export const BIN = resolve(REPO, 'bin/trailtop.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `trailtop ...args`; rejects (and kills the child) when it outlives `timeoutMs`. */
export function runCli(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`trailtop ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${Buffer.concat(err).toString().slice(0, 2000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started });
    });
  });
}

/** A long-running child (tail): its output so far, a way to wait on it, and a bounded stop. */
export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Polls until `condition` holds; rejects after timeoutMs or when the child exits first. */
  waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void>;
  /** Sends `signal` and resolves with the exit code; SIGKILLs and rejects after timeoutMs. */
  stop(signal: NodeJS.Signals, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exitWaiters: (() => void)[] = [];
  child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  child.on('close', (code, signal) => {
    exited = { code, signal };
    for (const waiter of exitWaiters.splice(0)) waiter();
  });
  const stdout = () => Buffer.concat(out).toString('utf8');
  const stderr = () => Buffer.concat(err).toString('utf8');
  return {
    child,
    stdout,
    stderr,
    async waitFor(condition, what, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (!condition()) {
        if (exited) throw new Error(`trailtop exited (${JSON.stringify(exited)}) before ${what}; stderr: ${stderr().slice(0, 2000)}`);
        if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr().slice(0, 2000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop(signal, timeoutMs) {
      return new Promise((resolvePromise, reject) => {
        if (exited) {
          resolvePromise(exited);
          return;
        }
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`trailtop did not stop within ${timeoutMs} ms of ${signal}`));
        }, timeoutMs);
        exitWaiters.push(() => {
          clearTimeout(timer);
          resolvePromise(exited!);
        });
        child.kill(signal);
      });
    },
  };
}
