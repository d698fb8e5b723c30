/**
 * Whether a regex can match one stretch of text in exponentially many ways under a repetition
 * (`(a|aa)+`, `(a|a?)+`, `(\w|\d)+`, `(a+b?)+`, `^(\w+\s?)*$`, `(.*,){20}`): on a value written to
 * almost match it (`aaaa…!` in a user agent), V8's backtracking engine tries every one of those ways
 * before it fails, 2^n tests with no time limit, and `detect` never ended while the dashboard froze.
 * V8's linear fallback (--enable-experimental-regexp-engine-on-excessive-backtracks) is no cure here:
 * in node 20 it takes no regex with the u or i flag or a lookaround, and every `$` of a Sigma rule is
 * a lookahead (lineAnchors.ts FINAL_END).
 *
 * The test is the classic one for exponential degree of ambiguity (Weber and Seidl): in the
 * position automaton (Glushkov's: a state per character test, a transition to a test from each test
 * that can come just before it), some state has two distinct paths back to itself that read the same
 * text. Transitions are counted with their multiplicity (`(a*)*` reaches `a` from `a` by the inner
 * and by the outer loop: two paths), and an iteration of a loop that matches nothing is no path, as
 * JavaScript rejects it. Sound by over-approximation: lookarounds are checked as regexes of their
 * own and are nothing in the pattern around them; a backreference is any text; `\p{...}` any
 * character; a bounded repetition of more than a few copies (`{20}`, `{2,64}`), whose copies could
 * still multiply the ways (`(.*,){20}` is n^20), is read as unbounded (`{1,}`). Unambiguous
 * repetitions, what rules write, pass: `(?:[a-z0-9-]+\.)+amazonaws\.com` (a label's characters never
 * match the dot), `(foo|bar)+`, `.+:assumed-role/aws:.+`, `[0-9]{12}`.
 *
 * Not covered: polynomial ambiguity without a loop around it (`.*,.*,.*,x` is n^3 tries on a failing
 * value), which V8 still runs in full.
 */

/** Code point intervals [lo, hi], sorted and disjoint. */
type CharSet = readonly (readonly [number, number])[];

const MAX_CODE_POINT = 0x10ffff;
const ANY: CharSet = [[0, MAX_CODE_POINT]];

type Node =
  | { kind: 'set'; set: CharSet }
  | { kind: 'empty' }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'alt'; items: Node[] }
  | { kind: 'rep'; body: Node; min: number; max: number; start: number; end: number };

/** Copies of a bounded repetition's body written out; past this it is read as unbounded (sound: more paths, never fewer). */
const UNROLL = 8;
/** Character tests a written-out repetition may hold. */
const MAX_UNROLLED = 256;
/** Product states a check may visit before the pattern is called too complex to check (and refused). */
const BUDGET = 2_000_000;

function normalize(ranges: [number, number][]): CharSet {
  const sorted = ranges.filter(([lo, hi]) => lo <= hi).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out.at(-1);
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function negate(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) out.push([next, MAX_CODE_POINT]);
  return out;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    if (alo <= bhi && blo <= ahi) return true;
    if (ahi < bhi) i++;
    else j++;
  }
  return false;
}

