import { EMPTY_ID, ON_ROW_ID } from '../store/columns.js';
import { withDense, type ColumnContext, type SeqTest } from './columnTests.js';
import type { TextField, ValueVisitor } from './fields.js';

/**
 * The rows whose value is in no field column (fields.ts offColumns: error:'s failed sign-ins, by
 * their errorMessage) and passes `matches`; null when none does. They are found once, by column
 * ids (the name, an empty `without` value, then each distinct `value` decided once), and the test
 * is a byte per row with a dense form: a term none of them passes (error:AccessDenied) adds
 * nothing to the scan.
 */
export function offColumnsTest(context: ColumnContext, field: TextField, off: NonNullable<TextField['offColumns']>, matches: ValueVisitor): SeqTest | null {
  const log = context.log;
  const { scalars, display } = context.columns;
  const nameIds = scalars.name.rows.ids;
  const withoutIds = scalars[off.without].rows.ids;
  const values = display[off.value];
  const valueIds = values.rows.ids;
  const covered = Math.min(scalars.name.rows.length, scalars[off.without].rows.length, values.rows.length, log.length);
  const nameId = scalars.name.find(off.eventName);
  // No row of that name at all (most trails hold few console sign-ins, some none).
  if (nameId === undefined && !scalars.name.overflowed && covered === log.length) return null;
  const passes = (seq: number): boolean => {
    const row = log[seq]!;
    return row.name === off.eventName && off.test(row) && field.anyValue(row, matches);
  };
  // Per value id: 0 undecided, 1 no, 2 yes.
  const decided = new Uint8Array(values.values.length);
  let hits: Uint8Array | null = null;
  for (let seq = 0; seq < covered; seq++) {
    const id = nameIds[seq]!;
    if (id !== nameId && id !== ON_ROW_ID) continue;
    const without = withoutIds[seq]!;
    if (without !== EMPTY_ID && without !== ON_ROW_ID) continue;
    const valueId = valueIds[seq]!;
    if (valueId === EMPTY_ID) continue;
    let pass: boolean;
    if (id === ON_ROW_ID || without === ON_ROW_ID || valueId === ON_ROW_ID || valueId >= decided.length) pass = passes(seq);
    else {
      if (decided[valueId] === 0) decided[valueId] = matches(values.values[valueId]!) ? 2 : 1;
      pass = decided[valueId] === 2;
    }
    if (pass) (hits ??= new Uint8Array(covered))[seq] = 1;
  }
  // Rows past the columns' end (none once the store is flushed) are read.
  if (hits === null && covered === log.length) return null;
  const found = hits;
  return withDense(
    (seq) => (seq < covered ? found !== null && found[seq] === 1 : passes(seq)),
    (end) => (end > covered ? null : found === null ? new Uint8Array(end) : found.subarray(0, end)),
  );
}
