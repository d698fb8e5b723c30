/**
 * A query typed in the dashboard on an archive, as a SQL condition: text ->
 * the one AST (parse.ts) -> SQL (src/query/sql/, DuckDB, schema 'archive').
 *
 * `rule:X` is not a set of remembered hits here (nothing ran the rules over
 * the archive): it becomes the rules' own ASTs as SQL (ruleTagSql), so the
 * SQL selects exactly the events those rules fire on. A rule the SQL compiler
 * cannot express makes the query fail with the rule and the reason, never an
 * empty list. `mark:` reads the marks kept for the archive. Fuzzy words are
 * resolved against the archive's values (vocabulary.ts), read only when the
 * query has a word.
 */
import type { QueryNode, TagContext, TagNode, ValueMatch } from '../query/ast.js';
import { parseQuery } from '../query/parse.js';
import { matchesWhole } from '../query/pattern.js';
import { archiveGuard, compileWhere, SqlCompileError } from '../query/sql/index.js';
import { archiveTextLeafPaths } from '../query/sql/schema.js';
import { fuzzyFromVocabulary } from '../query/sql/fuzzy.js';
import type { Vocabulary } from '../query/vocabulary.js';
import { foldCase } from '../query/fold.js';

/** What `rule:` may name: a rule's id and title, and its detection as an AST. */
export interface ArchiveRule {
  readonly id: string;
  readonly title: string;
  readonly ast: QueryNode;
}

export interface ArchiveFilterContext {
  rules?: readonly ArchiveRule[];
  marks?: ReadonlySet<string>;
  /** The archive's fuzzy vocabulary, read on first need (a plain word). */
  vocabulary?: () => Promise<Vocabulary>;
  now?: number;
}

export type ArchiveFilter =
  /** `where`: null for everything. */
  | { ok: true; where: string | null }
  /** Why the query cannot run on the archive, for the screen. */
  | { ok: false; message: string };

function ruleNamed(match: ValueMatch, rule: ArchiveRule): boolean {
  if (match.kind === 'exists') return true;
  const names = [rule.id, rule.title].filter((n) => n !== '');
  if (match.kind === 'glob') return names.some((n) => matchesWhole(foldCase(n), match.pattern));
  if (match.kind === 'regex') return names.some((n) => new RegExp(match.source, match.flags).test(n));
  return false;
}

function describeTag(node: TagNode): string {
  const m = node.match;
  if (m.kind === 'exists') return 'rule:*';
  if (m.kind === 'glob') return `rule:${m.pattern.segments.join('*')}`;
  return 'rule:...';
}

/**
 * The columns a rule's events are narrowed on before its record is read (compile.ts archiveGuard):
 * the three nearly every rule names first, then every other top-level key a column holds as text, so
 * a rule on userAgent alone (SigmaHQ's trufflehog rule) reads the records of the rows its column lets
 * through, not of all (a guard on a path the rule does not test is none). Not the other identity
 * struct's fields: DuckDB 1.5 tests a regex or LIKE on a struct field above the scan, not in it.
 */
const FIRST_GUARDS = ['eventName', 'eventSource', 'userIdentity.type'];
const GUARD_PATHS: readonly (readonly string[])[] = [
  ...FIRST_GUARDS.map((path) => path.split('.')),
  ...archiveTextLeafPaths().filter((path) => path.length === 1 && !FIRST_GUARDS.includes(path[0]!)),
];

function namedRules(node: TagNode, rules: readonly ArchiveRule[]): ArchiveRule[] {
  const named = rules.filter((rule) => ruleNamed(node.match, rule));
  if (named.length === 0) {
    throw new SqlCompileError(`${describeTag(node)} names none of the ${rules.length} detection rules loaded (rule: matches a rule's id or title, * globs)`);
  }
  return named;
}