const DIGITS: CharSet = [[0x30, 0x39]];
const WORD: CharSet = normalize([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
const SPACE: CharSet = normalize([
  [0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
]);

/** Code points with a case mapping: the only ones an i flag can add to a set. */
let cased: number[] | null = null;
function casedCodePoints(): number[] {
  if (cased) return cased;
  cased = [];
  // None past the Supplementary Multilingual Plane (Unicode 15's last is U+1E943).
  for (let c = 0; c <= 0x1ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const s = String.fromCodePoint(c);
    if (s.toLowerCase() !== s || s.toUpperCase() !== s) cased.push(c);
  }
  return cased;
}

/**
 * The characters a test matches under the i flag: V8 itself decides for the cased code points,
 * through the test's own text with the regex's flags (a character without a case mapping matches
 * only if the set holds it).
 */
function caseClosed(set: CharSet, text: string, flags: string): CharSet {
  let probe: RegExp;
  try {
    probe = new RegExp(`^(?:${text})$`, flags.replace(/[gym]/g, ''));
  } catch {
    return ANY;
  }
  const added: [number, number][] = [];
  for (const c of casedCodePoints()) if (probe.test(String.fromCodePoint(c))) added.push([c, c]);
  return normalize([...set.map(([lo, hi]): [number, number] => [lo, hi]), ...added]);
}

/** A pattern's syntax tree, as far as ambiguity needs it. */
class Parser {
  private i = 0;
  private readonly unicode: boolean;
  readonly lookarounds: string[] = [];

  constructor(
    private readonly source: string,
    private readonly flags: string,
  ) {
    this.unicode = flags.includes('u') || flags.includes('v');
  }

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.source.length) throw new Error(`unexpected ${this.source[this.i]}`);
    return node;
  }

  private alternation(): Node {
    const items = [this.sequence()];
    while (this.source[this.i] === '|') {
      this.i++;
      items.push(this.sequence());
    }
    return items.length === 1 ? items[0]! : { kind: 'alt', items };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.source.length && this.source[this.i] !== '|' && this.source[this.i] !== ')') {
      const start = this.i;
      const atom = this.atom();
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  private quantified(atom: Node, start: number): Node {
    const rest = this.source.slice(this.i);
    const q = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})/.exec(rest);
    if (!q) return atom;
    this.i += q[0].length;
    if (this.source[this.i] === '?') this.i++;
    let min: number;
    let max: number;
    if (q[1] === '*') [min, max] = [0, Infinity];
    else if (q[1] === '+') [min, max] = [1, Infinity];
    else if (q[1] === '?') [min, max] = [0, 1];
    else {
      min = Number(q[2]);
      max = q[3] === undefined ? min : q[4] === '' ? Infinity : Number(q[4]);
    }
    return this.quantified({ kind: 'rep', body: atom, min, max, start, end: this.i }, start);
  }

  private set(set: CharSet, text: string): Node {
    return { kind: 'set', set: this.flags.includes('i') ? caseClosed(set, text, this.flags) : set };
  }

  private atom(): Node {
    const start = this.i;
    const c = this.source[this.i]!;
    if (c === '(') return this.group();
    if (c === '[') {
      const set = this.classBody();
      return this.set(set, this.source.slice(start, this.i));
    }
    if (c === '^' || c === '$') {
      this.i++;
      return { kind: 'empty' };
    }
    if (c === '.') {
      this.i++;
      // JavaScript's dot also leaves out \r, U+2028 and U+2029, but rules run it as `[^\n]` (sigmaRegex.ts pcreDots).
      return { kind: 'set', set: this.flags.includes('s') ? ANY : negate([[0x0a, 0x0a]]) };
    }
    if (c === '\\') {
      const e = this.source[this.i + 1];
      if (e === 'b' || e === 'B') {
        this.i += 2;
        return { kind: 'empty' };
      }
      if (e === 'k' && this.source[this.i + 2] === '<') {
        this.i = this.source.indexOf('>', this.i) + 1;
        return backreference();
      }
      if (e !== undefined && /[1-9]/.test(e)) {
        this.i += 1 + /^\d+/.exec(this.source.slice(this.i + 1))![0].length;
        return backreference();
      }
      const set = this.escape();
      return this.set(set, this.source.slice(start, this.i));
    }
    const cp = this.literal();
    return this.set([[cp, cp]], this.source.slice(start, this.i));
  }

  private literal(): number {
    const cp = this.unicode ? this.source.codePointAt(this.i)! : this.source.charCodeAt(this.i);
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private group(): Node {
    const opener = /^\((\?(?:[:=!]|<[=!]|<[^>]*>))?/.exec(this.source.slice(this.i))![0];
    this.i += opener.length;
    const bodyStart = this.i;
    const body = this.alternation();
    if (this.source[this.i] !== ')') throw new Error('unclosed group');
    const bodyText = this.source.slice(bodyStart, this.i);
    this.i++;
    if (opener === '(?=' || opener === '(?!' || opener === '(?<=' || opener === '(?<!') {
      // Backtracking runs inside it too (never back into it from outside): checked on its own.
      this.lookarounds.push(bodyText);
      return { kind: 'empty' };
    }
    return body;
  }

  /** The set of a `[...]` class, from its `[` to past its `]`. */
  private classBody(): CharSet {
    this.i++;
    const negated = this.source[this.i] === '^';
    if (negated) this.i++;
    const ranges: [number, number][] = [];
    while (this.i < this.source.length && this.source[this.i] !== ']') {
      const lo = this.classAtom();
      if (this.source[this.i] === '-' && this.source[this.i + 1] !== ']' && this.i + 1 < this.source.length && typeof lo === 'number') {
        const save = this.i;
        this.i++;
        const hi = this.classAtom();
        if (typeof hi === 'number' && hi >= lo) {
          ranges.push([lo, hi]);
          continue;
        }
        // `[\w-x]` without u: the dash is itself.
        this.i = save;
      }
      if (typeof lo === 'number') ranges.push([lo, lo]);
      else ranges.push(...lo.map(([a, b]): [number, number] => [a, b]));
    }
    this.i++;
    const set = normalize(ranges);
    return negated ? negate(set) : set;
  }

  /** One character of a class (a number) or a class escape (its set). */
  private classAtom(): number | CharSet {
    if (this.source[this.i] !== '\\') return this.literal();
    if (this.source[this.i + 1] === 'b') {
      this.i += 2;
      return 0x08;
    }
    const set = this.escape();
    return set.length === 1 && set[0]![0] === set[0]![1] ? set[0]![0] : set;
  }

  /** The set of the escape at i (past it after). */
  private escape(): CharSet {
    const rest = this.source.slice(this.i + 1);
    const e = rest[0] ?? '';
    const one = (cp: number, length: number): CharSet => {
      this.i += 1 + length;
      return [[cp, cp]];
    };
    const classes: Record<string, CharSet> = { d: DIGITS, w: WORD, s: SPACE };
    if (e in classes) {
      this.i += 2;
      return classes[e]!;
    }
    if (e === 'D' || e === 'W' || e === 'S') {
      this.i += 2;
      return negate(classes[e.toLowerCase()]!);
    }
    if ((e === 'p' || e === 'P') && rest[1] === '{' && this.unicode) {
      this.i = this.source.indexOf('}', this.i) + 1;
      return ANY;
    }
    const simple: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, f: 0x0c, v: 0x0b };
    if (e in simple) return one(simple[e]!, 1);
    let m: RegExpExecArray | null;
    if ((m = /^x([0-9A-Fa-f]{2})/.exec(rest))) return one(parseInt(m[1]!, 16), 3);
    if ((m = /^u\{([0-9A-Fa-f]+)\}/.exec(rest)) && this.unicode) return one(parseInt(m[1]!, 16), m[0].length);
    if ((m = /^u([0-9A-Fa-f]{4})/.exec(rest))) return one(parseInt(m[1]!, 16), 5);
    if ((m = /^c([A-Za-z])/.exec(rest))) return one(m[1]!.charCodeAt(0) % 32, 2);
    if ((m = /^0(?![0-9])/.exec(rest))) return one(0, 1);
    // Octal (without u) and a class's \1: read loosely, as any character.
    if (/^[0-9]/.test(rest)) {
      this.i += 1 + /^[0-9]+/.exec(rest)![0].length;
      return ANY;
    }
    if (e === '') {
      this.i += 1;
      return [[0x5c, 0x5c]];
    }
    // An identity escape (`\.`, `\-`): the character itself.
    this.i++;
    const cp = this.literal();
    return [[cp, cp]];
  }
}

/**
 * Whether copies of a body written out can only multiply its ways by little: no alternation and no
 * unbounded repetition in it (`(a|aa){8}` has 2^8 ways to split 16 a's, `(.*,){8}` n^8; both are
 * read as unbounded, and refused), only characters, optional parts and short repetitions of those.
 */
function plain(node: Node): boolean {
  switch (node.kind) {
    case 'set':
    case 'empty':
      return true;
    case 'seq':
      return node.items.every(plain);
    case 'alt':
      return false;
    case 'rep':
      return node.max !== Infinity && (node.max <= 1 || node.max <= UNROLL) && plain(node.body);
  }
}

/** Character tests in a plain body once written out. */
function testCount(node: Node): number {
  switch (node.kind) {
    case 'set':
      return 1;
    case 'empty':
      return 0;
    case 'seq':
    case 'alt':
      return node.items.reduce((sum, item) => sum + testCount(item), 0);
    case 'rep':
      return testCount(node.body) * Math.max(node.max === Infinity ? node.min + 1 : node.max, 1);
  }
}

/** A backreference matches text a group matched: any text, as far as this test can tell. */
function backreference(): Node {
  return { kind: 'rep', body: { kind: 'set', set: ANY }, min: 0, max: Infinity, start: -1, end: -1 };
}

/** Counts of ways, capped at 2 (two is all ambiguity needs). */
type Ways = Map<number, number>;
const cap = (n: number): number => Math.min(n, 2);

function addWays(into: Ways, from: Ways, times = 1): void {
  if (times === 0) return;
  for (const [p, n] of from) into.set(p, cap((into.get(p) ?? 0) + n * times));
}

interface Built {
  /** Ways to match the empty text. */
  empty: number;
  first: Ways;
  last: Ways;
}

/** Glushkov's position automaton, each transition with its number of ways and the repetition whose loop made it. */
class Automaton {
  readonly sets: CharSet[] = [];
  readonly edges: Ways[] = [];
  /** Per transition p -> q, the widest repetition (source span) that loops through it, if any. */
  readonly loops = new Map<string, [number, number]>();

  build(node: Node): Built {
    switch (node.kind) {
      case 'set': {
        const p = this.sets.length;
        this.sets.push(node.set);
        this.edges.push(new Map());
        return { empty: 0, first: new Map([[p, 1]]), last: new Map([[p, 1]]) };
      }
      case 'empty':
        return { empty: 1, first: new Map(), last: new Map() };
      case 'alt': {
        const out: Built = { empty: 0, first: new Map(), last: new Map() };
        for (const item of node.items) {
          const b = this.build(item);
          out.empty = cap(out.empty + b.empty);
          addWays(out.first, b.first);
          addWays(out.last, b.last);
        }
        return out;
      }
      case 'seq': {
        let out: Built = { empty: 1, first: new Map(), last: new Map() };
        for (const item of node.items) {
          const b = this.build(item);
          this.connect(out.last, b.first);
          const first = new Map(out.first);
          addWays(first, b.first, out.empty);
          const last = new Map(b.last);
          addWays(last, out.last, b.empty);
          out = { empty: cap(out.empty * b.empty), first, last };
        }
        return out;
      }
      case 'rep':
        return this.repetition(node);
    }
  }

  private repetition(node: Extract<Node, { kind: 'rep' }>): Built {
    const { body, min, max } = node;
    if (max === 0) return { empty: 1, first: new Map(), last: new Map() };
    const copies = max === Infinity ? min : max;
    const unroll = (max === Infinity ? min >= 2 : max >= 2) && copies <= UNROLL && plain(body) && testCount(body) * copies <= MAX_UNROLLED;
    if (unroll) {
      // Written out: `x{2,4}` is x x (x x?)?, `x{2,}` is x x+.
      const required: Node[] = Array.from({ length: min }, () => body);
      let optional: Node | null = null;
      if (max === Infinity) {
        required[min - 1] = { ...node, min: 1 };
      } else {
        for (let k = max - min; k > 0; k--) {
          optional = { kind: 'rep', body: optional ? { kind: 'seq', items: [body, optional] } : body, min: 0, max: 1, start: node.start, end: node.end };
        }
      }
      return this.build({ kind: 'seq', items: optional ? [...required, optional] : required });
    }
    const b = this.build(body);
    if (max === 1) {
      // Past the minimum, an iteration that matches nothing fails (ECMAScript's RepeatMatcher).
      return min === 0 ? { empty: 1, first: b.first, last: b.last } : b;
    }
    // Unbounded (or read as such): every way out of the body goes back into it.
    this.connect(b.last, b.first, [node.start, node.end]);
    if (min === 0) return { empty: 1, first: b.first, last: b.last };
    const first = new Map(b.first);
    addWays(first, b.first, b.empty);
    const last = new Map(b.last);
    addWays(last, b.last, b.empty);
    return { empty: b.empty, first, last };
  }

  private connect(from: Ways, to: Ways, loop?: [number, number]): void {
    for (const [p, n] of from) {
      const out = this.edges[p]!;
      for (const [q, m] of to) {
        out.set(q, cap((out.get(q) ?? 0) + n * m));
        if (loop && loop[0] >= 0) {
          const key = `${p},${q}`;
          const known = this.loops.get(key);
          if (!known || loop[1] - loop[0] > known[1] - known[0]) this.loops.set(key, loop);
        }
      }
    }
  }
}

/** Strongly connected components (Tarjan, iterative) of a graph given by its successors. */
function components(count: number, next: (v: number) => Iterable<number>, roots: Iterable<number> = Array.from({ length: count }, (_, v) => v)): number[] {
  const index = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const component = new Array<number>(count).fill(-1);
  const stack: number[] = [];
  const onStack = new Array<boolean>(count).fill(false);
  let counter = 0;
  let found = 0;
  for (const root of roots) {
    if (index[root] !== -1) continue;
    const work: [number, Iterator<number>][] = [[root, next(root)[Symbol.iterator]()]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const [v, it] = work.at(-1)!;
      const step = it.next();
      if (!step.done) {
        const w = step.value;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, next(w)[Symbol.iterator]()]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work.at(-1)![0];
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          component[w] = found;
        } while (w !== v);
        found++;
      }
    }
  }
  return component;
}

