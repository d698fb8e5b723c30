/**
 * `trailtop --db FILE`: the dashboard on the newest events of an archive.
 * The dashboard's views work on rows in memory, so this loads a window of
 * the newest `limit` events (pages by keyset, newest first) into an
 * EventStore; details read the stored record back by SQL. Queries typed in
 * the dashboard run over that window; `scan`, `export` and `detect --db`
 * answer over the whole archive.
 */
import type { RecordRef } from '../model/types.js';
import { EventStore } from '../store/eventStore.js';
import { openArchive } from './db.js';
import { countEvents, eachEvent } from './query.js';

export interface ArchiveWindow {
  store: EventStore;
  /** Events in the archive (the window holds min(total, limit)). */
  total: number;
  readRecord(ref: RecordRef): Promise<Record<string, unknown> | null>;
  close(): Promise<void>;
}

export const DEFAULT_WINDOW = 500_000;

export async function openArchiveWindow(dbPath: string, limit = DEFAULT_WINDOW): Promise<ArchiveWindow> {
  const archive = await openArchive(dbPath, { readOnly: true });
  try {
    const total = await countEvents(archive, null);
    const store = new EventStore();
    store.updateProgress((progress) => {
      progress.phase = 'loading';
    });
    let loaded = 0;
    for await (const page of eachEvent(archive, null, 'newest', Math.min(20_000, limit))) {
      const rows = page.slice(0, limit - loaded).map((e) => e.row);
      store.add(rows);
      loaded += rows.length;
      if (loaded >= limit) break;
    }
    store.updateProgress((progress) => {
      progress.phase = 'done';
      progress.eventsRead = loaded;
      progress.finishedAt = Date.now();
    });
    store.flush();
    const lookup = await archive.connection.prepare('SELECT tt_record FROM events WHERE tt_file = $1 AND tt_index = $2 LIMIT 1');
    return {
      store,
      total,
      async readRecord(ref) {
        lookup.bindVarchar(1, ref.file);
        lookup.bindInteger(2, ref.index);
        const rows = (await lookup.runAndReadAll()).getRows();
        if (rows.length === 0) return null;
        try {
          return JSON.parse(String(rows[0]![0])) as Record<string, unknown>;
        } catch {
          return null;
        }
      },
      async close() {
        archive.close();
      },
    };
  } catch (error) {
    archive.close();
    throw error;
  }
}
