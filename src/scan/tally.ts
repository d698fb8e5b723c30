/**
 * `scan`'s figures, kept as files are read in file order: counts by global
 * value id, a set of 16-byte event ids, and for every distinct event only what
 * an Insight's span count needs (time and five small ids, about 30 bytes).
 * The copy of a duplicated eventID that counts is the first one in file order
 * (ingest/order.ts), because files are applied in that order.
 */
import { READ_SHAPES, noteFileOutcome } from '../ingest/scanFolder.js';
import { insightSpans, insightSummaries, pairInsights } from '../model/insights.js';
import type { BadFile, EventRow, FileReadResult, FileShape } from '../model/types.js';
import { emptyProgress, noteConflict, reportedConflict, type LoadProgress } from '../store/progress.js';
import type { Count, ScanSummary } from '../commands/scanSummary.js';
import { ACTOR, COLS, ERROR, FAILED_WITHOUT_CODE, HAS_INSIGHT, INSIGHT_EVENT, LOSSY, NAME, NOT_RATE, RATE_ACCOUNT, REGION, SOURCE, type ScanDigest } from './digest.js';
import { ADDED, CONFLICT, IdSet } from './ids.js';
import type { MatchedTexts } from './fastJob.js';
import { Float64List, Int32List } from '../model/growable.js';

/** Export texts kept at most (bytes): past it a broad filter's export reads its records back instead of holding them all. */
const TEXTS_BYTES = 256 * 1024 * 1024;

/** A file as addFile was given it, with its strings' global ids. */
interface AppliedFile {
  path: string;
  fileNumber: number;
  digest: ScanDigest;
  global: Int32Array;
  matches: Uint8Array | null;
  insightRows: readonly EventRow[];
  matchedRows: readonly EventRow[];
  matchedTexts: MatchedTexts | null;
}

export class ScanTally {
  readonly progress: LoadProgress = emptyProgress();
  /** Numbered with keepMatches: a later copy of a kept match moves its arrival (keptArrival). */
  private readonly ids: IdSet;
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  // Counts of matching distinct events, by global string id.
  private readonly names = new Int32List();
  private readonly actors = new Int32List();
  private readonly errors = new Int32List();
  // Every distinct event (matching or not): what insight spans count by.
  private readonly times = new Float64List();
  /** Per distinct event, its RATE_COLS as one id into `rateCombos` (a few thousand combinations stand for a million events). */
  private readonly rateCombo = new Int32List();
  private readonly rateCombos = new ComboTable();
  private unique = 0;
  private matchedRead = 0;
  private insightEvents = 0;
  private badTime = 0;
  private first = Infinity;
  private last = -Infinity;
  private readonly insightRows: EventRow[] = [];
  /** Per listed conflict, the event's position in its file's rows. */
  private readonly conflictRows: number[] = [];
  /** A file came without every record's columns (scan/fastJob.ts). */
  private partial = false;
  /** A file came with fingerprints of its records' bytes (scan/fastJob.ts, scan/extract.ts), not of their rows. */
  private byteFingerprints = false;
  /** Two copies of an eventID differed where one had only a byte fingerprint: only the rows can tell. */
  private unsure = false;
  /** With keepMatches: the matching distinct events' rows, in file order (the copy kept: the first in file order). */
  private readonly kept: EventRow[] = [];
  /**
   * With keepMatches, per kept row: where the loader's newest-first read first
   * meets its eventID (keptArrival): the file (its number in file order) and
   * record of its copy in the latest file, the first such record in that file.
   */
  private readonly arrivalFile = new Int32List();
  private readonly arrivalRecord = new Int32List();
  /** With keepMatches: IdSet number of a kept row's eventID -> its index in `kept`. */
  private readonly keptByOrdinal = new Map<number, number>();
  /** Files added so far: the next file's number in file order. */
  private files = 0;
  /** Files with events rebuilt from CSV columns, which addLossyCopies applies last. */
  private readonly heldBack: AppliedFile[] = [];
  /** The kept rows' export texts, while every kept row came with one and they fit TEXTS_BYTES; else null. */
  private keptText: string[] | null = [];
  private keptTextBytes = 0;

