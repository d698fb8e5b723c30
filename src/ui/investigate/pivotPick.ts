/**
 * In the list, `=`, `+` and `-` ask which of the selected row's fields to
 * pivot on: one letter picks it (`u` user, `i` IP ...), Esc cancels. The
 * question shows on the status line with the row's values.
 */
import type { EventRow } from '../../model/types.js';
import { termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import { sanitize } from '../../term/sanitize.js';
import { displayWidth, truncate } from '../../term/width.js';

export interface PivotPick {
  op: PivotOp;
  row: EventRow;
}

export interface PickChoice {
  letter: string;
  label: string;
  term: PivotTerm;
}

const CHOICES: ReadonlyArray<{ letter: string; label: string; field: string; value: (row: EventRow) => string }> = [
  { letter: 'u', label: 'user', field: 'user', value: (row) => row.actor },
  { letter: 'i', label: 'IP', field: 'ip', value: (row) => row.sourceIp },
  { letter: 'k', label: 'key', field: 'key', value: (row) => row.accessKey },
  { letter: 'n', label: 'name', field: 'name', value: (row) => row.name },
  { letter: 's', label: 'source', field: 'source', value: (row) => row.source },
  { letter: 'e', label: 'error', field: 'error', value: (row) => row.errorCode },
  { letter: 'r', label: 'region', field: 'region', value: (row) => row.region },
  { letter: 'a', label: 'account', field: 'account', value: (row) => row.recipientAccount || row.account },
  { letter: 'g', label: 'agent', field: 'agent', value: (row) => row.userAgent },
  { letter: 't', label: 'identity', field: 'identity', value: (row) => row.identityType },
];

/** The fields of a row that have a value, each with its letter. */
export function pickChoices(row: EventRow): PickChoice[] {
  return CHOICES.flatMap((choice) => {
    const value = choice.value(row);
    return value ? [{ letter: choice.letter, label: choice.label, term: { field: choice.field, value } }] : [];
  });
}

const OP_WORD: Record<PivotOp, string> = { replace: 'Filter by', add: 'Add', exclude: 'Exclude' };

/**
 * The status-line question: `Filter by: u user alice · i IP 1.2.3.4 · ... · Esc cancels`.
 * Within `width` columns every letter stays on screen: each field gets its
 * letter, then as many labels as fit, then as many values as fit (in the
 * order of the fields), rather than the later letters cut off the end.
 */
export function pickPrompt(pick: PivotPick, width = Infinity): string {
  const choices = pickChoices(pick.row);
  const head = `${OP_WORD[pick.op]}: `;
  const tiers = choices.map(() => 0);
  const piece = (c: PickChoice, tier: number): string =>
    tier === 0 ? c.letter : tier === 1 ? `${c.letter} ${c.label}` : `${c.letter} ${c.label} ${truncate(sanitize(c.term.value), 24)}`;
  const text = (tail: string): string => `${head}${choices.map((c, i) => piece(c, tiers[i]!)).join(' · ')}${tail}`;
  for (const tier of [1, 2]) {
    for (let i = 0; i < choices.length; i++) {
      const was = tiers[i]!;
      tiers[i] = tier;
      if (displayWidth(text('')) > width) tiers[i] = was;
    }
  }
  const withTail = text(' · Esc cancels');
  return displayWidth(withTail) <= width ? withTail : text('');
}

/** The term a typed letter picks, or null. */
export function pickTerm(pick: PivotPick, letter: string): PivotTerm | null {
  return pickChoices(pick.row).find((c) => c.letter === letter)?.term ?? null;
}

export { termText };
