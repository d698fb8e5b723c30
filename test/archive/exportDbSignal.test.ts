/**
 * `export --db FILE DIR` catches Ctrl-C (so no file is left), which also kept
 * the process alive through DIR's import: the import went on to its end
 * (46 s on a 300k-event folder) before the export saw the signal. The signal
 * now reaches the import, which stops between batches as `archive`'s does.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { countEvents } from '../../src/archive/query.js';
import { exportDb } from '../../src/commands/dbCommands.js';
import { ExportCancelled } from '../../src/export/errors.js';
import { recordsJson, tempFolder } from '../support/files.js';

describe('export --db FILE DIR interrupted', () => {
  const scratch = tempFolder('trailtop-exportdb-signal-');
  afterAll(() => scratch.remove());

  it('stops the import of DIR at the signal, and writes no file', async () => {
    const logs = join(scratch.dir, 'logs');
    mkdirSync(logs);
    for (let i = 0; i < 20; i++) {
      const events = Array.from({ length: 50 }, (_, j) => ({ eventID: `e-${i}-${j}`, eventTime: '2024-03-05T12:00:00Z', eventName: 'GetObject' }));
      writeFileSync(join(logs, `f${i}.json`), recordsJson(events));
    }
    const db = join(scratch.dir, 'a.duckdb');
    const output = join(scratch.dir, 'out.csv');
    const run = exportDb({ dbPath: db, dir: logs, source: '', format: 'csv', output, order: 'newest', force: false, raw: false, signal: AbortSignal.abort() });
    await expect(run).rejects.toBeInstanceOf(ExportCancelled);
    expect(existsSync(output)).toBe(false);
    const archive = await openArchive(db, { readOnly: true });
    try {
      // Without the signal the import read all 1,000 first.
      expect(await countEvents(archive, null)).toBe(0);
    } finally {
      await archive.close();
    }
  }, 60_000);
});
