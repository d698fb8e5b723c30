/**
 * Keys held back while what they act on is still coming (a burst like `T j j`): after each frame
 * they go on once `mustWait()` says it is drawn, or, forced, when they have waited `holdMs`
 * (a view that never settles must not swallow keys), unless `patient()` says what they wait for is
 * being built in slices, which always ends and draws again (useSlicedBuild): then they are handed back
 * unforced, and those that need not wait act. Both dashboards hold keys this way.
 */
import { useEffect, type MutableRefObject } from 'react';
import type { Stroke } from '../viewKeys.js';

export function useReleaseHeldKeys(
  held: MutableRefObject<Stroke[]>,
  heldSince: MutableRefObject<number>,
  mustWait: () => boolean,
  holdMs: number,
  apply: (strokes: readonly Stroke[], force: boolean) => void,
  patient: () => boolean = () => false,
): void {
  useEffect(() => {
    if (held.current.length === 0) return;
    const release = (force: boolean): void => {
      const keys = held.current;
      held.current = [];
      apply(keys, force);
    };
    if (!mustWait()) return release(false);
    // `T j j` typed while the count's columns are built: j j move in the values once counted, not forced before;
    // the keys are looked at again now that the build is known (Esc in the chunk of the Tab that started it goes on).
    if (patient()) return release(false);
    const left = holdMs - (Date.now() - heldSince.current);
    if (left <= 0) return release(true);
    const timer = setTimeout(() => release(true), left);
    return () => clearTimeout(timer);
  });
}
