/** A query typed on the command line as an AST for SQL: deep terms allowed (SQL reads the records' columns). */
import type { QueryNode } from '../query/ast.js';
import { parseQuery } from '../query/parse.js';
import { sanitize } from '../term/sanitize.js';
import { UsageError } from './args.js';

export function parseForSql(text: string, now = Date.now()): QueryNode {
  const parsed = parseQuery(text, { now, deepTerms: true });
  if (!parsed.ok) {
    const { message, position, hint } = parsed.error;
    throw new UsageError(`bad query at position ${position}: ${sanitize(message)}${hint ? ` (${sanitize(hint)})` : ''}`, false);
  }
  return parsed.ast;
}
