/**
 * The --db dashboard's download: the download dialog's DownloadSource over the
 * list on screen. It writes what `export --db --filter QUERY` writes (the same
 * engine, archive/export.ts), in the list's order, from the condition the list
 * was counted with; Ctrl-O adds the marks' condition, as `mark:*` would.
 */
import { archiveFilter } from '../../archive/filter.js';
import { archiveOwnFile } from '../../archive/ownFiles.js';
import { writesIntoArchiveLogs } from '../../archive/sources.js';
import { sanitize } from '../../term/sanitize.js';
import type { Order } from '../../archive/query.js';
import type { ArchiveSession } from '../../archive/session.js';
import type { DownloadSource } from '../exportModel.js';

/**
 * Events a page while the dashboard downloads: about 20 ms of the main thread each (convert, encode), so keys and
 * frames get in between. Only the writing is cut so fine: the archive is read as export --db reads it
 * (query.ts EVENTS_PER_STATEMENT), where a statement a page was 20-50% slower.
 */
export const DOWNLOAD_PAGE = 500;

export interface ArchiveListShown {
  /** The list's condition (null: every event) and count, as on screen. */
  where: string | null;
  total: number;
  order: Order;
}

/** `a AND b` for conditions where null is "every event". */
function both(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return `(${a}) AND (${b})`;
}

/** The condition of the marked events (what `mark:*` compiles to with these marks). */
export async function markedWhere(marks: ReadonlySet<string>): Promise<string | null> {
  const filter = await archiveFilter('mark:*', { marks });
  if (!filter.ok) throw new Error(filter.message);
  return filter.where;
}

/** How many events of the list are marked: one count on the archive. */
export async function countMarked(session: ArchiveSession, list: ArchiveListShown, marks: ReadonlySet<string>): Promise<number> {
  if (marks.size === 0) return 0;
  return session.count(both(list.where, await markedWhere(marks)));
}

/**
 * Why `target` may not be written for lying in a log folder the archive was imported from (a phrase,
 * worded as the dialog words the followed folder's refusal), or null. `export --db -o` refuses the same.
 */
async function archiveLogsRefusal(target: string, session: ArchiveSession): Promise<string | null> {
  const hit = await writesIntoArchiveLogs(target, session.archive.connection);
  if (!hit) return null;
  return hit.inside === 'file'
    ? 'is the log file the archive was imported from'
    : `is inside the log folder the archive was imported from (${sanitize(hit.logPath)})`;
}

/** Whether `path` lies in a folder the archive was imported from (the dialog then starts relative names at home). */
export async function insideArchiveLogs(session: ArchiveSession, path: string): Promise<boolean> {
  return (await writesIntoArchiveLogs(path, session.archive.connection)) !== null;
}

/** Lets input and frames run (a download page is written between two of these). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function archiveDownloadSource(session: ArchiveSession, list: ArchiveListShown, marks: ReadonlySet<string>, marked: number | null): DownloadSource {
  return {
    all: list.total,
    marked,
    refuse: async (target) => (await archiveOwnFile(target, session.archive.path)) ?? (await archiveLogsRefusal(target, session)),
    async write({ markedOnly, target, ...options }) {
      const where = markedOnly ? both(list.where, await markedWhere(marks)) : list.where;
      return session.download(target, {
        ...options,
        where,
        order: list.order,
        total: markedOnly ? (marked ?? 0) : list.total,
        pageSize: DOWNLOAD_PAGE,
        betweenPages: nextTurn,
      });
    },
  };
}
