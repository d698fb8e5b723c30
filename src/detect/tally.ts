/**
 * `detect`'s figures, kept as files are applied in file order: the set of
 * 16-byte event ids (scan/ids.ts) decides which copy of a duplicated eventID
 * counts, which is the first in file order (ingest/order.ts), the copy the
 * store, scan, tail and export keep. Only that copy's rules count, so a
 * rule's count is the number of unique events it fired on, as in the store.
 */
import { noteFileOutcome } from '../ingest/scanFolder.js';
import { Float64List } from '../model/growable.js';
import type { BadFile } from '../model/types.js';
import { ADDED, CONFLICT, IdSet } from '../scan/ids.js';
import { emptyProgress, noteConflict, type LoadProgress } from '../store/progress.js';
import type { DetectReply } from './fileJob.js';

export class DetectTally {
  readonly progress: LoadProgress = emptyProgress();
  /** Per rule (by index): unique events it fired on, and their oldest and newest time (NaN: none readable). */
  readonly counts: Int32Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
  /** The kept copy's time for each listed conflicting duplicate (progress.conflicts). */
  readonly conflictTimes: number[] = [];
  private readonly ids = new IdSet(true);
  /** Per distinct event (IdSet.lastOrdinal), the kept copy's time. */
  private readonly times = new Float64List();
  /** A file came without every record parsed (byte fingerprints). */
  private partial = false;
  /** Two copies of an eventID differed where a fingerprint was of bytes: only the rows can tell. */
  private unsure = false;

  constructor(ruleCount: number) {
    this.counts = new Int32Array(ruleCount);
    this.first = new Float64Array(ruleCount).fill(Number.NaN);
    this.last = new Float64Array(ruleCount).fill(Number.NaN);
  }

  /** Bad and skipped files the listing found (never read). */
  addListed(skipped: readonly BadFile[], bad: readonly BadFile[]): void {
    this.progress.skippedFiles.push(...skipped);
    this.progress.badFiles.push(...bad);
  }

  /** One file's reply; files must come in file order. */
  addFile(reply: DetectReply): void {
    noteFileOutcome(this.progress, reply.result);
    const { count, ids, fingerprints, times, hitAt, hitEnds, hitRules } = reply;
    if (count === 0) return;
    if (reply.byteFingerprints) this.partial = true;
    this.progress.eventsRead += count;
    let h = 0;
    for (let r = 0; r < count; r++) {
      const added = this.ids.addCopy(ids, r * 4, fingerprints[r]!);
      while (h < hitAt.length && hitAt[h]! < r) h++;
      if (added !== ADDED) {
        this.progress.duplicates++;
        if (added !== CONFLICT) continue;
        if (this.partial) this.unsure = true;
        const listed = this.progress.conflicts.length;
        noteConflict(this.progress, { eventID: '', keptFile: '', file: reply.result.path, field: '' });
        if (this.progress.conflicts.length > listed) this.conflictTimes.push(this.times.data[this.ids.lastOrdinal]!);
        continue;
      }
      const time = times[r]!;
      this.times.push(time);
      if (h >= hitAt.length || hitAt[h] !== r) continue;
      for (let j = h === 0 ? 0 : hitEnds[h - 1]!; j < hitEnds[h]!; j++) {
        const rule = hitRules[j]!;
        this.counts[rule]!++;
        if (time === time) {
          if (!(this.first[rule]! <= time)) this.first[rule] = time;
          if (!(this.last[rule]! >= time)) this.last[rule] = time;
        }
      }
    }
  }

  /** Distinct events (every eventID once). */
  get unique(): number {
    return this.ids.size;
  }

  /** Whether some file's records were not all parsed. */
  get partialRead(): boolean {
    return this.partial;
  }

  /** Copies of an eventID differ where only byte fingerprints were compared: the run must read every record. */
  get needsFullRead(): boolean {
    return this.partial && this.unsure;
  }
}
