/**
 * Fitting a view's parts into the lines a short terminal leaves: the most
 * important parts are kept whole, the least important dropped, and what is
 * shown keeps its order. Used by the download dialog, whose border must
 * never be cut.
 */

export interface LinePart<T> {
  lines: readonly T[];
  /** Lower is more important; parts are kept in this order while they fit. */
  rank: number;
  /** May show only its first lines when the whole does not fit (long notes). */
  partial?: boolean;
}

/** The lines of the parts that fit in `budget` lines, in the parts' order; `cut` marks a partial part's last shown line. */
export function fitLines<T>(parts: readonly LinePart<T>[], budget: number): Array<{ line: T; cut: boolean }> {
  const shown = new Map<number, number>();
  let left = Math.max(0, budget);
  const byRank = parts.map((part, i) => ({ part, i })).sort((a, b) => a.part.rank - b.part.rank || a.i - b.i);
  for (const { part, i } of byRank) {
    if (part.lines.length === 0) continue;
    if (part.lines.length <= left) {
      shown.set(i, part.lines.length);
      left -= part.lines.length;
    } else if (part.partial && left > 0) {
      shown.set(i, left);
      left = 0;
    }
  }
  const out: Array<{ line: T; cut: boolean }> = [];
  parts.forEach((part, i) => {
    const count = shown.get(i) ?? 0;
    for (let j = 0; j < count; j++) out.push({ line: part.lines[j]!, cut: j === count - 1 && count < part.lines.length });
  });
  return out;
}
