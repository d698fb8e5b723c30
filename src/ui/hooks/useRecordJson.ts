import { useEffect, useState } from 'react';
import { stringifyJson } from '../../model/stringify.js';
import { isLossy, recordRef, requestIdOf, rowInsight, sharedEventIdOf, timeRawOf } from '../../model/recordBatch.js';
import type { EventRow, RecordRef } from '../../model/types.js';
import { sanitize } from '../../term/sanitize.js';
import { prettyJsonLines } from '../jsonModel.js';
import { own } from '../../term/glyphs.js';

export interface RecordJson {
  row: EventRow | null;
  /** The pretty JSON that `y` copies ('' until read). */
  text: string;
  /** Sanitised pretty lines for display. */
  lines: string[];
  /** Loading, fallback or error note shown above the JSON. */
  message: string;
}

const EMPTY: RecordJson = { row: null, text: '', lines: [], message: '' };

/**
 * The full original record of `row`, read back from its file by reference.
 * When the file changed or went away, the row's parsed fields stand in, and
 * the message says so.
 */
export function useRecordJson(row: EventRow | null, readRecord?: (ref: RecordRef) => Promise<Record<string, unknown> | null>): RecordJson {
  const [json, setJson] = useState<RecordJson>(EMPTY);
  useEffect(() => {
    if (!row) return;
    let live = true;
    setJson({ row, text: '', lines: [], message: own('Reading the record…') });
    const read = readRecord ?? (async () => null);
    read(recordRef(row)).then(
      (record) => {
        if (!live) return;
        if (record) {
          const message = isLossy(row) ? 'Rebuilt from CSV columns, not the original record.' : '';
          setJson({ row, text: stringifyJson(record, 2), lines: prettyJsonLines(record), message });
          return;
        }
        const fields = parsedFields(row);
        setJson({
          row,
          text: stringifyJson(fields, 2),
          lines: prettyJsonLines(fields),
          message: 'The original record could not be read back (file changed or removed); showing the parsed fields.',
        });
      },
      (error: unknown) => {
        if (live) setJson({ row, text: '', lines: [], message: `Could not read the record: ${sanitize(String(error))}` });
      },
    );
    return () => {
      live = false;
    };
  }, [row, readRecord]);
  return json;
}

/** The row's parsed fields as one plain object, including those kept in its RecordBatch. */
function parsedFields(row: EventRow): Record<string, unknown> {
  const { seq: _seq, batch: _batch, recordIndex: _recordIndex, ...fields } = row;
  return {
    ...fields,
    timeRaw: timeRawOf(row),
    requestId: requestIdOf(row),
    sharedEventId: sharedEventIdOf(row),
    insight: rowInsight(row),
    ref: recordRef(row),
  };
}
