/**
 * QueryNode (ast.ts) -> a SQL WHERE condition, for DuckDB or Athena (Trino),
 * over the archive table or AWS's Athena CloudTrail table (schema.ts).
 *
 * Every value from the query reaches the SQL through `literal` (quotes
 * doubled): a query cannot inject SQL. Every leaf is wrapped so it is TRUE
 * or FALSE, never NULL, so `not` means what ast.ts says (NOT NULL would drop
 * rows that the in-memory engine keeps).
 */
import type { CompareNode, FieldNode, GlobPattern, QueryNode, TagContext, TagNode, ValueMatch, WordNode } from '../ast.js';
import { lookupField, type TextField } from '../fields.js';
import { matchesWhole } from '../pattern.js';
import { dialectNamed, literal, type Dialect, type DialectName } from './dialect.js';
import {
  archiveSchema,
  archiveTextLeaf,
  cloudtrailSchema,
  leavesExact,
  leavesInexact,
  noReads,
  SqlCompileError,
  type Fresh,
  type Schema,
  type SchemaName,
  type ValueSource,
} from './schema.js';
import { cidrSql } from './cidr.js';
import { FINAL_SIGMA, SIGMA, foldCase } from '../fold.js';
import { FINAL_END, LINE_END, LINE_START } from '../lineAnchors.js';
import { escapesRead } from '../valueMatch.js';

/** The values a fuzzy word stands for, by FUZZY_FIELDS name (query/vocabulary.ts search, grouped). */
export type FuzzyResolver = (word: string) => ReadonlyMap<string, readonly string[]>;

export interface SqlOptions {
  dialect: DialectName;
  /** Default: 'archive' for DuckDB, 'cloudtrail' for Athena. */
  schema?: SchemaName;
  /** Resolves fuzzy words into IN (...) lists; without it words are substring-only. */
  fuzzy?: FuzzyResolver;
  /** Marks and rule hits for tag nodes; without them a tag node is false. */
  tags?: TagContext;
  /** The SQL of a `rule:` tag node, when the caller compiles rules itself (archive/filter.ts); else `tags` answers it. */
  ruleTag?: (node: TagNode) => string;
  /** Schema 'archive': the table's name as SQL (default `events`), which the condition's subquery reads. */
  table?: string;
  /**
   * Schema 'archive': conditions every row the query matches meets, on columns DuckDB tests in the
   * scan (archive/filter.ts guards), repeated where the records of rows are read.
   */
  narrowing?: readonly string[];
}

export { SqlCompileError };

export function schemaFor(dialect: Dialect, name: SchemaName | undefined): Schema {
  const chosen = name ?? (dialect.name === 'duckdb' ? 'archive' : 'cloudtrail');
  if (chosen === 'archive' && dialect.name !== 'duckdb') throw new SqlCompileError('the archive table is DuckDB only');
  return chosen === 'archive' ? archiveSchema(dialect) : cloudtrailSchema(dialect);
}

/** The WHERE condition for `node` (without the word WHERE). Throws SqlCompileError for a term the table cannot answer. */
export function compileWhere(node: QueryNode, options: SqlOptions): string {
  const dialect = dialectNamed(options.dialect);
  let counter = 0;
  const fresh: Fresh = (prefix) => `${prefix}${++counter}`;
  const compile = (n: QueryNode, schema: Schema): string => new Compiler(dialect, schema, fresh, options).node(n);
  const schema = schemaFor(dialect, options.schema);
  if (schema.name !== 'archive') return compile(node, schema);
  // The terms of a top-level AND one by one: those that test no text column go outside the split,
  // written once (in both branches, a rule: term's subqueries ran twice, and DuckDB pushed none of
  // them into the scan, which the OR of the split keeps above its join).
  const parts = (node.kind === 'and' ? node.children : [node]).map((child) => {
    const reads = noReads();
    return { child, reads, sql: compile(child, archiveSchema(dialect, 'flagged', reads)) };
  });
  const leafy = parts.filter((part) => part.reads.leaves.size > 0);
  // A path only the record holds makes DuckDB fetch every row's record anyway: nothing to split.
  if (leafy.length === 0 || parts.some((part) => part.reads.record)) return and(parts.map((part) => part.sql));
  const exactReads = noReads();
  const leafNode: QueryNode = leafy.length === 1 ? leafy[0]!.child : { kind: 'and', children: leafy.map((part) => part.child) };
  const columnsOnly = compile(leafNode, archiveSchema(dialect, 'exact', exactReads));
  const split = splitOnExactLeaves(columnsOnly, and(leafy.map((part) => part.sql)), exactReads.leaves, options);
  return and([...parts.filter((part) => part.reads.leaves.size === 0).map((part) => part.sql), split]);
}

