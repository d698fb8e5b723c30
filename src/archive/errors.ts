/**
 * The archive's errors, apart from db.ts so the commands can tell them apart without loading
 * DuckDB's client (db.ts loads it on import).
 */

/** The archive could not be opened or written: a runtime failure (exit 1), e.g. busy or unwritable. */
export class ArchiveError extends Error {}

/**
 * The file given is not an archive this trailtop can use: not a DuckDB database, a damaged one,
 * someone else's tables, another schema, a folder or a FIFO. The commands treat it as a bad --db
 * argument (exit 2), whichever of them opened it.
 */
export class NotAnArchive extends ArchiveError {}
