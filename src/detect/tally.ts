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
  /** Replies with events rebuilt from CSV columns, which addLossyCopies applies last. */
  private readonly heldBack: DetectReply[] = [];

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
    const { count } = reply;
    if (count === 0) return;
    if (reply.byteFingerprints) this.partial = true;
    this.progress.eventsRead += count;
    const lossy = reply.lossy;
    if (lossy.length > 0) this.heldBack.push(reply);
    let h = 0;
    let l = 0;
    for (let r = 0; r < count; r++) {
      while (h < reply.hitAt.length && reply.hitAt[h]! < r) h++;
      if (l < lossy.length && lossy[l] === r) {
        l++;
        continue;
      }
      this.addEvent(reply, r, h, false);
    }
  }

  /**
   * Applies the events rebuilt from CSV columns, held back by addFile until every file was added: a
   * copy from a full record is then the one kept, wherever its file sorts (THE duplicate rule,
   * model/order.ts compareCopies). Call once, after the last file.
   */
  addLossyCopies(): void {
    for (const reply of this.heldBack) {
      let h = 0;
      for (const r of reply.lossy) {
        while (h < reply.hitAt.length && reply.hitAt[h]! < r) h++;
        this.addEvent(reply, r, h, true);
      }
    }
    this.heldBack.length = 0;
  }

  /** Event r of the reply; `h` is the first of its hits' positions at or past r. */
  private addEvent(reply: DetectReply, r: number, h: number, lossy: boolean): void {
    const { hitAt, hitEnds, hitRules } = reply;
    const added = this.ids.addCopy(reply.ids, r * 4, reply.fingerprints[r]!, lossy);
    if (added !== ADDED) {
      this.progress.duplicates++;
      if (added !== CONFLICT) return;
      if (this.partial) this.unsure = true;
      const listed = this.progress.conflicts.length;
      noteConflict(this.progress, { eventID: '', keptFile: '', file: reply.result.path, field: '' });
      if (this.progress.conflicts.length > listed) this.conflictTimes.push(this.times.data[this.ids.lastOrdinal]!);
      return;
    }
    const time = reply.times[r]!;
    this.times.push(time);
    if (h >= hitAt.length || hitAt[h] !== r) return;
    for (let j = h === 0 ? 0 : hitEnds[h - 1]!; j < hitEnds[h]!; j++) {
      const rule = hitRules[j]!;
      this.counts[rule]!++;
      if (time === time) {
        if (!(this.first[rule]! <= time)) this.first[rule] = time;
        if (!(this.last[rule]! >= time)) this.last[rule] = time;
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
