/** The query language as SQL: DuckDB (the archive) and Athena (Trino over the trail bucket). */
export { archiveGuard, compileWhere, schemaFor, SqlCompileError, type FuzzyResolver, type SqlOptions } from './compile.js';
export { DIALECT_NAMES, isDialectName, literal, quoteIdentifier, quoteTableName, type DialectName } from './dialect.js';
export type { SchemaName } from './schema.js';
