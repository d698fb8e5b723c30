/**
 * Sigma conditions: `and`, `or`, `not` (not binds tightest, then and, then
 * or), parentheses, `1 of X*`, `any of X*`, `all of X*`, `1 of them`,
 * `all of them` (them: every search identifier not starting with `_`).
 * `X*` is a pattern over search identifier names where `*` is any run.
 * A pipe (`| count() > 5`) is an aggregation: unsupported.
 */
import { and, not, or, type QueryNode } from '../query/ast.js';
import { Unsupported } from './sigmaValues.js';

type Token = { kind: 'open' } | { kind: 'close' } | { kind: 'word'; text: string };

function tokenize(condition: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\()|(\))|(\|)|([^\s()|]+))/y;
  let at = 0;
  while (at < condition.length) {
    re.lastIndex = at;
    const m = re.exec(condition);
    if (!m || m[0] === '') {
      if (condition.slice(at).trim() === '') break;
      throw new Unsupported(`condition: cannot read '${condition.slice(at)}'`);
    }
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'open' });
    else if (m[2]) tokens.push({ kind: 'close' });
    else if (m[3]) throw new Unsupported(`condition '${condition}': aggregations (| count() ...) are not supported`);
    else if (m[4]) tokens.push({ kind: 'word', text: m[4] });
  }
  return tokens;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[\\^$.+?()[\]{}|/]/g, '\\$&')).join('.*')}$`);
}

/** Compiles one condition over the search identifiers' nodes. */
export function compileCondition(condition: string, searches: ReadonlyMap<string, QueryNode>): QueryNode {
  const tokens = tokenize(condition);
  let position = 0;
  const peekWord = (): string | null => {
    const token = tokens[position];
    return token?.kind === 'word' ? token.text.toLowerCase() : null;
  };
  const fail = (message: string): never => {
    throw new Unsupported(`condition '${condition}': ${message}`);
  };

  const parseOr = (): QueryNode => {
    const children = [parseAnd()];
    while (peekWord() === 'or') {
      position++;
      children.push(parseAnd());
    }
    return or(children);
  };
  const parseAnd = (): QueryNode => {
    const children = [parseNot()];
    while (peekWord() === 'and') {
      position++;
      children.push(parseNot());
    }
    return and(children);
  };
  const parseNot = (): QueryNode => {
    if (peekWord() === 'not') {
      position++;
      return not(parseNot());
    }
    return parsePrimary();
  };
  const parsePrimary = (): QueryNode => {
    const token = tokens[position];
    if (!token) return fail('ends too soon');
    if (token.kind === 'open') {
      position++;
      const inner = parseOr();
      if (tokens[position]?.kind !== 'close') fail('a ( is not closed');
      position++;
      return inner;
    }
    if (token.kind === 'close') return fail('unexpected )');
    const word = token.text;
    const lower = word.toLowerCase();
    if (['and', 'or'].includes(lower)) return fail(`unexpected '${word}'`);
    const next = tokens[position + 1];
    if (next?.kind === 'word' && next.text.toLowerCase() === 'of') {
      const target = tokens[position + 2];
      if (target?.kind !== 'word') throw new Unsupported(`condition '${condition}': '${word} of' needs a name pattern or 'them'`);
      position += 3;
      const names = quantified(target.text);
      if (lower === '1' || lower === 'any') return or(names.map((n) => searches.get(n)!));
      if (lower === 'all') return and(names.map((n) => searches.get(n)!));
      return fail(`'${word} of' is not supported (only 1 of and all of)`);
    }
    position++;
    const node = searches.get(word);
    if (!node) return fail(`'${word}' is not a search identifier of the detection`);
    return node;
  };
  const quantified = (pattern: string): string[] => {
    const all = [...searches.keys()];
    const names = pattern.toLowerCase() === 'them' ? all.filter((n) => !n.startsWith('_')) : all.filter((n) => globToRegExp(pattern).test(n));
    if (names.length === 0) fail(`no search identifier matches '${pattern}'`);
    return names;
  };

  const node = parseOr();
  if (position < tokens.length) fail(`unexpected '${describe(tokens[position]!)}'`);
  return node;
}

function describe(token: Token): string {
  return token.kind === 'word' ? token.text : token.kind === 'open' ? '(' : ')';
}