  constructor(private readonly keepMatches = false) {
    this.ids = new IdSet(keepMatches);
  }

  /** The ids of the events counted (first copies and duplicates alike): `tail` seeds its follow with them, so an event already there is not printed again. */
  idSet(): IdSet {
    return this.ids;
  }

  /**
   * One file's outcome; files must come in file order. `matches[r]` says
   * whether event r matches the filter (null: no filter); `insightRows` are
   * the file's events that carry Insight details, in file order.
   */
  addFile(
    result: Omit<FileReadResult, 'rows'>,
    digest: ScanDigest | null,
    matches: Uint8Array | null,
    insightRows: readonly EventRow[],
    matchedRows: readonly EventRow[] = [],
    matchedTexts: MatchedTexts | null = null,
  ): void {
    noteFileOutcome(this.progress, result);
    const fileNumber = this.files++;
    if (!digest || digest.count === 0) return;
    if (digest.byteFingerprints) {
      this.byteFingerprints = true;
      if (!digest.complete) this.partial = true;
    }
    this.progress.eventsRead += digest.count;
    const global = new Int32Array(digest.table.length);
    for (let k = 0; k < digest.table.length; k++) global[k] = this.idOf(digest.table[k]!);
    const file: AppliedFile = { path: result.path, fileNumber, digest, global, matches, insightRows, matchedRows, matchedTexts };
    if (this.eachRow(file, false)) this.heldBack.push(file);
  }

  /**
   * Applies the events rebuilt from CSV columns (scan/digest.ts LOSSY), held back by addFile until
   * every file was added: a copy from a full record is then the one kept and counted, wherever its
   * file sorts (THE duplicate rule, model/order.ts compareCopies). Call once, after the last file.
   */
  addLossyCopies(): void {
    for (const file of this.heldBack) this.eachRow(file, true);
    this.heldBack.length = 0;
  }

  /** Applies the file's full events (`lossy` false) or its lossy ones; true when it has events of the other kind. */
  private eachRow(file: AppliedFile, lossy: boolean): boolean {
    const { digest, matches, insightRows, matchedRows } = file;
    const { flags } = digest;
    let nextInsight = 0;
    let nextMatched = 0;
    let other = false;
    for (let r = 0; r < digest.count; r++) {
      const hasInsight = (flags[r]! & HAS_INSIGHT) !== 0;
      const insightRow = hasInsight ? insightRows[nextInsight++] : undefined;
      const matched = matches === null || matches[r] === 1;
      const matchedIndex = matched && matches !== null ? nextMatched++ : -1;
      if (((flags[r]! & LOSSY) !== 0) !== lossy) {
        other = true;
        continue;
      }
      this.addEvent(file, r, insightRow, matched, matchedIndex);
    }
    return other;
  }