/** The automaton's ambiguous repetition, as a source span (or [-1, -1] when none is known), or null. */
function exponentialLoop(auto: Automaton): [number, number] | null {
  const n = auto.sets.length;
  const succ = (p: number): number[] => [...auto.edges[p]!.keys()];
  const base = components(n, succ);
  // Two paths that leave a state and meet again stay in its component: pairs within one are all that matter.
  const members = new Map<number, number[]>();
  for (let p = 0; p < n; p++) members.set(base[p]!, [...(members.get(base[p]!) ?? []), p]);
  let spent = 0;
  for (const group of members.values()) {
    const cyclic = group.length > 1 || auto.edges[group[0]!]!.has(group[0]!);
    if (!cyclic) continue;
    const local = new Map(group.map((p, k) => [p, k]));
    const size = group.length;
    const pair = (a: number, b: number): number => a * size + b;
    const overlapCache = new Map<number, boolean>();
    const meet = (p: number, q: number): boolean => {
      const key = p * n + q;
      let known = overlapCache.get(key);
      if (known === undefined) overlapCache.set(key, (known = overlaps(auto.sets[p]!, auto.sets[q]!)));
      return known;
    };
    const pairNext = (v: number): number[] => {
      if (++spent > BUDGET) throw new TooComplex();
      const p = group[Math.floor(v / size)]!;
      const q = group[v % size]!;
      const out: number[] = [];
      for (const p2 of auto.edges[p]!.keys()) {
        const a = local.get(p2);
        if (a === undefined) continue;
        for (const q2 of auto.edges[q]!.keys()) {
          const b = local.get(q2);
          if (b !== undefined && meet(p2, q2)) out.push(pair(a, b));
        }
      }
      spent += out.length;
      return out;
    };
    // Only what two paths from one state reach matters: unambiguous patterns keep that small.
    const product = components(size * size, pairNext, group.map((_, a) => pair(a, a)));
    const offDiagonal = new Set<number>();
    for (let b = 0; b < size; b++) for (let c = 0; c < size; c++) if (b !== c && product[pair(b, c)] !== -1) offDiagonal.add(product[pair(b, c)]!);
    for (let a = 0; a < size; a++) {
      const diagonal = product[pair(a, a)]!;
      const p = group[a]!;
      // Another pair in the diagonal state's component: two different paths from it come back to it.
      if (offDiagonal.has(diagonal)) return loopOf(auto, group, product, pair, diagonal, size);
      // Or two parallel transitions inside the component.
      for (const [q, ways] of auto.edges[p]!) {
        const k = local.get(q);
        if (ways > 1 && k !== undefined && product[pair(k, k)] === diagonal) return loopOf(auto, group, product, pair, diagonal, size);
      }
    }
  }
  return null;
}

