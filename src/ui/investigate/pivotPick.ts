/**
 * In the list, `=`, `+` and `-` ask which of the selected row's fields to
 * pivot on: one letter picks it (`u` user, `i` IP ...), Esc cancels. The
 * question shows on the status line with the row's values.
 */
import { errorLabel } from '../../model/failure.js';
import type { EventRow } from '../../model/types.js';
import { termText, type PivotOp, type PivotTerm } from '../../investigate/pivot.js';
import { sanitize } from '../../term/sanitize.js';
import { displayWidth, truncate } from '../../term/width.js';
import { own } from '../../term/glyphs.js';

export interface PivotPick {
  op: PivotOp;
  row: EventRow;
}

export interface PickChoice {
  letter: string;
  label: string;
  term: PivotTerm;
}

/** `missing`: what the row lacks when its letter is typed and the field is empty ("this event has no error code"). */
const CHOICES: ReadonlyArray<{ letter: string; label: string; missing: string; field: string; value: (row: EventRow) => string }> = [
  { letter: 'u', label: 'user', missing: 'user', field: 'user', value: (row) => row.actor },
  { letter: 'i', label: 'IP', missing: 'source IP', field: 'ip', value: (row) => row.sourceIp },
  { letter: 'k', label: 'key', missing: 'access key', field: 'key', value: (row) => row.accessKey },
  { letter: 'n', label: 'name', missing: 'event name', field: 'name', value: (row) => row.name },
  { letter: 's', label: 'source', missing: 'event source', field: 'source', value: (row) => row.source },
  // What the Error code column shows, and error: matches: a failed sign-in's errorMessage stands in for its missing code.
  { letter: 'e', label: 'error', missing: 'error code', field: 'error', value: errorLabel },
  { letter: 'r', label: 'region', missing: 'region', field: 'region', value: (row) => row.region },
  { letter: 'a', label: 'account', missing: 'account', field: 'account', value: (row) => row.recipientAccount || row.account },
  { letter: 'g', label: 'agent', missing: 'user agent', field: 'agent', value: (row) => row.userAgent },
  { letter: 't', label: 'identity', missing: 'identity type', field: 'identity', value: (row) => row.identityType },
];

/** The fields of a row that have a value, each with its letter. */
export function pickChoices(row: EventRow): PickChoice[] {
  return CHOICES.flatMap((choice) => {
    const value = choice.value(row);
    return value ? [{ letter: choice.letter, label: choice.label, term: { field: choice.field, value } }] : [];
  });
}

const OP_WORD: Record<PivotOp, string> = { replace: 'Filter by', add: 'Add', exclude: 'Exclude' };

const SEPARATOR = ' · ';
const TAIL = ' · Esc cancels';

/**
 * The status-line question: `Filter by: u user alice · i IP 1.2.3.4 · ... · Esc cancels`,
 * in lines of at most `width` columns. Every letter keeps its label: when they do
 * not all fit on one line (80 columns), the question goes on to a second, indented
 * line rather than dropping labels. Then each line shows the row's values as they
 * fit, in the order of the fields.
 */
export function pickPromptLines(pick: PivotPick, width = Infinity): string[] {
  const choices = pickChoices(pick.row);
  const head = `${OP_WORD[pick.op]}: `;
  if (choices.length === 0) return [truncate(`${head}no field of this row has a value${own(TAIL)}`, width)];
  const indent = ' '.repeat(displayWidth(head));
  const piece = (c: PickChoice, withValue: boolean): string => (withValue ? `${c.letter} ${c.label} ${truncate(sanitize(c.term.value), 24)}` : `${c.letter} ${c.label}`);
  const text = (lead: string, line: readonly PickChoice[], values: readonly boolean[]): string => lead + line.map((c, i) => piece(c, values[i]!)).join(own(SEPARATOR));
  // Letters and labels first, packed into as few lines as hold them.
  const packed: PickChoice[][] = [[]];
  for (const choice of choices) {
    const line = packed[packed.length - 1]!;
    const lead = packed.length === 1 ? head : indent;
    if (line.length > 0 && displayWidth(text(lead, [...line, choice], [...line, choice].map(() => false))) > width) packed.push([choice]);
    else line.push(choice);
  }
  // Then the values, as far as each line has room.
  const lines = packed.map((line, n) => {
    const lead = n === 0 ? head : indent;
    const values = line.map(() => false);
    for (let i = 0; i < line.length; i++) {
      values[i] = true;
      if (displayWidth(text(lead, line, values)) > width) values[i] = false;
    }
    // Only a terminal narrower than one label cuts anything.
    return truncate(text(lead, line, values), width);
  });
  const last = lines.length - 1;
  if (displayWidth(lines[last]! + own(TAIL)) <= width) lines[last] += own(TAIL);
  return lines;
}

/** The term a typed letter picks, or null. */
export function pickTerm(pick: PivotPick, letter: string): PivotTerm | null {
  return pickChoices(pick.row).find((c) => c.letter === letter)?.term ?? null;
}

/**
 * Why a typed letter picked no term (pickTerm gave null): a letter of a field this row has no
 * value for says which value is missing; any other letter names no field at all.
 */
export function pickMissText(letter: string): string {
  const choice = CHOICES.find((c) => c.letter === letter);
  return choice ? `No pivot: this event has no ${choice.missing}` : 'No pivot: that letter names no field';
}

export { termText };