  private addEvent(file: AppliedFile, r: number, insightRow: EventRow | undefined, matched: boolean, matchedIndex: number): void {
    const { digest, global, fileNumber } = file;
    const { cols, flags, times, ids } = digest;
    const c = r * COLS;
    const matchedRow = matchedIndex >= 0 ? file.matchedRows[matchedIndex] : undefined;
    if (matched) this.matchedRead++;
    const added = this.ids.addCopy(ids, r * 4, digest.fingerprints[r]!, (flags[r]! & LOSSY) !== 0);
    if (added !== ADDED) {
      this.progress.duplicates++;
      if (this.keepMatches) this.laterCopy(fileNumber, r);
      if (added === CONFLICT && this.byteFingerprints) this.unsure = true;
      // Headless scan keeps no file per event: the kept copy's file is not known here.
      // Its eventID is filled in afterwards (resolveConflictIds): digests carry ids only as hashes.
      if (added === CONFLICT) {
        const listed = this.progress.conflicts.length;
        noteConflict(this.progress, { eventID: '', keptFile: '', file: file.path, field: '' });
        if (this.progress.conflicts.length > listed) this.conflictRows.push(r);
      }
      return;
    }
    const t = times[r]!;
    // Only Insights' span counts read these, and after a partial file they never will: with Insights the
    // folder is read again in full (needsFullRead), without them there is nothing to count.
    if (!this.partial) {
      this.times.push(flags[r]! & NOT_RATE ? Number.NaN : t);
      // An error-rate Insight counts errorCodes (model/rate.ts): a failed sign-in's message is none.
      const errorCode = flags[r]! & FAILED_WITHOUT_CODE ? this.idOf('') : global[cols[c + ERROR]!]!;
      this.rateCombo.push(this.rateCombos.idOf(global[cols[c + NAME]!]!, global[cols[c + SOURCE]!]!, global[cols[c + REGION]!]!, global[cols[c + RATE_ACCOUNT]!]!, errorCode));
    }
    if (!matched) return;
    this.unique++;
    if (this.keepMatches && matchedRow) {
      this.keptByOrdinal.set(this.ids.lastOrdinal, this.kept.length);
      this.arrivalFile.push(fileNumber);
      this.arrivalRecord.push(r);
      this.kept.push(matchedRow);
      this.keepText(file.matchedTexts, matchedIndex);
    }
    bump(this.names, global[cols[c + NAME]!]!);
    bump(this.actors, global[cols[c + ACTOR]!]!);
    const error = digest.table[cols[c + ERROR]!]!;
    if (error !== '') bump(this.errors, global[cols[c + ERROR]!]!);
    if (flags[r]! & INSIGHT_EVENT) this.insightEvents++;
    if (insightRow) this.insightRows.push(insightRow);
    if (Number.isNaN(t)) this.badTime++;
    else {
      if (t < this.first) this.first = t;
      if (t > this.last) this.last = t;
    }
  }

  /**
   * The eventIDs of the listed conflicting duplicates, read back from their
   * files (there are few; a digest holds ids only as 16-byte hashes).
   */
  async resolveConflictIds(readRows: (path: string) => Promise<readonly EventRow[]>): Promise<void> {
    const byFile = new Map<string, number[]>();
    this.progress.conflicts.forEach((conflict, k) => {
      if (conflict.eventID === '') byFile.set(conflict.file, [...(byFile.get(conflict.file) ?? []), k]);
    });
    for (const [path, listed] of byFile) {
      const rows = await readRows(path);
      for (const k of listed) this.progress.conflicts[k]!.eventID = rows[this.conflictRows[k]!]?.id ?? '(changed since)';
    }
  }

  /**
   * Whether this tally, made from files whose records were not all parsed,
   * cannot be exact: a copy of an eventID whose bytes differ from the kept
   * one (the rows may still be the same), or matching Insights (whose counts
   * need every event's columns). Then the scan reads everything again.
   */
  /** With keepMatches: the matching distinct events (the first copy of each eventID in file order), in file order. */
  keptMatches(): EventRow[] {
    return this.kept;
  }

  /**
   * Arrival order of keptMatches() as the store numbers rows (model/order.ts
   * compareNewestFirst breaks equal times by it): the loader reads the newest
   * delivery first (ingest/order.ts compareNewestFileFirst, the exact reverse
   * of file order), each file's records in order, and an eventID arrives with
   * the first copy it meets, that is its copy in the latest file in file order,
   * not the copy kept (the first in file order). The archive numbers the same
   * way (archive/import.ts, tt_seq: the smallest of the copies').
   * Returns each kept row's arrival rank (0 first), in keptMatches() order.
   */
  keptArrival(): Int32Array {
    const count = this.kept.length;
    const file = this.arrivalFile.data;
    const record = this.arrivalRecord.data;
    const order = Array.from({ length: count }, (_, k) => k);
    order.sort((a, b) => file[b]! - file[a]! || record[a]! - record[b]!);
    const rank = new Int32Array(count);
    for (let k = 0; k < count; k++) rank[order[k]!] = k;
    return rank;
  }

  /**
   * A copy (record r of file number `file`) of an eventID already counted: a kept match arrives with
   * the copy in the latest file, its first there. Lossy copies come after every full one (addLossyCopies),
   * so a copy may be of an earlier file or record than the one noted.
   */
  private laterCopy(file: number, r: number): void {
    const k = this.keptByOrdinal.get(this.ids.lastOrdinal);
    if (k === undefined) return;
    const noted = this.arrivalFile.data[k]!;
    if (file < noted || (file === noted && r >= this.arrivalRecord.data[k]!)) return;
    this.arrivalFile.data[k] = file;
    this.arrivalRecord.data[k] = r;
  }

