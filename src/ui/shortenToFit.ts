/**
 * A line that gives way as the terminal narrows (both dashboards' headers): its parts are shortened
 * or dropped one step at a time, least needed first, until they fit. Writing the steps as one ordered
 * list keeps "what goes first" in one place per line, readable top to bottom.
 */

/** A step shortens or drops one part of `parts` in place. */
export type ShortenStep<T> = (parts: T) => void;

/**
 * Applies `steps` in order to `parts` until `fits(parts)` holds; no step once they fit, and every
 * step when they never do. Returns `parts` (changed in place).
 */
export function shortenToFit<T>(parts: T, steps: readonly ShortenStep<T>[], fits: (parts: T) => boolean): T {
  for (const step of steps) {
    if (fits(parts)) break;
    step(parts);
  }
  return parts;
}
