import { execFile } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to the end and times it (wall clock, including process start). Never rejects on a non-zero exit. */
export function runTimed(file: string, args: readonly string[], options: { cwd?: string; shell?: boolean } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(
      file,
      args,
      { cwd: options.cwd, shell: options.shell, maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const ms = performance.now() - started;
        if (error && typeof (error as { code?: unknown }).code !== 'number' && (error as { code?: unknown }).code !== undefined) {
          reject(error);
          return;
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, ms });
      },
    );
  });
}
