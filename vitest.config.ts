import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Hang guards, not speed checks (those are benchmarks): with files running side by side a
    // CPU-bound test shares the cores, so the guard leaves room for that.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default (cores - 1) is one fork on a 2-core CI machine, and most files spend their time
    // waiting on child processes, tmux and watcher timers: one fork more than there are cores keeps
    // the cores busy while files wait (2 cores: 3 forks).
    maxWorkers: availableParallelism() + 1,
  },
});