/**
 * An archive condition that tests text columns (eventName, userAgent, errorCode ...) as two
 * branches: the rows where each of those columns holds its path exactly (INEXACT_LEAVES, nearly
 * all) by the columns alone, the others by `where`, which reads their records, through a subquery
 * whose scan finds those rows (and the narrowing's) before it fetches a record. One expression
 * reading tt_record in any branch makes DuckDB fetch the records of every row its scan lets
 * through, which cost as much as reading all of them (300k events: 138-184 ms against 187,
 * bench/RESULTS.md).
 */
function splitOnExactLeaves(columnsOnly: string, where: string, leaves: ReadonlySet<string>, options: SqlOptions): string {
  const odd = [leavesInexact(leaves), ...(options.narrowing ?? []), where].join(' AND ');
  return `((${leavesExact(leaves)} AND ${columnsOnly}) OR tt_seq IN (SELECT tt_seq FROM ${options.table ?? 'events'} WHERE ${odd}))`;
}

/**
 * A condition on one archive column that every event matching `node` meets, or null when the
 * query says nothing about `path` that it needs: each test of `path` becomes "the column does not
 * hold the value, or the value passes" (schema.ts archiveTextLeaf), kept through `and` (any child
 * that has one) and `or` (when every child has one). It reads that column only, so DuckDB tests it
 * in the table scan and fetches the other columns (the record) only for the rows that pass: a rule's
 * `eventName` makes a scan of the archive read the records of those events, not of all.
 */
export function archiveGuard(node: QueryNode, path: readonly string[]): string | null {
  const leaf = archiveTextLeaf(path);
  if (!leaf?.held) return null;
  const held = leaf.held;
  const compiler = new Compiler(dialectNamed('duckdb'), archiveSchema(dialectNamed('duckdb')), (prefix) => prefix, { dialect: 'duckdb', schema: 'archive' });
  const joined = path.join('.');
  const walk = (n: QueryNode): string | null => {
    switch (n.kind) {
      case 'and': {
        const parts = n.children.map(walk).filter((p): p is string => p !== null);
        return parts.length === 0 ? null : and(parts);
      }
      case 'or': {
        const parts = n.children.map(walk);
        return parts.some((p) => p === null) ? null : or(parts as string[]);
      }
      case 'const':
        return n.value ? null : 'false';
      case 'field':
        if (n.ref.kind !== 'path' || n.ref.path.join('.') !== joined) return null;
        return `(NOT ${held} OR coalesce(${compiler.pathTest(leaf.column, n.match)}, false))`;
      default:
        return null;
    }
  };
  return walk(node);
}

/** ASCII without a letter: text no case mapping (SQL's lower(), JavaScript's toLowerCase()) makes or changes. */
const CASELESS = /^[\u0000-\u0040\u005b-\u0060\u007b-\u007f]*$/;

/** Values past which an IN list on an archive column becomes a hashed set (anyValueIn). */
const FEW_VALUES = 32;

/** `%`, `_` and the escape character itself, escaped for LIKE ... ESCAPE '\'. */
function likeEscape(segment: string): string {
  return segment.replace(/[\\%_]/g, (c) => '\\' + c);
}

/** Whole-value glob on an already lowercased SQL value. */
function globSql(lowered: string, pattern: GlobPattern): string {
  if (!pattern.glob) return `${lowered} = ${literal(pattern.segments[0] ?? '')}`;
  return `${lowered} LIKE ${literal(pattern.segments.map(likeEscape).join('%'))} ESCAPE '\\'`;
}

/**
 * lower(x) as query/fold.ts foldCase makes it, for a pattern of these runs: SQL's lower() already
 * makes İ an i and Σ a σ letter by letter, but keeps a ς, which the fold makes σ. Only a pattern
 * holding a σ can tell the two apart, so only its test pays for the replace.
 */
function folded(lowered: string, runs: readonly string[]): string {
  return runs.some((run) => run.includes(SIGMA)) ? `replace(${lowered}, ${literal(FINAL_SIGMA)}, ${literal(SIGMA)})` : lowered;
}

