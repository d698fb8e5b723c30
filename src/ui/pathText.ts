import { displayWidth, ellipsis, graphemeWidth, truncate } from '../term/width.js';

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

/**
 * Shortens a path to one line of at most `width` columns by cutting its folders' middle and keeping
 * the file name whole (`/work/logs/AWSLogs/4444…/4444_CloudTrail_us-west-2_…json.gz`): the start says
 * which tree, the name which file. A name wider than the line keeps its end, as truncateStart does.
 */
export function truncatePath(path: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(path) <= width) return path;
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const name = path.slice(slash + 1);
  // The folders' start, then `…`, the separator and the name; at least one cell of the start beside the mark.
  const folderRoom = width - displayWidth(name) - 1;
  if (slash < 0 || folderRoom < ellipsis().length + 1) return truncateStart(path, width);
  return truncate(path.slice(0, slash), folderRoom) + path.slice(slash);
}
