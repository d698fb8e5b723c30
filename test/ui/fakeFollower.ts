/** What the --db dashboard uses of a follower (archive/follow.ts): its status and a subscription, driven by the test. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Archive } from '../../src/archive/db.js';
import type { FollowStatus } from '../../src/archive/follow.js';
import { importFolder } from '../../src/archive/import.js';
import type { TestArchive } from '../archive/helpers.js';
import { recordsJson } from '../support/files.js';

export class FakeFollower {
  current: FollowStatus = { phase: 'watching', progress: null, eventsAdded: 0, bad: [], error: null, folderGone: false };
  private readonly listeners = new Set<(status: FollowStatus, committed: boolean) => void>();
  private arrivals = 0;
  /** The import's own connection, as archive/follow.ts has: the dashboard's reads run beside it on the main one. */
  private own: Promise<Archive> | null = null;
  subscribe(listener: (status: FollowStatus, committed: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** A status change with nothing committed (progress, a bad file). */
  update(change: Partial<FollowStatus>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current, false);
  }
  /** An import's batch committed, in the current status (watching: the import has ended). */
  committed(): void {
    for (const listener of this.listeners) listener(this.current, true);
  }
  /**
   * `records` land in a new file of the followed folder and are imported into the archive, then the import
   * says so twice (a batch, then its end): the second refresh runs before the first one's answer is drawn.
   */
  async arrive(archive: TestArchive, records: readonly object[]): Promise<void> {
    const more = join(archive.folder, `later-${++this.arrivals}`);
    mkdirSync(more);
    writeFileSync(join(more, 'new.json'), recordsJson(records));
    // DuckDB fails an appender's flush when another statement runs on its connection meanwhile.
    const main = archive.archive;
    this.own ??= main.connect().then((connection) => ({ path: main.path, connection, connect: () => main.connect(), close: () => Promise.resolve() }));
    await importFolder(await this.own, archive.folder);
    this.committed();
    this.committed();
  }
}
