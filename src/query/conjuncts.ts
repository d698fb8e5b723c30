/**
 * The query text's top-level conjuncts: the parts that must all hold, as
 * typed. Code that edits a query as text (a pivot adding a term, the
 * histogram replacing the time range) works on these, so it never reaches
 * into an OR chain or a group.
 */
import { tokenize, type RawTerm, type Token } from './tokenize.js';

export interface Conjunct {
  /** The conjunct's text, as typed. */
  readonly text: string;
  /** The term when the conjunct is one bare term (no OR, NOT or group), else null. */
  readonly term: RawTerm | null;
}

/** The conjuncts in order (explicit top-level ANDs dropped: side by side means AND), or null when the text does not tokenize. */
export function topLevelConjuncts(source: string): Conjunct[] | null {
  const tokenized = tokenize(source);
  if (!tokenized.ok) return null;
  const tokens = tokenized.tokens;
  const conjuncts: Conjunct[] = [];
  let k = 0;
  while (k < tokens.length) {
    const token = tokens[k]!;
    if (token.kind === 'and') {
      k++;
      continue;
    }
    const first = k;
    k = pastItem(tokens, k);
    while (k < tokens.length && tokens[k]!.kind === 'or') k = pastItem(tokens, k + 1);
    const last = tokens[Math.min(k, tokens.length) - 1]!;
    const only = k - first === 1 && token.kind === 'term' ? token.term : null;
    conjuncts.push({ text: source.slice(startOf(token), endOf(last)), term: only });
  }
  return conjuncts;
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
