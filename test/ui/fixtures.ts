import type { EventRow } from '../../src/model/types.js';
import { eventRow, type RowFields } from '../support/rows.js';

let counter = 0;

/** A synthetic row with every field filled the way normalize fills it. */
export function makeRow(overrides: RowFields = {}): EventRow {
  counter++;
  return eventRow({
    id: `evt-${counter}`,
    time: Date.UTC(2024, 2, 5, 14, 0, 0) + counter * 1000,
    name: 'RunInstances',
    sourceIp: '203.0.113.7',
    requestId: `req-${counter}`,
    resources: [{ type: 'AWS::EC2::Instance', name: `i-${counter.toString(16).padStart(8, '0')}`, arn: '', accountId: '111122223333' }],
    ref: { file: '/tmp/x.json', index: counter },
    ...overrides,
  });
}

/** Rows no longer carry a search text (queries read the fields), so there is nothing to refresh; kept for existing callers. */
export function refreshText(row: EventRow): EventRow {
  return row;
}

/** `count` rows, one second apart, oldest first, with names that tell them apart (Event0, Event1, ...). */
export function makeRows(count: number, start = Date.UTC(2024, 2, 5, 0, 0, 0)): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) rows.push(makeRow({ id: `row-${start}-${i}`, name: `Event${i}`, time: start + i * 1000 }));
  return rows;
}