  /**
   * The export text of each of keptMatches(), in the same order (the fast
   * path's copy of the record's bytes, export/recordBytes.ts recordText), or
   * null when some kept row came without one (its file was read the ordinary
   * way) or they would take more than TEXTS_BYTES: then the export reads the
   * records back from their files.
   */
  keptTexts(): readonly string[] | null {
    return this.keptText;
  }

  private keepText(texts: MatchedTexts | null, k: number): void {
    const list = this.keptText;
    if (list === null) return;
    const start = k === 0 ? 0 : (texts?.ends[k - 1] ?? 0);
    const end = texts?.ends[k];
    if (!texts || end === undefined || this.keptTextBytes + (end - start) > TEXTS_BYTES) {
      this.keptText = null;
      return;
    }
    this.keptTextBytes += end - start;
    list.push(Buffer.from(texts.bytes.buffer, texts.bytes.byteOffset, texts.bytes.byteLength).toString('utf8', start, end));
  }

  /** Whether some file's records were not all parsed (scan/fastJob.ts). */
  get partialRead(): boolean {
    return this.partial;
  }

  get needsFullRead(): boolean {
    return this.unsure || (this.partial && this.insightRows.length > 0);
  }

  /** Bad and skipped files the listing found (never read). */
  addListed(skipped: readonly BadFile[], bad: readonly BadFile[]): void {
    this.progress.skippedFiles.push(...skipped);
    this.progress.badFiles.push(...bad);
  }

  /** Distinct events in all (before the filter). */
  get total(): number {
    return this.ids.size;
  }

  summary(options: { folder: string; filter: string | null; top?: number }): ScanSummary {
    const top = options.top ?? 10;
    const progress = this.progress;
    let read = 0;
    for (const [shape, count] of Object.entries(progress.shapes) as [FileShape, number][]) {
      if (READ_SHAPES.has(shape)) read += count;
    }
    const filtered = options.filter !== null;
    const eventsRead = filtered ? this.matchedRead : progress.eventsRead;
    return {
      folder: options.folder,
      filter: options.filter,
      files: {
        read,
        digests: progress.digests,
        skipped: progress.skippedFiles.slice(),
        bad: progress.badFiles.slice(),
        byShape: { ...progress.shapes },
        ...(progress.ruleStops.length > 0 ? { rulesStopped: progress.ruleStops.slice() } : {}),
      },
      events: {
        read: eventsRead,
        unique: this.unique,
        duplicates: filtered ? Math.max(0, eventsRead - this.unique) : progress.duplicates,
        total: this.ids.size,
        insights: this.insightEvents,
        badTime: this.badTime,
        conflicts: progress.conflictCount,
      },
      // Without keptFile and field, which the tally does not know (store/progress.ts ReportedConflict).
      conflictingDuplicates: progress.conflicts.map(reportedConflict),
      time: {
        first: Number.isFinite(this.first) ? new Date(this.first).toISOString() : null,
        last: Number.isFinite(this.last) ? new Date(this.last).toISOString() : null,
      },
      topEventNames: this.topOf(this.names, top, '(none)'),
      topActors: this.topOf(this.actors, top, '(none)'),
      errorsByCode: this.topOf(this.errors, Math.max(top, 50), '').map(({ name, count }) => ({ code: name, count })),
      insights: this.insightSummary(),
    };
  }

