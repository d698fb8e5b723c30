/**
 * The records a JSON export asks a worker to read back, as arrays rather
 * than a RecordRef object per row. A request lives until its answer comes
 * (a chunk read ahead waits hundreds of milliseconds), so its objects
 * outlived V8's young generation: at a million rows a hundred megabytes of
 * them were promoted to the main thread's old generation as garbage. The
 * worker makes the RecordRefs in its own heap (refsOf), with everything the
 * checks need: file identity, eventID and the row's fingerprint.
 */
import { rowFingerprint } from '../model/contentCheck.js';
import type { EventRow, RecordRef } from '../model/types.js';

export interface RefBatch {
  /** The distinct files, and each one's identity when its rows were read (RecordBatch.identity). */
  files: string[];
  identities: string[];
  /** Per record: its file (in files), its index in the file, its row's id and rowFingerprint. */
  file: Uint32Array;
  index: Float64Array;
  ids: string[];
  fingerprints: Uint32Array;
}

/** Collects rows into a RefBatch of `size` records. */
export class RefBatchBuilder {
  private readonly fileIndex = new Map<string, number>();
  private readonly batch: RefBatch;
  private count = 0;

  constructor(size: number) {
    this.batch = { files: [], identities: [], file: new Uint32Array(size), index: new Float64Array(size), ids: new Array<string>(size), fingerprints: new Uint32Array(size) };
  }

  get length(): number {
    return this.count;
  }

  /** Adds the row's record; returns its position in the batch. */
  add(row: EventRow): number {
    const { file, identity } = row.batch;
    let f = this.fileIndex.get(file);
    if (f === undefined) {
      f = this.batch.files.length;
      this.fileIndex.set(file, f);
      this.batch.files.push(file);
      this.batch.identities.push(identity);
    }
    const k = this.count++;
    this.batch.file[k] = f;
    this.batch.index[k] = row.recordIndex;
    this.batch.ids[k] = row.id;
    this.batch.fingerprints[k] = rowFingerprint(row);
    return k;
  }

  build(): RefBatch {
    return this.batch;
  }
}

/** The batch's records as the readers take them (the same fields as verifiedRef gives). */
export function refsOf(batch: RefBatch): RecordRef[] {
  const refs = new Array<RecordRef>(batch.file.length);
  for (let k = 0; k < refs.length; k++) {
    const f = batch.file[k]!;
    refs[k] = { file: batch.files[f]!, index: batch.index[k]!, id: batch.ids[k]!, identity: batch.identities[f]!, fingerprint: batch.fingerprints[k]! };
  }
  return refs;
}
