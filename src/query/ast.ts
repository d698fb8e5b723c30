/**
 * The one query AST. The query bar's text (parse), Sigma rules (src/detect/)
 * and SQL (src/query/sql/) all meet here: text and rules compile *to* it, and
 * every evaluator compiles *from* it (rows by column, parsed records, SQL).
 * Nothing matches events any other way: a new kind of test is a new node or
 * a new ValueMatch here, with its meaning written down here, and every
 * evaluator learns it.
 *
 * Meaning (every evaluator must agree with these, and the reference tests
 * check it against a brute-force evaluator over parsed records):
 *
 * - Values are compared as text. A record value that is a number or boolean
 *   is compared as its JSON text (`42`, `true`). A string is compared as is.
 * - Case: string comparisons ignore case (both sides folded by fold.ts
 *   foldCase: Unicode lowercase letter by letter, İ as i, every sigma as σ,
 *   as SQL's lower() folds), except `regex`, which uses its own flags.
 *   A pattern's text holds no lone surrogate (half of a UTF-16 pair, which
 *   no UTF-8 text, so no SQL text, can hold): fold.ts foldPattern makes each
 *   U+FFFD, so `\u{d801}` in a query never matches half of a character.
 * - A FieldRef yields zero or more values for a record:
 *   - `summary`: the values of a field of the field table (fields.ts), as
 *     that field's anyValue visits them (user: visits several).
 *   - `path`: walk the record's object keys, case-sensitive as in CloudTrail.
 *     An array met on the way fans out: each element is walked on. At the
 *     end of the path, a scalar is one value; `null` or a missing key is no
 *     value; an array yields each of its scalar elements AND is also compared
 *     as its JSON text; an object is compared as its JSON text (Sigma's
 *     `contains` on the whole requestParameters). An empty array yields no
 *     value, as Elastic's and Splunk's backends read one: `field:*` is "has
 *     elements", and SigmaHQ's `requestParameters.layers|contains: '*'`
 *     (a layer attached) does not fire when every layer is removed.
 *   - `params`: one value, the JSON text of requestParameters,
 *     responseElements, additionalEventData and serviceEventDetails (those
 *     present and not null, in that order, joined by a line break), for
 *     substring/glob search; no value when none is present. The query bar's
 *     `params:TEXT` is the glob `*TEXT*`.
 *   - A `glob` whose text holds a double quote also tries each path or
 *     params value with every `\"` read as `"` (left to right, as SQL's
 *     replace() reads it): JSON text writes a quote inside a nested string
 *     as `\"`, and a policy document is a string inside requestParameters,
 *     so Sigma's `requestParameters|contains: '"s3:GetObject"'` means the
 *     quote as the policy holds it. A glob holding a backslash likewise
 *     reads every `\\` as `\` (after the quotes, when it holds both) in a
 *     value that starts with `{` or `[` (JSON text): JSON text writes
 *     `C:\Windows` as `C:\\Windows`, so `requestParameters|contains:
 *     'C:\Windows'` finds it; a plain string keeps its backslashes. Summary
 *     fields, regexes and other globs are unaffected.
 * - `exists` on the summary field `error` also holds for a failed event
 *   without an errorCode (a failed ConsoleLogin: model/failure.ts), so
 *   `error:*` is "failed" and `-error:*` "succeeded". On a path, an empty
 *   string is a value (only null and missing are not).
 * - `cidr` tests values that are addresses (IPv4, IPv6; an IPv4-mapped IPv6
 *   address is its IPv4 address). A value that is itself a block
 *   (`cidrIp: "0.0.0.0/0"`) is not an address: the query bar's `x:10.0.0.0/8`
 *   is `or(glob '10.0.0.0/8', cidr)`, so the block's own text matches too.
 *   (Refined by issue 14.)
 * - A `field` node is true when ANY of the ref's values satisfies `match`.
 *   So `not(field)` is "no value satisfies", which for `exists` is absence.
 * - A `compare` node (Sigma's `|fieldref`) is true when some value of its
 *   left path and some value of its right path (each as a path ref yields
 *   them) are equal, any case; with `position`, when the left value
 *   contains, starts with or ends with the right one. A side without a value
 *   makes it false.
 * - `and` of no children is true; `or` of no children is false.
 */

/** A value pattern, already lowercased: literal runs between `*` wildcards. */
export interface GlobPattern {
  /** Literal runs between `*`, lowercase; exactly one run when `glob` is false. */
  readonly segments: readonly string[];
  /** True when the value had at least one `*` (so segments.length >= 2). */
  readonly glob: boolean;
}

export type FieldRef =
  /** A field of the field table by canonical name ('name', 'user', 'error', 'ip', ...). Column-backed where fields.ts says so. */
  | { readonly kind: 'summary'; readonly name: string }
  /** A dotted path into the raw record, split on '.', case-sensitive: ['requestParameters', 'bucketName']. */
  | { readonly kind: 'path'; readonly path: readonly string[] }
  /** The text of requestParameters, responseElements, additionalEventData and serviceEventDetails. */
  | { readonly kind: 'params' };

export type ValueMatch =
  /** Whole-value match, any case, `*` globs: `name:Delete*`. `contains X` is the glob `*X*`. */
  | { readonly kind: 'glob'; readonly pattern: GlobPattern }
  /** The ref has at least one value (present and not null): `field:*`, Sigma `|exists: true`. */
  | { readonly kind: 'exists' }
  /**
   * A regular expression (JavaScript syntax, as Sigma's `re`), unanchored unless it anchors itself.
   * It runs with the u flag where its source is valid so, as SQL's engines read a regex: `i` pairs
   * letters as Unicode does (the Kelvin sign with k, ſ with s), `.` is one character, not half of
   * 🔥. A source valid only without u (`\-`) runs without it, where those few cases may differ in SQL.
   */
  | { readonly kind: 'regex'; readonly source: string; readonly flags: string }
  /** The value parses as an IPv4 or IPv6 address inside this CIDR block: `ip:10.0.0.0/8`. */
  | { readonly kind: 'cidr'; readonly cidr: string }
  /** readonly:true|false: the value is the JSON boolean or its text, any case. */
  | { readonly kind: 'boolean'; readonly value: boolean };

