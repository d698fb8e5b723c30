/** A query typed on the command line as an AST for SQL: deep terms allowed (SQL reads the records' columns). */
import { forEachLeaf, type QueryNode } from '../query/ast.js';
import { JSON_COLUMNS } from '../query/sql/schema.js';
import { parseQuery } from '../query/parse.js';
import { sanitize } from '../term/sanitize.js';
import { noteQueryWords, queryUsageError, UsageError } from './args.js';

/**
 * The QUERY of sql/athena: required, so a forgotten or unquoted query is not read as "every event"
 * (on Athena, every day of the trail, billed by the byte); '' asks for every event on purpose.
 */
export function requiredQuery(positionals: readonly string[], command: 'sql' | 'athena'): string {
  const text = positionals[0];
  if (text === undefined) throw new UsageError(`${command} needs a QUERY, quoted as one argument ('' for every event)`);
  return text;
}

/** `what` names the text in an error: 'bad query' for sql/athena's QUERY, 'bad filter' for --filter (as on a folder). */
export function parseForSql(text: string, now = Date.now(), what = 'bad query'): QueryNode {
  const parsed = parseQuery(text, { now, deepTerms: true });
  if (!parsed.ok) throw queryUsageError(what, parsed.error, text);
  noteQueryWords(text);
  return parsed.ast;
}

/** The dotted paths of the query that go two or more keys into a JSON field (where a list may sit on the way). */
function nestedJsonPaths(node: QueryNode): Set<string> {
  const out = new Set<string>();
  forEachLeaf(node, (leaf) => {
    if (leaf.kind === 'field' && leaf.ref.kind === 'path' && leaf.ref.path.length >= 3 && JSON_COLUMNS.has(leaf.ref.path[0]!)) out.add(leaf.ref.path.join('.'));
  });
  return out;
}

/**
 * What the statement for AWS's table may miss that trailtop finds (query/sql/schema.ts): a dotted path
 * does not look inside a list met on the way (`requestParameters.ipPermissions.items.ipRanges...`),
 * so the user hears it rather than trusts an empty answer. Null when the query has no such path.
 */
export function cloudtrailPathNote(node: QueryNode): string | null {
  const paths = [...nestedJsonPaths(node)];
  if (paths.length === 0) return null;
  return (
    `note: on AWS's CloudTrail table a dotted path does not look inside a list on its way (${sanitize(paths.join(', '))}): ` +
    'an event whose value sits in a list there is missed; the dashboard and the DuckDB archive find it'
  );
}

/** True when the query has a `tag` term anywhere (a rule: term needs the rules loaded to answer it). */
export function hasTag(node: QueryNode, tag: 'rule' | 'mark'): boolean {
  switch (node.kind) {
    case 'tag':
      return node.tag === tag;
    case 'and':
    case 'or':
      return node.children.some((child) => hasTag(child, tag));
    case 'not':
      return hasTag(node.child, tag);
    default:
      return false;
  }
}

function tagIn(node: QueryNode): 'rule' | 'mark' | null {
  switch (node.kind) {
    case 'tag':
      return node.tag;
    case 'and':
    case 'or':
      for (const child of node.children) {
        const found = tagIn(child);
        if (found) return found;
      }
      return null;
    case 'not':
      return tagIn(node.child);
    default:
      return null;
  }
}

/**
 * `sql` and `athena` have neither the rules' hits nor the marks, so a `rule:`
 * or `mark:` term would compile to `false` and the statement would silently
 * match nothing: say so instead.
 */
export function refuseTags(ast: QueryNode, where: string): void {
  const tag = tagIn(ast);
  if (!tag) return;
  const instead = tag === 'rule' ? "use 'trailtop detect --db FILE' or 'trailtop scan|export --db FILE --filter rule:...'" : 'marks live in the dashboard';
  throw new UsageError(`${tag}: terms cannot be ${where}: they come from trailtop's ${tag === 'rule' ? 'detection rules' : 'marks'}, not from the table (${instead})`, false);
}