/**
 * A `rule:` term as SQL: the events the rules it names fire on, as `tt_seq IN (...)` of one SELECT per
 * rule, `guards AND rule`. Each guard reads one column (eventname, eventsource, useridentity.type), so
 * DuckDB tests it in the table scan and reads the records (tt_record, ~2 KB an event) of only the
 * rows that pass: a rule costs a scan of two or three small columns plus the records of its own
 * events. Never one OR of every rule over all rows: each JSON function DuckDB runs holds buffers
 * sized by a whole vector of records, and one expression of the 19 built-in rules' JSON paths (99
 * of them) needed more than the read cap (session.ts READ_MEMORY_LIMIT) even on 4,000 events;
 * and an OR of the rules' guards let through every row any rule's guard did (4M of 10M events with
 * the built-in pack), each tested against every rule.
 */
export function ruleTagSql(node: TagNode, rules: readonly ArchiveRule[]): string {
  const selects = namedRules(node, rules).map((rule) => `SELECT tt_seq FROM events WHERE ${ruleCondition(rule.ast)}`);
  return `(tt_seq IN (${selects.join(' UNION ALL ')}))`;
}

/**
 * A rule's detection as a WHERE condition on the events: its guards first, then the rule itself (see
 * ruleTagSql for why). The one form both `rule:` and the archive's detection (detect.ts) run, so a
 * finding's count is what its `rule:ID` lists. Throws SqlCompileError when SQL cannot express it.
 */
export function ruleCondition(ast: QueryNode): string {
  const guards = GUARD_PATHS.map((path) => archiveGuard(ast, path)).filter((g): g is string => g !== null);
  return [...guards, compileWhere(ast, { dialect: 'duckdb', schema: 'archive', narrowing: guards })].join(' AND ');
}

function hasWord(node: QueryNode): boolean {
  switch (node.kind) {
    case 'word':
      return true;
    case 'and':
    case 'or':
      return node.children.some(hasWord);
    case 'not':
      return hasWord(node.child);
    default:
      return false;
  }
}

/** Each rule the query names must compile on its own, so a failure names the rule. */
function checkRules(node: QueryNode, rules: readonly ArchiveRule[]): void {
  const tags: TagNode[] = [];
  const walk = (n: QueryNode): void => {
    if (n.kind === 'tag' && n.tag === 'rule') tags.push(n);
    else if (n.kind === 'and' || n.kind === 'or') n.children.forEach(walk);
    else if (n.kind === 'not') walk(n.child);
  };
  walk(node);
  for (const tag of tags) {
    for (const rule of rules.filter((r) => ruleNamed(tag.match, r))) {
      try {
        compileWhere(rule.ast, { dialect: 'duckdb', schema: 'archive' });
      } catch (error) {
        if (!(error instanceof SqlCompileError)) throw error;
        throw new SqlCompileError(`rule '${rule.title}' (${rule.id}) cannot run as SQL on the archive: ${error.message}`);
      }
    }
  }
}

/** The SQL condition of `text` on the archive, or why there is none. */
export async function archiveFilter(text: string, context: ArchiveFilterContext = {}): Promise<ArchiveFilter> {
  if (text.trim() === '') return { ok: true, where: null };
  const parsed = parseQuery(text, { deepTerms: true, ...(context.now !== undefined ? { now: context.now } : {}) });
  if (!parsed.ok) return { ok: false, message: parsed.error.message };
  try {
    const rules = context.rules ?? [];
    checkRules(parsed.ast, rules);
    const ast = parsed.ast;
    const tags: TagContext = context.marks ? { marks: context.marks } : {};
    const fuzzy = hasWord(ast) && context.vocabulary ? fuzzyFromVocabulary(await context.vocabulary()) : undefined;
    const where = compileWhere(ast, { dialect: 'duckdb', schema: 'archive', tags, ruleTag: (node) => ruleTagSql(node, rules), ...(fuzzy ? { fuzzy } : {}) });
    return { ok: true, where };
  } catch (error) {
    if (error instanceof SqlCompileError) return { ok: false, message: error.message };
    if (error instanceof SyntaxError) return { ok: false, message: `a regular expression does not compile: ${error.message}` };
    throw error;
  }
}
