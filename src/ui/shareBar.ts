/**
 * A share drawn as a bar of `width` cells in eighths of a cell (▏▎▍▌▋▊▉█), so
 * 0.3% and 13% of ten cells look different, and any share above nothing shows
 * at least the thinnest block. Without block characters (TERM=linux, no UTF-8
 * locale) whole cells are `#` and a part of one is `+`, on a `.` track.
 * Plain characters either way: NO_COLOR changes nothing here.
 */

/** A cell filled by 1..7 eighths, from the left. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'] as const;

export function shareBar(share: number, width: number, ascii = false): string {
  const cells = Math.max(0, Math.floor(width));
  const clamped = Number.isFinite(share) ? Math.min(1, Math.max(0, share)) : 0;
  const eighths = clamped > 0 ? Math.max(1, Math.round(clamped * cells * 8)) : 0;
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partCell = part > 0 ? (ascii ? '+' : EIGHTHS[part]!) : '';
  const used = full + (part > 0 ? 1 : 0);
  return (ascii ? '#' : '█').repeat(full) + partCell + (ascii ? '.' : '░').repeat(Math.max(0, cells - used));
}
