import { ID_STRIDE, ID_TEXT, idText, packId } from '../model/idBytes.js';

/**
 * The stored rows' event ids as bytes, by seq (storedRow.ts reads row.id from
 * here). A million id strings cost 56 MB and a million objects for every
 * garbage collection to walk; as packed UUIDs they are 17 MB in one array. Ids
 * that do not pack (not a UUID, nor 16 Latin-1 characters or fewer) are kept
 * as text, in a sparse array.
 */
export class EventIds {
  private bytes = new Uint8Array(ID_STRIDE * 1024);
  private texts: string[] | null = null;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(id: string): void {
    if ((this.count + 1) * ID_STRIDE > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    this.set(this.count++, id);
  }

  /** Sets the id of seq, already pushed (a kept row replaced by an earlier copy). */
  set(seq: number, id: string): void {
    const at = seq * ID_STRIDE;
    const kind = packId(id, this.bytes, at + 1);
    this.bytes[at] = kind;
    if (kind === ID_TEXT) (this.texts ??= [])[seq] = id;
    else if (this.texts !== null && this.texts[seq] !== undefined) delete this.texts[seq];
  }

  /** The id of seq (a new string each call: callers that compare many ids should keep their own). */
  at(seq: number): string {
    const at = seq * ID_STRIDE;
    const kind = this.bytes[at]!;
    return kind === ID_TEXT ? (this.texts?.[seq] ?? '') : idText(kind, this.bytes, at + 1);
  }
}
