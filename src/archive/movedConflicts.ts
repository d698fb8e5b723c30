/**
 * A file moved (or deleted and written again under another name) brings back the losing copies it
 * held: without this, the conflicting duplicate listed when its first path was read was listed a
 * second time under the new one (`scan --db`: 2 conflicts for one). A listed conflict whose file is
 * gone from the disk, with the same eventID and the same content (fingerprint) as a copy the batch
 * brings from a file not listed for it yet, is that copy: the listing names the new path instead.
 * Only a gone file's listing is taken over, as the folder dashboard's store gives a gone file's
 * copies to the file that brings its rows back: a copy of the same forged record in a second file
 * while the first is still there is a second copy, and is listed. Conflicts archived before schema
 * 10 have no fingerprint and are never taken over.
 *
 * A move or a new file can also make a listed copy's content the one kept (THE duplicate rule orders
 * by delivery key, then path: `mv c.json a.json`, or the same forged record in an earlier-named
 * file): that content loses no more, so its listing goes, its file gone or not, and the copy that now
 * loses to it is listed as a new conflict (listed beside the old one before: 2 where a scan of the
 * folder says 1).
 */
import { existsSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { literal } from '../query/sql/dialect.js';

/** The batch's conflicting losing copies (copies, schema.ts COPIES) with a listed conflict of the same content in another file. */
const SAME_CONTENT_LISTED = `SELECT k.found, k.file, c.tt_file, c.eventid FROM copies c
  JOIN conflicts k ON k.eventid = c.eventid AND k.fingerprint = c.tt_fingerprint AND k.file <> c.tt_file
  WHERE c.place > 1 AND c.tt_lossy IS NOT TRUE AND c.tt_fingerprint IS DISTINCT FROM c.kept_fingerprint
    AND NOT EXISTS (SELECT 1 FROM conflicts j WHERE j.eventid = c.eventid AND j.file = c.tt_file)
  ORDER BY k.found, c.tt_filekey, c.tt_file, c.tt_index`;

/** Listed conflicts whose content is now the kept copy (place 1) of the batch's copies, from another file: no more conflicts. */
const DROP_SAME_CONTENT_KEPT = `DELETE FROM conflicts WHERE found IN (SELECT k.found FROM conflicts k
  JOIN copies c ON k.eventid = c.eventid AND k.fingerprint = c.tt_fingerprint AND k.file <> c.tt_file
  WHERE c.place = 1 AND c.tt_lossy IS NOT TRUE)`;

/** Run inside the batch's transaction, after findCopies and before RECORD_CONFLICTS (which then skips the copies taken over). */
export async function followMovedConflicts(connection: DuckDBConnection): Promise<void> {
  await connection.run(DROP_SAME_CONTENT_KEPT);
  const candidates = (await connection.runAndReadAll(SAME_CONTENT_LISTED)).getRows();
  if (candidates.length === 0) return;
  const takenListings = new Set<string>();
  const takenCopies = new Set<string>();
  for (const [found, oldFile, newFile, eventId] of candidates) {
    const listing = String(found);
    const copy = `${String(eventId)}\u0000${String(newFile)}`;
    if (takenListings.has(listing) || takenCopies.has(copy) || existsSync(String(oldFile))) continue;
    takenListings.add(listing);
    takenCopies.add(copy);
    await connection.run(`UPDATE conflicts SET file = ${literal(String(newFile))} WHERE found = ${BigInt(listing)}`);
  }
}
