/**
 * What the --db dashboard says about the folder it follows (archive/follow.ts),
 * in the header's right-hand part: short, as the live state of the folder
 * dashboard is.
 */
import type { FollowStatus } from '../../archive/follow.js';
import { formatCount } from '../format.js';
import { own } from '../../term/glyphs.js';

export function followLabel(status: FollowStatus | null): string {
  if (!status) return '';
  const progress = status.progress;
  const counted = progress && progress.filesTotal > 0 ? ` ${formatCount(progress.filesDone)}/${formatCount(progress.filesTotal)} files` : '';
  const bad = status.bad.length > 0 ? ` ${own('·')} ${formatCount(status.bad.length)} bad` : '';
  // Said over any phase: an import under way finishes, but nothing after it will come.
  if (status.folderGone && status.phase !== 'stopped') return `folder gone${bad}`;
  switch (status.phase) {
    case 'catching up':
      return `importing${counted}${bad}`;
    case 'importing':
      return `importing new files${counted}${bad}`;
    case 'watching':
      return `${status.error ? 'watching (last import failed)' : 'watching'}${bad}`;
    default:
      return bad.slice(3);
  }
}
