/**
 * Lowercase text of the values a column keeps on the rows (ON_ROW_ID: a
 * dictionary that gave up on near-unique values, or a full one), packed in
 * chunk strings, for plain-word search at real-world cardinality. Reading a
 * million row objects one by one for a word costs pointer chasing per row;
 * one indexOf over a few megabytes of text finds every row that holds the
 * word. Built on the first word query and extended as rows arrive; the
 * chunks cost about the text's length plus 8 bytes a row.
 */
import type { EventRow, ResourceRef } from '../model/types.js';
import { ON_ROW_ID, type RowColumns, type ScalarKey } from '../store/columns.js';

const CHUNK_ENTRIES = 8192;

interface Chunk {
  /** The entries' lowercase text, each followed by '\n' (a searched word never holds one). */
  text: string;
  /** Where each entry starts in text. */
  starts: Int32Array;
  /** The row (seq) of each entry. */
  seqs: Int32Array;
}

export class OnRowText {
  private readonly chunks: Chunk[] = [];
  private parts: string[] = [];
  private partSeqs: number[] = [];
  /** Rows below this seq have been looked at. */
  private builtTo = 0;

  constructor(
    private readonly ids: () => ArrayLike<number>,
    private readonly text: (row: EventRow) => string,
  ) {}

  /** Marks in `hits` (indexed by seq) every row of log[0, end) whose on-row text contains `word`. */
  search(log: readonly EventRow[], end: number, word: string, hits: Uint8Array): void {
    this.extend(log, end);
    for (const chunk of this.chunks) searchChunk(chunk, word, hits);
    if (this.parts.length > 0) {
      // The unfinished chunk: made into a string for this search, kept until more rows arrive.
      const tail = this.seal(false);
      searchChunk(tail, word, hits);
    }
  }

  private extend(log: readonly EventRow[], end: number): void {
    const ids = this.ids();
    for (let seq = this.builtTo; seq < end; seq++) {
      if (ids[seq] !== ON_ROW_ID) continue;
      this.parts.push(this.text(log[seq]!));
      this.partSeqs.push(seq);
      if (this.parts.length === CHUNK_ENTRIES) this.chunks.push(this.seal(true));
    }
    if (end > this.builtTo) this.builtTo = end;
  }

  private tail: Chunk | null = null;

  private seal(full: boolean): Chunk {
    if (!full && this.tail !== null && this.tail.seqs.length === this.parts.length) return this.tail;
    const starts = new Int32Array(this.parts.length);
    let at = 0;
    for (let k = 0; k < this.parts.length; k++) {
      starts[k] = at;
      at += this.parts[k]!.length + 1;
    }
    const chunk: Chunk = { text: `${this.parts.join('\n')}\n`, starts, seqs: Int32Array.from(this.partSeqs) };
    if (full) {
      this.parts = [];
      this.partSeqs = [];
      this.tail = null;
    } else {
      this.tail = chunk;
    }
    return chunk;
  }
}

function searchChunk(chunk: Chunk, word: string, hits: Uint8Array): void {
  const { text, starts, seqs } = chunk;
  let from = 0;
  for (;;) {
    const at = text.indexOf(word, from);
    if (at < 0) return;
    // The entry holding `at`: the last start at or before it.
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    hits[seqs[lo]!] = 1;
    // On to the next entry: one hit per row is enough.
    from = lo + 1 < starts.length ? starts[lo + 1]! : text.length;
  }
}

/** The lowercase search text of a resource list, as wordColumns' resourcesText. */
function resourcesLower(resources: readonly ResourceRef[]): string {
  const parts: string[] = [];
  for (const resource of resources) {
    parts.push(resource.name);
    if (resource.arn !== resource.name) parts.push(resource.arn);
  }
  return parts.join('\n').toLowerCase();
}

interface Texts {
  scalars: Map<ScalarKey, OnRowText>;
  resources: OnRowText;
}

const texts = new WeakMap<RowColumns, Texts>();

function textsOf(columns: RowColumns): Texts {
  let t = texts.get(columns);
  if (!t) {
    t = {
      scalars: new Map(),
      resources: new OnRowText(() => columns.resources.rows.ids, (row) => resourcesLower(row.resources)),
    };
    texts.set(columns, t);
  }
  return t;
}

/** The on-row text of one scalar column of `columns`. */
export function scalarOnRowText(columns: RowColumns, key: ScalarKey): OnRowText {
  const t = textsOf(columns);
  let text = t.scalars.get(key);
  if (!text) {
    const column = columns.scalars[key];
    text = new OnRowText(() => column.rows.ids, (row) => row[key].toLowerCase());
    t.scalars.set(key, text);
  }
  return text;
}

/** The on-row text of the resources column (lists not shared: unique S3 object ARNs, say). */
export function resourcesOnRowText(columns: RowColumns): OnRowText {
  return textsOf(columns).resources;
}
