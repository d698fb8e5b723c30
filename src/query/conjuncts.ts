/**
 * The query text's top-level conjuncts: the parts that must all hold, as
 * typed. Code that edits a query as text (a pivot adding a term, the
 * histogram replacing the time range) works on these, so it never reaches
 * into an OR chain or a group.
 */
import { tokenize, valueGroupEnd, type RawTerm, type Token } from './tokenize.js';

export interface Conjunct {
  /** The conjunct's text, as typed. */
  readonly text: string;
  /** The term when the conjunct is one bare term (no OR, NOT or group), else null. */
  readonly term: RawTerm | null;
  /**
   * The field (as typed) whose values the conjunct adds to side by side, where the same field is
   * either value (parse.ts): a positive term's, or a `field:( … )` group of values' (`user:(alice bob)`).
   * Null for anything else (a word, a negated term, an OR chain, any other group).
   */
  readonly eitherField: string | null;
  /**
   * Which run of conjuncts between explicit top-level ANDs it is in (0 for
   * the first). Only terms of one run are side by side, where the same
   * field repeated is either value (parse.ts), so text rebuilt from
   * conjuncts must keep an AND where the run changes.
   */
  readonly run: number;
}

/** The conjuncts in order (explicit top-level ANDs dropped, each conjunct's run says where they were), or null when the text does not tokenize. */
export function topLevelConjuncts(source: string): Conjunct[] | null {
  const tokenized = tokenize(source);
  if (!tokenized.ok) return null;
  const tokens = tokenized.tokens;
  const conjuncts: Conjunct[] = [];
  let run = 0;
  let k = 0;
  while (k < tokens.length) {
    const token = tokens[k]!;
    if (token.kind === 'and') {
      run++;
      k++;
      continue;
    }
    const first = k;
    k = pastItem(tokens, k);
    while (k < tokens.length && tokens[k]!.kind === 'or') k = pastItem(tokens, k + 1);
    const last = tokens[Math.min(k, tokens.length) - 1]!;
    const only = k - first === 1 && token.kind === 'term' ? token.term : null;
    const eitherField = only ? (only.negated ? null : only.field) : token.kind === 'open' && valueGroupEnd(tokens, first) === k ? token.field : null;
    conjuncts.push({ text: source.slice(startOf(token), endOf(last)), term: only, eitherField, run });
  }
  return conjuncts;
}

/** Conjuncts as query text: side by side within a run, ` AND ` where the run changes, so each keeps its meaning. */
export function joinConjuncts(conjuncts: readonly Conjunct[]): string {
  let text = '';
  conjuncts.forEach((conjunct, k) => {
    if (k > 0) text += conjunct.run === conjuncts[k - 1]!.run ? ' ' : ' AND ';
    text += conjunct.text;
  });
  return text;
}

/** Past one item from `k`: any NOTs, then a term or a whole group. */
function pastItem(tokens: readonly Token[], k: number): number {
  while (k < tokens.length && tokens[k]!.kind === 'not') k++;
  if (k >= tokens.length) return k;
  if (tokens[k]!.kind !== 'open') return k + 1;
  let depth = 0;
  for (; k < tokens.length; k++) {
    const kind = tokens[k]!.kind;
    if (kind === 'open') depth++;
    else if (kind === 'close' && --depth === 0) return k + 1;
  }
  return k;
}

function startOf(token: Token): number {
  return token.kind === 'term' ? token.term.start : token.start;
}

function endOf(token: Token): number {
  switch (token.kind) {
    case 'term':
      return token.term.end;
    case 'open':
    case 'close':
      return token.start + 1;
    default:
      return token.end;
  }
}
