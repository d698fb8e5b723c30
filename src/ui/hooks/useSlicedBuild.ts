/**
 * A view's one-time build run in paced slices while the view is open, rather
 * than inside the render that counts: the first `T` on Source IP or `p` at 1M
 * high-cardinality events built a million-value dictionary there, and froze
 * the screen and every key for 2-3 s.
 */
import { useEffect, useReducer, useRef } from 'react';
import { runPaced, type Sliced } from '../../query/sliced.js';

/** Entries left to build that the render does itself (a batch of arrivals: a few milliseconds). */
export const BUILD_WHILE_DRAWING = 16_384;

export interface SlicedBuild {
  /** What is built: a new key stops the build of the one before (Tab to another field). */
  key: string;
  /** Entries still to build (0: all built). */
  backlog(): number;
  /** The build, a slice at a time. */
  work(): Sliced<void>;
}

/**
 * True once what is left of `build` is small enough to do while drawing; until
 * then the build runs in the background (`budgetMs` at a time, 8 by default, the
 * keys and frames going on between) and the caller shows that it is counting. Closing
 * the view (null) or another key stops it between two slices: what it built
 * stays, and the next build goes on from there.
 */
export function useSlicedBuild(build: SlicedBuild | null, budgetMs?: number): boolean {
  const [finished, buildFinished] = useReducer((n: number) => n + 1, 0);
  const latest = useRef(build);
  latest.current = build;
  const pending = build !== null && build.backlog() > BUILD_WHILE_DRAWING;
  const key = pending ? build.key : null;
  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    const work = latest.current!.work();
    // Drawn again once built; `finished` changing starts another build if rows came meanwhile by the thousand.
    void runPaced(work, controller.signal, budgetMs).then((done) => {
      if (done) buildFinished();
    });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the budget is fixed for an App's life
  }, [key, finished]);
  return !pending;
}
