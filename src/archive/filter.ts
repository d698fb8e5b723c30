/**
 * A query typed in the dashboard on an archive, as a SQL condition: text ->
 * the one AST (parse.ts) -> SQL (src/query/sql/, DuckDB, schema 'archive').
 *
 * `rule:X` is not a set of remembered hits here (nothing ran the rules over
 * the archive): it is replaced by the rules' own ASTs, OR'ed, so the SQL
 * selects exactly the events those rules fire on. A rule the SQL compiler
 * cannot express makes the query fail with the rule and the reason, never an
 * empty list. `mark:` reads the marks kept for the archive. Fuzzy words are
 * resolved against the archive's values (vocabulary.ts), read only when the
 * query has a word.
 */
import type { QueryNode, TagContext, TagNode, ValueMatch } from '../query/ast.js';
import { or } from '../query/ast.js';
import { parseQuery } from '../query/parse.js';
import { matchesWhole } from '../query/pattern.js';
import { compileWhere, SqlCompileError } from '../query/sql/index.js';
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
  return 'rule:…';
}

/** `rule:` terms replaced by the detections of the rules they name (throws SqlCompileError when none does). */
export function expandRuleTags(node: QueryNode, rules: readonly ArchiveRule[]): QueryNode {
  switch (node.kind) {
    case 'and':
    case 'or':
      return { kind: node.kind, children: node.children.map((c) => expandRuleTags(c, rules)) };
    case 'not':
      return { kind: 'not', child: expandRuleTags(node.child, rules) };
    case 'tag': {
      if (node.tag !== 'rule') return node;
      const named = rules.filter((rule) => ruleNamed(node.match, rule));
      if (named.length === 0) {
        throw new SqlCompileError(`${describeTag(node)} names none of the ${rules.length} detection rules loaded (rule: matches a rule's id or title, * globs)`);
      }
      return or(named.map((rule) => rule.ast));
    }
    default:
      return node;
  }
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
    const ast = expandRuleTags(parsed.ast, rules);
    const tags: TagContext = context.marks ? { marks: context.marks } : {};
    const fuzzy = hasWord(ast) && context.vocabulary ? fuzzyFromVocabulary(await context.vocabulary()) : undefined;
    const where = compileWhere(ast, { dialect: 'duckdb', schema: 'archive', tags, ...(fuzzy ? { fuzzy } : {}) });
    return { ok: true, where };
  } catch (error) {
    if (error instanceof SqlCompileError) return { ok: false, message: error.message };
    if (error instanceof SyntaxError) return { ok: false, message: `a regular expression does not compile: ${error.message}` };
    throw error;
  }
}