/** A value as the line-joined column of schema.ts loweredValues holds it. */
const escapeLine = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/**
 * A whole-value glob (segments already lowercase) against a loweredValues column: some line is the
 * value. `*` spans whole escaped characters, never a line break, so a match lies inside one value and
 * the escapes line up with the value's own characters (`*nx` cannot match an escaped newline then x).
 */
function loweredGlob(column: string, pattern: GlobPattern): string {
  if (!pattern.glob) return `contains(${column}, chr(10) || ${literal(escapeLine(pattern.segments[0] ?? ''))} || chr(10))`;
  const anyCharacters = '(?:[^\\\\\\n]|\\\\[\\\\n])*';
  const runs = pattern.segments.map((s) => escapeLine(s).replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'));
  return `regexp_matches(${column}, ${literal(`\\n${runs.join(anyCharacters)}\\n`)})`;
}

function or(parts: readonly string[]): string {
  if (parts.length === 0) return 'false';
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

function and(parts: readonly string[]): string {
  if (parts.length === 0) return 'true';
  return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
}

/** Inline flags for RE2 and Java regular expressions from JavaScript's. */
function regexWithFlags(source: string, flags: string): string {
  const inline = [...new Set(flags.split('').filter((f) => f === 'i' || f === 'm' || f === 's'))].join('');
  return inline ? `(?${inline})${source}` : source;
}

class Compiler {
  constructor(
    private readonly d: Dialect,
    private readonly schema: Schema,
    private readonly fresh: Fresh,
    private readonly options: SqlOptions,
  ) {}

  node(node: QueryNode): string {
    switch (node.kind) {
      case 'and':
        return and(node.children.map((c) => this.node(c)));
      case 'or':
        return or(node.children.map((c) => this.node(c)));
      case 'not':
        return `(NOT ${this.node(node.child)})`;
      case 'const':
        return node.value ? 'true' : 'false';
      case 'field':
        return this.field(node);
      case 'word':
        return this.word(node);
      case 'time':
        return `coalesce(${this.schema.timeBetween(node.min, node.max)}, false)`;
      case 'tag':
        return this.tag(node);
      case 'compare':
        return this.compare(node);
    }
  }

  /** Sigma's `|fieldref` (ast.ts): some value of the left path relates to some value of the right, both folded. */
  private compare(node: CompareNode): string {
    const sides = [node.left, node.right].map((ref) => {
      const source = this.schema.path(ref.path, this.fresh);
      if (source.onlyExists) throw new SqlCompileError(source.onlyExists);
      return source;
    });
    // Folded as fold.ts foldCase folds: lower() already makes İ an i and Σ a σ, but keeps a final ς.
    const fold = (x: string): string => `replace(lower(${x}), ${literal(FINAL_SIGMA)}, ${literal(SIGMA)})`;
    const relation = (l: string, r: string): string => {
      switch (node.position) {
        case 'equals':
          return `${l} = ${r}`;
        case 'contains':
          return `strpos(${l}, ${r}) > 0`;
        case 'startswith':
          return `strpos(${l}, ${r}) = 1`;
        case 'endswith':
          return `(length(${r}) <= length(${l}) AND substr(${l}, length(${l}) - length(${r}) + 1) = ${r})`;
      }
    };
    return this.anyValue(sides[0]!, (l) => this.anyValue(sides[1]!, (r) => relation(fold(l), fold(r)), false), false);
  }

  private field(node: FieldNode): string {
    const ref = node.ref;
    if (ref.kind === 'summary') {
      const spec = lookupField(ref.name);
      if (!spec) throw new SqlCompileError(`unknown field ${ref.name}`);
      if (spec.kind === 'boolean') return this.boolean(this.schema.readOnly(), node.match);
      if (spec.kind === 'time') throw new SqlCompileError(`${ref.name}: is a time term, not a value`);
      // rule:, mark: and params: are not summary refs (parse.ts makes TagNodes and params refs of them).
      if (spec.kind === 'tag' || spec.kind === 'params') throw new SqlCompileError(`${ref.name}: is not a summary field`);
      const lowered = node.match.kind === 'glob' && !spec.longForm && !spec.shortForm && !spec.arnPrefix ? this.schema.loweredValues?.(spec.name) : null;
      if (lowered && node.match.kind === 'glob') return `coalesce(${loweredGlob(folded(lowered, node.match.pattern.segments), node.match.pattern)}, false)`;
      const source = this.schema.summary(spec.name);
      if (!source) throw new SqlCompileError(`${spec.name}: has no column in this table`);
      const test = this.anyValue(source, (x) => this.textTest(x, node.match, spec), node.match.kind === 'exists');
      if (!spec.offColumns) return test;
      // error: a failed ConsoleLogin has no errorCode: error:* holds for it, and error:VALUE tests its errorMessage,
      // what the Error code column shows (model/failure.ts errorLabel).
      const failed = `coalesce(${this.schema.failedWithoutCode()}, false)`;
      const anyValue = node.match.kind === 'exists' || (node.match.kind === 'glob' && node.match.pattern.glob && node.match.pattern.segments.every((s) => s === ''));
      if (anyValue) return or([test, failed]);
      return or([test, and([failed, this.anyValue({ scalars: [this.schema.failedLabel()], lists: [] }, (x) => this.textTest(x, node.match, spec), false)])]);
    }
    if (ref.kind === 'params') {
      // One value, the JSON texts one per line; no value when the record has none of the four.
      const params = `nullif(${this.schema.params()}, '')`;
      return this.anyValue({ scalars: [params], lists: [] }, (x) => this.pathTest(x, node.match), false);
    }
    const source = this.schema.path(ref.path, this.fresh);
    if (source.onlyExists && node.match.kind !== 'exists') throw new SqlCompileError(source.onlyExists);
    return this.anyValue(source, (x) => this.pathTest(x, node.match), false);
  }

  /** True when any value passes: scalars tested directly, lists through a lambda. */
  private anyValue(source: ValueSource, test: (x: string) => string, nonEmpty: boolean): string {
    // Many scalars (user: on Athena's table) go through one array, so each expression is written once.
    const many = source.scalars.length > 2;
    const parts = many ? [] : source.scalars.map((s) => `coalesce(${test(s)}, false)`);
    const lists = many ? [this.d.array(source.scalars), ...source.lists] : source.lists;
    for (const list of lists) {
      const x = this.fresh('x');
      parts.push(this.d.anyMatch(list, x, `coalesce(${test(x)}, false)`));
    }
    void nonEmpty;
    return or(parts);
  }

  private boolean(value: string, match: ValueMatch): string {
    switch (match.kind) {
      case 'boolean':
        return `coalesce(${value} = ${match.value ? 'true' : 'false'}, false)`;
      case 'exists':
        return `(${value} IS NOT NULL)`;
      case 'glob':
        return `coalesce(${globSql(`CASE ${value} WHEN true THEN 'true' WHEN false THEN 'false' END`, match.pattern)}, false)`;
      default:
        throw new SqlCompileError(`readonly: takes true or false`);
    }
  }

  /** A summary field's test on one value: empty values never match (fields.ts). */
  private textTest(x: string, match: ValueMatch, spec: TextField | null): string {
    switch (match.kind) {
      case 'exists':
        return `${x} <> ''`;
      case 'glob':
        return `(${x} <> '' AND ${this.globTest(x, match.pattern, spec)})`;
      case 'regex':
        return `(${x} <> '' AND ${this.regex(x, match.source, match.flags)})`;
      case 'cidr':
        return this.cidrTest(x, match.cidr);
      case 'boolean':
        return `lower(${x}) = ${literal(String(match.value))}`;
    }
  }

  /** A path or params value's test (valueMatch.ts): any present value counts, even an empty one. */
  pathTest(x: string, match: ValueMatch): string {
    switch (match.kind) {
      case 'exists':
        return `${x} IS NOT NULL`;
      case 'glob': {
        const test = globSql(folded(`lower(${x})`, match.pattern.segments), match.pattern);
        const reads = escapesRead(match);
        if (reads === null) return test;
        // ast.ts: a quote in the glob also finds `\"` in JSON text (a policy document kept as a string), a backslash `\\`.
        const unquoted = reads.quotes ? `replace(${x}, ${literal('\\"')}, '"')` : x;
        // valueMatch.ts readsBackslashes: only in JSON text, which starts with { or [.
        const unescaped = reads.backslashes
          ? `CASE WHEN substr(${x}, 1, 1) IN ('{', '[') THEN replace(${unquoted}, ${literal('\\\\')}, ${literal('\\')}) ELSE ${unquoted} END`
          : unquoted;
        return or([test, globSql(folded(`lower(${unescaped})`, match.pattern.segments), match.pattern)]);
      }
      case 'regex':
        return this.regex(x, match.source, match.flags);
      case 'cidr':
        return this.cidrTest(x, match.cidr);
      case 'boolean':
        return `lower(${x}) = ${literal(String(match.value))}`;
    }
  }

  /**
   * DuckDB's RE2 has no lookaround or backreferences: the edge lookarounds
   * Sigma's regex rewrite adds are spelt without them (searchWithoutEdgeLookarounds),
   * as are its line anchors (re2LineAnchors); any other such pattern is refused,
   * not run differently.
   */
  private regex(x: string, rawSource: string, flags: string): string {
    const source = this.d.name === 'duckdb' ? re2FromJavaScript(re2LineAnchors(searchWithoutEdgeLookarounds(rawSource)), flags.includes('s')) : rawSource;
    if (this.d.name === 'duckdb' && /\(\?<?[=!]|\\[1-9]|\\k</.test(source)) {
      throw new SqlCompileError(`the regular expression /${source}/ uses lookaround or backreferences, which DuckDB (RE2) cannot run`);
    }
    return this.d.regexSearch(x, literal(regexWithFlags(source, flags)));
  }

  private globTest(x: string, pattern: GlobPattern, spec: TextField | null): string {
    const lowered = folded(`lower(${x})`, pattern.segments);
    const parts: string[] = [];
    if (!pattern.glob && spec?.longForm) {
      const value = pattern.segments[0] ?? '';
      parts.push(`${lowered} IN (${literal(value)}, ${literal(spec.longForm(value))})`);
    } else {
      parts.push(globSql(lowered, pattern));
      if (spec?.name === 'source') {
        parts.push(globSql(`CASE WHEN ${lowered} LIKE '%.amazonaws.com' THEN substr(${lowered}, 1, length(${lowered}) - 14) END`, pattern));
      } else if (spec?.name === 'type') {
        parts.push(globSql(`CASE WHEN ${lowered} LIKE 'aws::%' THEN substr(${lowered}, 6) END`, pattern));
      } else if (spec?.shortForm) {
        throw new SqlCompileError(`${spec.name}: has a short form SQL does not know`);
      }
    }
    // A row's ARNPrefix `arn:aws:s3:::bucket/` covers the query ARN `arn:aws:s3:::bucket/key` (pattern.ts).
    if (spec?.arnPrefix && !pattern.glob && (pattern.segments[0] ?? '').startsWith('arn:')) {
      parts.push(`(${lowered} LIKE '%/' AND starts_with(${literal(pattern.segments[0]!)}, ${lowered}))`);
    }
    return or(parts);
  }

  private cidrTest(x: string, cidr: string): string {
    return cidrSql(this.d, x, cidr);
  }

  private word(node: WordNode): string {
    const runs = node.segments.filter((s) => s !== '');
    const parts: string[] = [];
    parts.push(runs.length === 0 ? 'true' : this.searchRuns(runs));
    if (node.fuzzy && this.options.fuzzy) {
      const resolved = this.options.fuzzy(foldCase(node.text));
      for (const [field, values] of resolved) {
        if (values.length === 0) continue;
        const source = this.schema.fuzzy(field);
        if (!source) continue;
        parts.push(this.anyValueIn(source, values));
      }
    }
    return or(parts);
  }

  /**
   * Runs (lowercase, at least one) in this order in the search text (model/searchText.ts). A run without
   * a line break lies inside one value, so one run is tested value by value (searchInValues); several
   * are found in the joined text, but only on the rows where each run lies in some value. Building and
   * lowercasing every row's joined text was the whole cost of a plain word on the archive (47.6 s to
   * the first page on 10M events).
   */
  private searchRuns(runs: readonly string[]): string {
    const inside = [...new Set(runs.filter((run) => !run.includes('\n')))];
    if (runs.length === 1 && inside.length === 1) return this.searchInValues(runs[0]!);
    const pattern = '%' + runs.map(likeEscape).join('%') + '%';
    const escape = runs.some((run) => /[\\%_]/.test(run)) ? ` ESCAPE '\\'` : '';
    const joined = `coalesce(${folded(`lower(${this.schema.searchText()})`, runs)} LIKE ${literal(pattern)}${escape}, false)`;
    return and([...inside.map((run) => this.searchInValues(run)), joined]);
  }

  /** Some search value (schema.ts SearchValues), lowercased, holds `run` (which has no line break). */
  private searchInValues(run: string): string {
    const values = this.schema.searchValues();
    const part = literal(run);
    // lower() makes no character an ASCII digit or sign: a run of those is in the value as it is (an IP: ~40% of the scan).
    const lowered = (x: string): string => (CASELESS.test(run) ? x : folded(`lower(${x})`, [run]));
    const holds = (x: string): string => `coalesce(${this.d.contains(lowered(x), part)}, false)`;
    const parts = values.scalars.map(holds);
    for (const { list, within } of values.lists) {
      // Joined: a run without a line break is in the joined text exactly when it is in one element.
      const joined = holds(this.d.joinLines(list));
      parts.push(within ? `(coalesce(${this.d.contains(folded(within, [run]), literal(escapeLine(run)))}, false) AND ${joined})` : joined);
    }
    const { list, fields } = values.structs;
    parts.push(this.d.anyMatch(list, 'r', or(fields.map(holds))));
    return or(parts);
  }

  /**
   * Some value of `source` is one of `values` (a fuzzy word's meanings). On the archive, many values are
   * a table DuckDB hashes once, and a list's elements are looked up by a join on tt_seq: an IN list of
   * the ~1,100 session ARNs `assumerole` meant on the 1M high-card archive cost 1.1 s on tt_actor and
   * 4.0 s inside a lambda over tt_usernames; so, 25-50 ms.
   */
  private anyValueIn(source: ValueSource, values: readonly string[]): string {
    const list = values.map(literal).join(', ');
    if (this.schema.name !== 'archive') return this.anyValue(source, (x) => `${x} IN (${list})`, false);
    const set = `(SELECT unnest(${this.d.stringList(values)}))`;
    const parts = source.scalars.map((x) => `coalesce(${x} IN ${values.length > FEW_VALUES ? set : `(${list})`}, false)`);
    const table = this.options.table ?? 'events';
    for (const l of source.lists) parts.push(`tt_seq IN (SELECT tt_seq FROM (SELECT tt_seq, unnest(${l}) AS v FROM ${table}) WHERE v IN ${set})`);
    return or(parts);
  }

  private tag(node: TagNode): string {
    if (node.tag === 'rule' && this.options.ruleTag) return this.options.ruleTag(node);
    const tags = this.options.tags;
    const ids = new Set<string>();
    if (node.tag === 'mark') {
      if (tags?.marks && this.tagMatches(node.match, null)) for (const id of tags.marks) ids.add(id);
    } else {
      for (const rule of tags?.rules ?? []) {
        if (this.tagMatches(node.match, [rule.id, rule.title])) for (const id of rule.eventIds()) ids.add(id);
      }
    }
    if (ids.size === 0) return 'false';
    return `coalesce(${this.schema.eventId()} IN (${[...ids].map(literal).join(', ')}), false)`;
  }

  private tagMatches(match: ValueMatch, names: readonly string[] | null): boolean {
    if (match.kind === 'exists') return true;
    if (names === null) return false;
    if (match.kind === 'glob') return names.some((n) => n !== '' && matchesWhole(foldCase(n), match.pattern));
    if (match.kind === 'regex') return names.some((n) => new RegExp(match.source, match.flags).test(n));
    return false;
  }
}

/**
 * The line anchors of query/lineAnchors.ts (a lookaround on \n, for `^` and `$`
 * under the m flag) as RE2 spells the same test: `(?m:^)`, `(?m:$)`; and
 * FINAL_END (PCRE's `$`) as `(?:\n?$)`, which takes the final \n the lookahead
 * only looks at: the same search where nothing can match after it, else it is
 * left a lookahead, which DuckDB refuses (`a$\n` found `a\n` in memory only).
 */
export function re2LineAnchors(source: string): string {
  const parts = source.split(FINAL_END);
  let ends = parts[0]!;
  for (let k = 1; k < parts.length; k++) {
    const rest = parts.slice(k).join(FINAL_END);
    ends += (nothingFollows(rest) ? '(?:\\n?$)' : FINAL_END) + parts[k]!;
  }
  return ends.split(LINE_START).join('(?m:^)').split(LINE_END).join('(?m:$)');
}

/**
 * Whether a regex's `rest` (what follows a point of it) can match nothing
 * more: only group ends (not repeated), other alternatives and other FINAL_ENDs
 * (`^(a|b$)$`) follow.
 */
function nothingFollows(rest: string): boolean {
  let i = 0;
  while (i < rest.length) {
    const c = rest[i]!;
    if (rest.startsWith(FINAL_END, i)) {
      i += FINAL_END.length;
    } else if (c === ')') {
      i++;
      if (/^[*+?{]/.test(rest.slice(i))) return false;
    } else if (c === '|') {
      i = alternativeEnd(rest, i + 1);
    } else {
      return false;
    }
  }
  return true;
}

/** The index of the `)` that closes the group an alternative starting at `from` is in (or the end). */
function alternativeEnd(source: string, from: number): number {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') i++;
    else if (c === '[') {
      // The class's first ] (after [ or [^) is JavaScript's end of it.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return source.length;
}

/** JavaScript's \s (Unicode spaces and line terminators) as a class's inside in RE2, whose \s is ASCII only. */
const JS_SPACE = '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
/** `\uXXXX`, `\u{X...}`, `\cX` and `\b` (a backspace inside a class), which RE2 writes `\x{...}`. */
const JS_ESCAPE = /^\\(?:u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|c([A-Za-z])|b)/;
/** JavaScript's `.` without the s flag: not a line terminator (RE2's stops only at \n). */
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

/**
 * A JavaScript regular expression's source (ast.ts: regexes are JavaScript's) as RE2 reads the
 * same: `.` (without the s flag) and `\s`, `\S` spelt out, as JavaScript means them, where RE2's
 * own stop at fewer line breaks and spaces (`cr.lf` would find `cr\rlf`, `\s` miss a no-break
 * space); JavaScript's empty class `[]` and any-character class `[^]` written as RE2 can read
 * them; `\u` and `\c` escapes, and `\b` in a class, as RE2 writes them. Everything else RE2 reads
 * as JavaScript does, or refuses (named groups, lookaround); a `\S` inside a class stays RE2's (no
 * class can hold a negated class there).
 */
export function re2FromJavaScript(source: string, dotAll: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      // Escapes RE2 spells otherwise (it refuses JavaScript's): a code point by number, a control letter, a backspace in a class.
      const spelt = JS_ESCAPE.exec(source.slice(i, i + 12));
      if (spelt && (spelt[0] !== '\\b' || inClass)) {
        const control = spelt[3];
        const code = spelt[1] ?? spelt[2] ?? (control ? (control.charCodeAt(0) % 32).toString(16) : '8');
        out += `\\x{${code}}`;
        i += spelt[0].length - 1;
        continue;
      }
      const next = source[++i]!;
      if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${JS_SPACE}]`;
      else out += c + next;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      const negated = source[i + 1] === '^';
      // JavaScript closes a class at a `]` right after its `[` or `[^`: `[]` matches nothing, `[^]` anything.
      if (source[i + (negated ? 2 : 1)] === ']') {
        out += negated ? '[\\x{0}-\\x{10ffff}]' : '[^\\x{0}-\\x{10ffff}]';
        i += negated ? 2 : 1;
        continue;
      }
      inClass = true;
      out += negated ? '[^' : '[';
      if (negated) i++;
      continue;
    }
    out += c === '.' && !dotAll ? JS_DOT : c;
  }
  return out;
}

/** The dots the lookarounds below hold: JavaScript's, and PCRE's as detect/sigmaRegex.ts pcreDots spells it. */
const EDGE_DOTS = ['.', '[^\\n]'];

/**
 * The same search without the lookarounds detect/sigmaValues.ts simplifyRegex
 * puts at a pattern's edges: `(?<=.)X` finds a match exactly where `.X` does
 * (one character before X), and `X(?=.)` where `X.` does; a search does not
 * care which characters the match spans. Anything else is left as it is.
 */
export function searchWithoutEdgeLookarounds(source: string): string {
  let out = source;
  for (const dot of EDGE_DOTS) {
    const behind = `(?<=${dot})`;
    const ahead = `(?=${dot})`;
    if (out.startsWith(behind)) out = `${dot}${out.slice(behind.length)}`;
    if (out.endsWith(ahead) && !out.endsWith(`\\${ahead}`)) out = `${out.slice(0, -ahead.length)}${dot}`;
  }
  return out;
}
