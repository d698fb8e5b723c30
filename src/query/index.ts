/**
 * The query language: one text drives the event list, the export and the
 * CLI --filter. See fields.ts for the field table and queryHelpLines().
 */
export { errorColumn, type QueryError } from './errors.js';
export * as ast from './ast.js';
export type { QueryNode, FieldNode, FieldRef, ValueMatch, TagNode, TagContext, WordNode, TimeNode, GlobPattern } from './ast.js';
export { parseQuery, type ParseResult, type ParseOptions } from './parse.js';
export { compileRecordMatcher, type RecordMatcher } from './recordMatch.js';
export {
  compileNode,
  compileQuery,
  type CompiledQuery,
  type CompileOptions,
  type CompileResult,
  type FuzzyExplanation,
} from './compile.js';
export { FIELDS, lookupField, queryHelpLines, type FieldSpec } from './fields.js';
export { filterRows, filterStore, filterStoreChunked, timeSlice, type ColumnarRows, type FilterOptions } from './filter.js';
export { Vocabulary, FUZZY_THRESHOLD, FUZZY_MIN_LENGTH } from './vocabulary.js';
export { FilteredView, type FilteredViewOptions } from './view.js';
