// CONTRACT STUB — the ingest helper replaces the body; keep these exported names and shapes.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { FileReadResult } from '../model/types.js';

/** Reads one file of any supported shape into rows. Never throws: problems come back as shape 'bad' with a reason. */
export async function readEventFile(path: string): Promise<FileReadResult> {
  try {
    let bytes = await readFile(path);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const parsed = JSON.parse(bytes.toString('utf8')) as { Records?: unknown[] };
    return { path, shape: 'records', rows: [], reason: '', skippedRecords: 0, bytes: bytes.length, ...(parsed ? {} : {}) };
  } catch (error) {
    return { path, shape: 'bad', rows: [], reason: String(error), skippedRecords: 0, bytes: 0 };
  }
}

/** Reads the full original record a row points at (for the JSON view and JSON export). */
export async function readRecord(_ref: { file: string; index: number }): Promise<Record<string, unknown> | null> {
  return null;
}
