/**
 * Keys held back while what they act on is still coming (a burst like `T j j`): after each frame
 * they go on once `mustWait()` says it is drawn, or, forced, when they have waited `holdMs`
 * (a view that never settles must not swallow keys). Both dashboards hold keys this way.
 */
import { useEffect, type MutableRefObject } from 'react';
import type { Stroke } from '../viewKeys.js';

/** How often held keys look again at what they wait for, between frames. */
const RECHECK_MS = 25;

export function useReleaseHeldKeys(
  held: MutableRefObject<Stroke[]>,
  heldSince: MutableRefObject<number>,
  mustWait: () => boolean,
  holdMs: number,
  apply: (strokes: readonly Stroke[], force: boolean) => void,
): void {
  useEffect(() => {
    if (held.current.length === 0) return;
    const release = (force: boolean): void => {
      const keys = held.current;
      held.current = [];
      apply(keys, force);
    };
    if (!mustWait()) return release(false);
    if (Date.now() - heldSince.current >= holdMs) return release(true);
    // What the keys wait for is told by refs (a load's flags), which change without a frame of their
    // own: looked at again every RECHECK_MS too, so keys never wait on a frame that does not come.
    const timer = setInterval(() => {
      if (held.current.length === 0) return clearInterval(timer);
      if (!mustWait()) {
        clearInterval(timer);
        release(false);
      } else if (Date.now() - heldSince.current >= holdMs) {
        clearInterval(timer);
        release(true);
      }
    }, RECHECK_MS);
    return () => clearInterval(timer);
  });
}
