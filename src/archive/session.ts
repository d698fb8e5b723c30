/**
 * What the --db dashboard asks of an archive, in one place: query text to a
 * SQL condition (filter.ts, with the rules, the marks and the vocabulary,
 * read once when first needed), the list of a query in an order (window.ts),
 * top values and the histogram (aggregate.ts), and the stored record of an
 * event. No Ink: the UI is a thin layer over this, and tests and the bench
 * drive it the same way.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TopField, TopResult } from '../investigate/topValues.js';
import type { Vocabulary } from '../query/vocabulary.js';
import { archiveHistogram, archiveTimeBounds, archiveTopValues, type ArchiveBucket, type TimeBounds } from './aggregate.js';
import type { RuleSet } from '../detect/rule.js';
import { openArchive, type Archive } from './db.js';
import { ArchiveDetectionRunner } from './detectionRunner.js';
import { findingsAmong } from './detect.js';
import type { Finding, Findings } from '../detect/findings.js';
import { archiveFilter, type ArchiveFilter, type ArchiveRule } from './filter.js';
import type { ArchiveExportOptions } from './export.js';
import { archiveProblemFiles, countEvents, type ArchivedEvent, type ArchiveProblems, type Cursor, type Order } from './query.js';
import { nextMarkedEvent, type MarkFound } from './nextMark.js';
import { archiveHistogramParts } from './histogramParts.js';
import type { BucketGrid } from './histogramGrain.js';
import type { StackField } from '../timeline/histogram.js';
import { archiveVocabulary } from './vocabulary.js';
import { termText, type PivotTerm } from '../investigate/pivot.js';
import type { PrincipalSummary } from '../investigate/principal.js';
import { archivePrincipalSummary } from './principal.js';
import { ArchiveList } from './window.js';

export interface ArchiveSessionOptions {
  rules?: readonly ArchiveRule[];
  /** The rules as loaded (levels, descriptions, the files not run): the findings view runs them (detectionRunner.ts). */
  ruleSet?: RuleSet;
  /** The marks kept for this archive (read at each query: `m` changes them). */
  marks?: () => ReadonlySet<string>;
}

/**
 * DuckDB's buffer pool for reading an archive. Its default (80% of RAM) lets a few queries over a 10M-event
 * archive cache columns until trailtop holds gigabytes; with this cap a query spills to disk instead
 * (next to the archive, <file>.tmp). The process holds about this plus 130-230 MB besides (Node, DuckDB's
 * own allocations outside the pool, the rows read): at 300 MB the dashboard peaked at 530 MB on the 10M
 * archive, against a 500 MB goal. Scans stream through the pool, so a smaller one costs re-reads of
 * cached blocks, not decompression; only a GROUP BY over millions of distinct values spills sooner.
 */
export const READ_MEMORY_LIMIT = '200MB';

export async function limitReadMemory(archive: Archive): Promise<void> {
  await archive.connection.run(`SET memory_limit = '${READ_MEMORY_LIMIT}'`);
}

export class ArchiveSession {
  private vocabulary: Promise<Vocabulary> | null = null;
  /** The downloads' own connection (opened at the first): a cancel interrupts it, never the list's queries. */
  private downloads: Promise<DuckDBConnection> | null = null;
  /** The findings view's counts under a query (findingsAmong). */
  private scoped: Promise<DuckDBConnection> | null = null;
  private runner: ArchiveDetectionRunner | null = null;

  constructor(
    readonly archive: Archive,
    private options: ArchiveSessionOptions = {},
  ) {}

  /** Where `mark:` reads the marks from (the dashboard's MarkSet, which `m` changes). */
  readMarksFrom(marks: () => ReadonlySet<string>): void {
    this.options.marks = marks;
  }

  static async open(dbPath: string, options: ArchiveSessionOptions = {}): Promise<ArchiveSession> {
    const archive = await openArchive(dbPath, { readOnly: true });
    try {
      await limitReadMemory(archive);
    } catch (error) {
      await archive.close();
      throw error;
    }
    return new ArchiveSession(archive, options);
  }

  /** The findings of the rules run as SQL, in the background (null: no rule set given). Made on first ask. */
  detection(): ArchiveDetectionRunner | null {
    if (!this.options.ruleSet) return null;
    return (this.runner ??= new ArchiveDetectionRunner(this.archive, this.options.ruleSet));
  }

