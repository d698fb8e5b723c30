import { displayWidth, ellipsis, graphemeWidth } from '../term/width.js';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Enough of a path's end to fill any terminal, so a huge pasted path is not segmented whole. */
const TAIL_SLACK = 4096;

/**
 * Shortens `text` to at most `width` columns by cutting its START (`…/bbb/out.csv`):
 * for paths, where the file name at the end is what the reader needs to see.
 */
export function truncateStart(text: string, width: number): string {
  if (width <= 0) return '';
  const tail = text.length > width * 4 + TAIL_SLACK ? text.slice(-(width * 4 + TAIL_SLACK)) : text;
  if (tail === text && displayWidth(text) <= width) return text;
  const clusters = Array.from(graphemes.segment(tail), (part) => part.segment);
  const mark = ellipsis();
  if (width <= mark.length) return mark.slice(0, width);
  let used = 0;
  let start = clusters.length;
  for (let i = clusters.length - 1; i >= 0; i--) {
    const w = graphemeWidth(clusters[i]!);
    if (used + w > width - mark.length) break;
    used += w;
    start = i;
  }
  return mark + clusters.slice(start).join('');
}
