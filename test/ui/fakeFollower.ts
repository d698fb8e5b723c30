/** What the --db dashboard uses of a follower (archive/follow.ts): its status and a subscription, driven by the test. */
import type { FollowStatus } from '../../src/archive/follow.js';

export class FakeFollower {
  current: FollowStatus = { phase: 'watching', progress: null, eventsAdded: 0, bad: [], error: null, folderGone: false };
  private readonly listeners = new Set<(status: FollowStatus, committed: boolean) => void>();
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
}