  get ruleCount(): number {
    return this.options.rules?.length ?? 0;
  }

  /** The query's SQL condition, or the reason it cannot run here (shown on screen, never an empty list). */
  filter(text: string, now?: number): Promise<ArchiveFilter> {
    const marks = this.options.marks?.();
    return archiveFilter(text, {
      ...(this.options.rules ? { rules: this.options.rules } : {}),
      ...(marks ? { marks } : {}),
      vocabulary: () => (this.vocabulary ??= archiveVocabulary(this.archive)),
      ...(now !== undefined ? { now } : {}),
    });
  }

  /** The list of `where` in `order`: its count and first screen. */
  list(where: string | null, order: Order, firstRows = 60, total?: number): Promise<ArchiveList> {
    return ArchiveList.open(this.archive, where, order, firstRows, total);
  }

  /** The list of `where` in `order` around an event of an earlier list, and its index there (`[`, `]`). */
  listAround(where: string | null, order: Order, anchor: ArchivedEvent, screen = 60): Promise<{ list: ArchiveList; index: number; present: boolean }> {
    return ArchiveList.openAround(this.archive, where, order, anchor, screen);
  }

  topValues(field: TopField, where: string | null, limit?: number): Promise<TopResult> {
    return archiveTopValues(this.archive, field, where, limit);
  }

  timeBounds(where: string | null): Promise<TimeBounds | null> {
    return archiveTimeBounds(this.archive, where);
  }

  histogram(where: string | null, grid: BucketGrid, from: number, to: number): Promise<ArchiveBucket[]> {
    return archiveHistogram(this.archive, where, grid, from, to);
  }

  /** The same buckets' events split by `values` of `field`, then Other (Tab in the histogram: histogramParts.ts). */
  histogramParts(where: string | null, field: Exclude<StackField, 'errors'>, values: readonly string[], grid: BucketGrid, from: number, to: number): Promise<number[][]> {
    return archiveHistogramParts(this.archive, where, field, values, grid, from, to);
  }

  count(where: string | null): Promise<number> {
    return countEvents(this.archive, where);
  }

  /** Writes the events of `where` into `target`, atomically, page by page (archive/export.ts, as export --db). */
  async download(target: string, options: ArchiveExportOptions & { overwrite: boolean }): Promise<{ path: string; written: number; bytes: number }> {
    const { exportArchiveToFile } = await import('./export.js');
    // A connection that failed to open is asked for again by the next download.
    const connection = await (this.downloads ??= this.archive.connect().catch((error: unknown) => {
      this.downloads = null;
      throw error;
    }));
    return exportArchiveToFile(this.archive, connection, target, options);
  }

  /** `'`: the next marked event of `where` after `from` in `order` (the marks `mark:` reads), by keyset (nextMark.ts). */
  async nextMark(where: string | null, order: Order, from: Cursor | null): Promise<MarkFound | null> {
    const marked = await this.filter('mark:*');
    if (!marked.ok) throw new Error(marked.message);
    return nextMarkedEvent(this.archive, where, marked.where ?? 'true', from, order);
  }

  /** The principal summary (`p`) of `term`'s events, by SQL (principal.ts). */
  async principalSummary(term: PivotTerm): Promise<PrincipalSummary> {
    const filter = await this.filter(termText(term));
    if (!filter.ok) throw new Error(filter.message);
    return archivePrincipalSummary(this.archive, term, filter.where);
  }

  /**
   * What the rules' run found among `where`'s events (detect.ts findingsAmong), on a connection of its own:
   * on a big archive the stream of the query's events takes seconds, and the list pages meanwhile.
   */
  async findingsAmong(findings: Findings, where: string, cancelled: () => boolean): Promise<Finding[] | null> {
    // A connection that failed to open is asked for again next time.
    const connection = await (this.scoped ??= this.archive.connect().catch((error: unknown) => {
      this.scoped = null;
      throw error;
    }));
    return findingsAmong(connection, findings, where, cancelled);
  }

  /** The bad (or partly read) and skipped files of the imports, and the conflicting duplicates, as scan --db lists them. */
  problemFiles(): Promise<ArchiveProblems> {
    return archiveProblemFiles(this.archive);
  }

  close(): Promise<void> {
    this.runner?.close();
    return this.archive.close();
  }
}