/** The widest repetition whose loop transition lies in the ambiguous component. */
function loopOf(auto: Automaton, group: number[], product: number[], pair: (a: number, b: number) => number, diagonal: number, size: number): [number, number] {
  let best: [number, number] = [-1, -1];
  for (let a = 0; a < size; a++) {
    if (product[pair(a, a)] !== diagonal) continue;
    for (let b = 0; b < size; b++) {
      if (product[pair(b, b)] !== diagonal) continue;
      const span = auto.loops.get(`${group[a]},${group[b]}`);
      if (span && span[1] - span[0] > best[1] - best[0]) best = span;
    }
  }
  return best;
}

class TooComplex extends Error {}

export type Ambiguity = { kind: 'exponential'; part: string } | { kind: 'too-complex' };

/**
 * The repetition of `source` (a JavaScript regex, run with `flags`) that can match one text in
 * exponentially many ways, as written (`(a|aa)+`; the whole pattern when no one part can be named),
 * `too-complex` when the check would take too long to tell, or null when the pattern is safe from
 * exponential backtracking. Throws on a pattern it cannot read (callers check validity first).
 */
export function exponentialAmbiguity(source: string, flags: string): Ambiguity | null {
  const parser = new Parser(source, flags);
  const tree = parser.parse();
  const auto = new Automaton();
  auto.build(tree);
  let loop: [number, number] | null;
  try {
    loop = exponentialLoop(auto);
  } catch (error) {
    if (error instanceof TooComplex) return { kind: 'too-complex' };
    throw error;
  }
  if (loop) return { kind: 'exponential', part: loop[0] >= 0 ? source.slice(loop[0], loop[1]) : source };
  for (const body of parser.lookarounds) {
    const inner = exponentialAmbiguity(body, flags);
    if (inner) return inner;
  }
  return null;
}
