/**
 * The archive's credential-issuing events by the access key they issued and the source identity
 * they set, for the session chain (chain.ts). Without it every link of a chain scanned the whole
 * events table (0.7 s a link on 10M events); with it a link reads back the few rows it names.
 *
 * Built in one SQL pass over the issuing events (a few in a hundred of a trail) on first use, kept
 * per open archive, and brought up to date before each walk with what imports committed since
 * (follow.ts imports while the dashboard is open). It holds candidates, not answers: each value is
 * kept as a 30-bit hash pointing to arrival numbers (tt_seq), so it stays small (1.3 MB of heap for
 * the 30k AssumeRole of a 1M-event trail); the lookup reads those rows back and keeps the issues that really name
 * the value. A hash that collides, or a row an import has since replaced, costs a row read, never a
 * wrong link.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { ISSUING_EVENTS } from '../investigate/chain.js';
import { literal } from '../query/sql/index.js';
import type { Archive } from './db.js';

export const ISSUING_SQL = `tt_name IN (${[...ISSUING_EVENTS].map((name) => literal(name)).join(', ')})`;

/** FNV-1a over the text's UTF-16 units, to 30 bits: a small integer in V8 (no boxed number per entry). */
export function valueHash(text: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) {
    h ^= text.charCodeAt(k);
    h = Math.imul(h, 0x01000193);
  }
  return h & 0x3fffffff;
}

/** Hash -> one arrival number, or several when values share a hash (a key issued again, or a collision). */
type Postings = Map<number, number | number[]>;

function post(postings: Postings, value: unknown, seq: number): void {
  if (typeof value !== 'string' || value === '') return;
  const hash = valueHash(value);
  const found = postings.get(hash);
  if (found === undefined) postings.set(hash, seq);
  else if (typeof found === 'number') {
    if (found !== seq) postings.set(hash, [found, seq]);
  } else if (!found.includes(seq)) found.push(seq);
}

function lookup(postings: Postings, value: string): number[] {
  const found = postings.get(valueHash(value));
  return found === undefined ? [] : typeof found === 'number' ? [found] : [...found];
}

/**
 * How far the index has read: the highest arrival number, and when the last import batch committed
 * (imported_files.imported_at, microseconds). Every row an import adds later has a higher arrival
 * number, except a copy that replaces an archived row: it takes that row's number (schema.ts
 * RENUMBER_KEPT), and is found by its file, recorded by the same batch with a later imported_at.
 * Batches commit one after another (one writer), each stamped with its transaction's start: a batch
 * after the mark starts after the mark's batch committed, so its stamp is later while the clock does
 * not go back.
 */
interface Mark {
  seq: number;
  importedAt: bigint | null;
}

function sameMark(a: Mark, b: Mark): boolean {
  return a.seq === b.seq && a.importedAt === b.importedAt;
}

/** The values the chain follows: the issued key, and the source identity given or asked for (as chain.ts reads them, issueOf). */
function issuedValuesSql(where: string): string {
  return (
    `SELECT tt_seq, json_extract_string(responseelements, '$.credentials.accessKeyId'), json_extract_string(responseelements, '$.sourceIdentity'), ` +
    `json_extract_string(requestparameters, '$.sourceIdentity') FROM events WHERE ${where}`
  );
}

export class ArchiveIssueIndex {
  private readonly byKey: Postings = new Map();
  private readonly bySourceIdentity: Postings = new Map();
  private mark: Mark | null = null;
  private running: Promise<boolean> = Promise.resolve(false);
  private connection: Promise<DuckDBConnection> | null = null;

  constructor(private readonly archive: Archive) {}

  /**
   * Brings the index up to date with the archive; true when it read anything new. Calls queue behind
   * each other. The first builds the index (one pass over the issuing events), later ones read only
   * what imports committed since.
   */
  update(): Promise<boolean> {
    const next = this.running.then(() => this.catchUp());
    this.running = next.catch(() => false);
    return next;
  }

  /** Arrival numbers of the issuing events that may have issued `key`. */
  keyCandidates(key: string): number[] {
    return lookup(this.byKey, key);
  }

  /** Arrival numbers of the issuing events that may have set `sourceIdentity`. */
  sourceIdentityCandidates(sourceIdentity: string): number[] {
    return lookup(this.bySourceIdentity, sourceIdentity);
  }

  /**
   * Its own connection: a first build takes seconds on a big archive, and on the dashboard's
   * connection it would hold up the list's queries behind it.
   */
  private own(): Promise<DuckDBConnection> {
    this.connection ??= this.archive.connect();
    return this.connection;
  }

  private async catchUp(): Promise<boolean> {
    const connection = await this.own();
    // The mark is read before the rows: a batch that commits in between is in the rows and after the mark, so read again next time, never missed.
    const [[seq, importedAt]] = (await connection.runAndReadAll(
      'SELECT (SELECT coalesce(max(tt_seq), 0) FROM events), (SELECT epoch_us(max(imported_at)) FROM imported_files)',
    )).getRows() as [[unknown, unknown]];
    const mark: Mark = { seq: Number(seq), importedAt: importedAt === null || importedAt === undefined ? null : BigInt(importedAt as bigint) };
    const previous = this.mark;
    if (previous && sameMark(previous, mark)) return false;
    let sql = issuedValuesSql(ISSUING_SQL);
    if (previous) {
      // Two selects, not one OR: each is pushed into its own scan (1M events: 2 + 2 ms, against 12-29 ms). A row in both is kept once (post).
      sql = issuedValuesSql(`${ISSUING_SQL} AND tt_seq > ${previous.seq}`);
      if (previous.importedAt !== null) {
        sql += ` UNION ALL ${issuedValuesSql(`${ISSUING_SQL} AND tt_file IN (SELECT path FROM imported_files WHERE epoch_us(imported_at) >= ${previous.importedAt})`)}`;
      }
    }
    const rows = (await connection.runAndReadAll(sql)).getRows() as [unknown, unknown, unknown, unknown][];
    for (const [rowSeq, key, given, asked] of rows) {
      const at = Number(rowSeq);
      post(this.byKey, key, at);
      post(this.bySourceIdentity, asked, at);
      if (given !== asked) post(this.bySourceIdentity, given, at);
    }
    this.mark = mark;
    return true;
  }
}

const byArchive = new WeakMap<Archive, ArchiveIssueIndex>();

/** The archive's issue index (made on first use, built by its first update). */
export function issueIndexOf(archive: Archive): ArchiveIssueIndex {
  let index = byArchive.get(archive);
  if (!index) {
    index = new ArchiveIssueIndex(archive);
    byArchive.set(archive, index);
  }
  return index;
}
