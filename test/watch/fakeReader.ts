// Stand-in for src/ingest/read.ts while it is a stub: the same detect + normalize
// steps, without streaming. Tests switch to the real reader once it lands.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { extractItems, extractLines, isGzip } from '../../src/ingest/detect.js';
import { normalize } from '../../src/model/normalize.js';
import type { FileReadResult } from '../../src/model/types.js';

export async function fakeReader(path: string): Promise<FileReadResult> {
  try {
    let bytes: Buffer = await readFile(path);
    if (isGzip(bytes)) bytes = gunzipSync(bytes);
    const text = bytes.toString('utf8');
    let extracted;
    try {
      extracted = extractItems(JSON.parse(text));
    } catch (error) {
      extracted = extractLines(text);
      if (!extracted) return { path, shape: 'bad', rows: [], reason: String(error), skippedRecords: 0, bytes: bytes.length };
    }
    const rows = [];
    let skipped = 0;
    for (let index = 0; index < extracted.items.length; index++) {
      const item = extracted.items[index];
      if (item === undefined) skipped++;
      else rows.push(normalize(item, { file: path, index }));
    }
    return { path, shape: extracted.shape, rows, reason: extracted.reason, skippedRecords: skipped, bytes: bytes.length };
  } catch (error) {
    return { path, shape: 'bad', rows: [], reason: String(error), skippedRecords: 0, bytes: 0 };
  }
}