export interface FieldNode {
  readonly kind: 'field';
  readonly ref: FieldRef;
  readonly match: ValueMatch;
}

/**
 * A plain word of the query bar: substring (in order, for `*`) of the row's
 * search text; unquoted words of 4+ letters also match the field values the
 * vocabulary fuzzily resolves them to (fuzzy: true).
 */
export interface WordNode {
  readonly kind: 'word';
  /** The word as typed (unquoted), for messages and fuzzy resolution. */
  readonly text: string;
  /** Lowercase literal runs between `*`. */
  readonly segments: readonly string[];
  readonly fuzzy: boolean;
}

/** eventTime within [min, max] epoch ms, inclusive (±Infinity when open). Records whose time did not parse never match. */
export interface TimeNode {
  readonly kind: 'time';
  readonly min: number;
  readonly max: number;
  /** From since:/until: durations: counted from compile time, so recompile now and then. */
  readonly relative: boolean;
}

/**
 * Membership in a set the session keeps outside the record: `rule:ID` (the
 * events a detection rule fired on; the pattern matches rule ids and titles)
 * and `mark:*` (events the user marked). Evaluators get the sets from their
 * context; where a context has no such set the node is false.
 */
export interface TagNode {
  readonly kind: 'tag';
  readonly tag: 'rule' | 'mark';
  readonly match: ValueMatch;
}

/** A ref into the raw record (FieldRef's `path`). */
export type PathRef = Extract<FieldRef, { readonly kind: 'path' }>;

/** One record path's values against another's (Sigma's `a|fieldref: b`); see the meaning above. */
export interface CompareNode {
  readonly kind: 'compare';
  readonly left: PathRef;
  readonly right: PathRef;
  readonly position: 'equals' | 'contains' | 'startswith' | 'endswith';
}

export type QueryNode =
  | { readonly kind: 'and'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'or'; readonly children: readonly QueryNode[] }
  | { readonly kind: 'not'; readonly child: QueryNode }
  | { readonly kind: 'const'; readonly value: boolean }
  | FieldNode
  | WordNode
  | TimeNode
  | TagNode
  | CompareNode;

export const TRUE: QueryNode = { kind: 'const', value: true };
export const FALSE: QueryNode = { kind: 'const', value: false };

export function and(children: readonly QueryNode[]): QueryNode {
  return children.length === 1 ? children[0]! : { kind: 'and', children };
}

export function or(children: readonly QueryNode[]): QueryNode {
  return children.length === 1 ? children[0]! : { kind: 'or', children };
}

export function not(child: QueryNode): QueryNode {
  return child.kind === 'not' ? child.child : { kind: 'not', child };
}

/** Splits a dotted path as typed (`requestParameters.bucketName`) into keys. */
export function splitPath(dotted: string): string[] {
  return dotted.split('.');
}

/** Calls `visit` on every leaf of the tree (each node that is not and/or/not), left to right. */
export function forEachLeaf(node: QueryNode, visit: (leaf: QueryNode) => void): void {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) forEachLeaf(child, visit);
      return;
    case 'not':
      forEachLeaf(node.child, visit);
      return;
    default:
      visit(node);
  }
}

/** True when the tree holds a node that no summary column can decide (a path or params ref, a compare). */
export function hasDeepTerm(node: QueryNode): boolean {
  switch (node.kind) {
    case 'and':
    case 'or':
      return node.children.some(hasDeepTerm);
    case 'not':
      return hasDeepTerm(node.child);
    case 'field':
      return node.ref.kind !== 'summary';
    case 'compare':
      return true;
    default:
      return false;
  }
}

/**
 * The part of a query the records must decide: the children of a top-level
 * `and` that hold a deep term (the rest the summary columns already
 * decided for every candidate), or the whole tree. A child that mixes deep
 * and summary terms (an OR group, a Sigma selection) is decided whole from
 * the record, its summary terms on the loader's row of the record where the
 * reader has it (recordMatch.ts RowRecordMatcher). The worker has no
 * vocabulary and no tags, so the query bar refuses fuzzy words and rule:/
 * mark: terms in such a child (parse.ts).
 */
export function deepPart(ast: QueryNode): QueryNode {
  if (ast.kind !== 'and') return ast;
  return and(ast.children.filter(hasDeepTerm));
}

/**
 * The sets a TagNode reads, by eventID (stable across runs, unlike seqs).
 * They grow while the session runs: an evaluator reads them at test time, and
 * whoever changes them tells the view to filter again.
 */
export interface TagContext {
  /** Event IDs the user marked (persisted per folder). */
  readonly marks?: ReadonlySet<string>;
  /** Detection results: each rule's id and title, and the events it fired on. */
  readonly rules?: ReadonlyArray<TagRule>;
}

/** One detection rule's events, as a TagNode reads them (detect/findings.ts keeps them as bitsets by row seq). */
export interface TagRule {
  readonly id: string;
  readonly title: string;
  /** Whether the rule fired on the event with this eventID. */
  has(eventId: string): boolean;
  /** The same for a row being filtered: by its seq when the rows are the detection's store's (seq -1: not stored), else by id. */
  hasRow(row: { readonly id: string; readonly seq: number }): boolean;
  /** The eventIDs it fired on (SQL lists them). */
  eventIds(): Iterable<string>;
}
