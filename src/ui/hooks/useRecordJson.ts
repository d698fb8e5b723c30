import { useEffect, useState } from 'react';
import { stringifyJson } from '../../model/stringify.js';
import type { EventRow, RecordRef } from '../../model/types.js';
import { sanitize } from '../../term/sanitize.js';
import { prettyJsonLines } from '../jsonModel.js';

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
    setJson({ row, text: '', lines: [], message: 'Reading the record…' });
    const read = readRecord ?? (async () => null);
    read(row.ref).then(
      (record) => {
        if (!live) return;
        if (record) {
          setJson({ row, text: stringifyJson(record, 2), lines: prettyJsonLines(record), message: '' });
          return;
        }
        const { seq: _seq, ...fields } = row;
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