  private insightSummary(): ScanSummary['insights'] {
    const insights = pairInsights(this.insightRows);
    const spans = insightSpans(insights);
    const counts = spans.map(() => 0);
    if (spans.length === 0) return insightSummaries(insights, counts);
    // The criteria's strings as global ids (-1: no event has that value, so nothing matches it).
    const want = spans.map((span) => ({
      from: span.from,
      to: span.to,
      name: this.stringIds.get(span.criteria.eventName) ?? -1,
      source: this.stringIds.get(span.criteria.eventSource) ?? -1,
      region: span.criteria.region ? (this.stringIds.get(span.criteria.region) ?? -1) : null,
      account: span.criteria.account ? (this.stringIds.get(span.criteria.account) ?? -1) : null,
      errorOnly: span.criteria.errorOnly,
      error: span.criteria.errorCode ? (this.stringIds.get(span.criteria.errorCode) ?? -1) : null,
    }));
    const empty = this.stringIds.get('') ?? -1;
    const times = this.times.data;
    const combo = this.rateCombo.data;
    const cols = this.rateCombos.cols.data;
    for (let e = 0; e < this.times.length; e++) {
      const t = times[e]!;
      if (!Number.isFinite(t)) continue;
      const c = combo[e]! * RATE_WIDTH;
      for (let i = 0; i < want.length; i++) {
        const w = want[i]!;
        if (t < w.from || t >= w.to) continue;
        if (cols[c + R_NAME] !== w.name || cols[c + R_SOURCE] !== w.source) continue;
        if (w.region !== null && cols[c + R_REGION] !== w.region) continue;
        if (w.account !== null && cols[c + R_ACCOUNT] !== w.account) continue;
        if (w.errorOnly) {
          if (cols[c + R_ERROR] === empty) continue;
          if (w.error !== null && cols[c + R_ERROR] !== w.error) continue;
        }
        counts[i]!++;
      }
    }
    return insightSummaries(insights, counts);
  }

  private idOf(value: string): number {
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    return id;
  }

  private topOf(counts: Int32List, limit: number, emptyName: string): Count[] {
    const entries: Count[] = [];
    for (let id = 0; id < counts.length; id++) {
      const n = counts.data[id]!;
      if (n > 0) entries.push({ name: this.strings[id]! || emptyName, count: n });
    }
    return entries
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit);
  }
}

/** The digest columns kept per distinct event for the Insight span counts, and their places. */
const RATE_WIDTH = 5;
const R_NAME = 0;
const R_SOURCE = 1;
const R_REGION = 2;
const R_ACCOUNT = 3;
const R_ERROR = 4;

/** counts[id]++, growing the column to reach id. */
function bump(counts: Int32List, id: number): void {
  while (counts.length <= id) counts.push(0);
  counts.data[id]!++;
}

/** Distinct (name, source, region, account, error) global-id tuples, each numbered once: open addressing over the five ids. */
class ComboTable {
  /** RATE_WIDTH ids per combination, at R_NAME...R_ERROR. */
  readonly cols = new Int32List();
  private slots = new Int32Array(1024);
  private count = 0;

  idOf(name: number, source: number, region: number, account: number, error: number): number {
    let h = Math.imul(name ^ 0x9e3779b9, 0x85ebca6b);
    h = Math.imul(h ^ source ^ (h >>> 15), 0xc2b2ae35);
    h = Math.imul(h ^ region ^ (h >>> 13), 0x85ebca6b);
    h = Math.imul(h ^ account ^ (h >>> 16), 0xc2b2ae35);
    h = Math.imul(h ^ error ^ (h >>> 15), 0x85ebca6b);
    h ^= h >>> 16;
    const mask = this.slots.length - 1;
    const cols = this.cols.data;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s]! - 1;
      if (id < 0) {
        const fresh = this.count++;
        this.slots[s] = fresh + 1;
        this.cols.push(name);
        this.cols.push(source);
        this.cols.push(region);
        this.cols.push(account);
        this.cols.push(error);
        if (this.count * 2 > this.slots.length) this.grow();
        return fresh;
      }
      const c = id * RATE_WIDTH;
      if (cols[c] === name && cols[c + 1] === source && cols[c + 2] === region && cols[c + 3] === account && cols[c + 4] === error) return id;
    }
  }

  private grow(): void {
    const old = this.count;
    this.slots = new Int32Array(this.slots.length * 2);
    this.count = 0;
    const cols = this.cols.data.slice(0, old * RATE_WIDTH);
    this.cols.length = 0;
    for (let id = 0; id < old; id++) {
      const c = id * RATE_WIDTH;
      this.idOf(cols[c]!, cols[c + 1]!, cols[c + 2]!, cols[c + 3]!, cols[c + 4]!);
    }
  }
}
