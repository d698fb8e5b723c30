/**
 * Keys held back while what they act on is still coming (a burst like `T j j`): after each frame
 * they go on once `mustWait()` says it is drawn, or, forced, when they have waited `holdMs`
 * (a view that never settles must not swallow keys). Both dashboards hold keys this way.
 */
import { useEffect, type MutableRefObject } from 'react';
import type { Stroke } from '../viewKeys.js';

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
    const left = holdMs - (Date.now() - heldSince.current);
    if (left <= 0) return release(true);
    const timer = setTimeout(() => release(true), left);
    return () => clearTimeout(timer);
  });
}
