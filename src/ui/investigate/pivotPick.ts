/**
 * In the list, `=`, `+` and `-` ask which of the selected row's fields to
 * pivot on: one letter picks it (`u` user, `i` IP ...), Esc cancels. The
 * question shows on the status line with the row's values.
 */
import type { EventRow } from '../../model/types.js';
import { termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import { sanitize } from '../../term/sanitize.js';
import { truncate } from '../../term/width.js';

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

/** The status-line question: `Filter by: u user alice · i IP 1.2.3.4 · ... · Esc cancels`. */
export function pickPrompt(pick: PivotPick): string {
  const parts = pickChoices(pick.row).map((c) => `${c.letter} ${c.label} ${truncate(sanitize(c.term.value), 24)}`);
  return `${OP_WORD[pick.op]}: ${parts.join(' · ')} · Esc cancels`;
}

/** The term a typed letter picks, or null. */
export function pickTerm(pick: PivotPick, letter: string): PivotTerm | null {
  return pickChoices(pick.row).find((c) => c.letter === letter)?.term ?? null;
}

export { termText };
