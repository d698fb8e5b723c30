/** DuckDB's memory cap while an archive is written: half the machine's memory, at least 1 GB (db.ts writeMemoryLimit). */
import { join } from 'node:path';
import { totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { openArchive, writeMemoryLimit } from '../../src/archive/db.js';
import { tempFolder } from '../support/files.js';

const GiB = 2 ** 30;

describe('the archive writer leaves memory for the process beside DuckDB', () => {
  it('caps DuckDB at half the machine, at least 1 GB', () => {
    expect(writeMemoryLimit(4 * GiB)).toBe('2048MB');
    expect(writeMemoryLimit(24 * GiB)).toBe('12288MB');
    expect(writeMemoryLimit(1 * GiB)).toBe('1024MB');
    expect(writeMemoryLimit(512 * 2 ** 20)).toBe('1024MB');
  });

  it('opens an archive for writing with that cap, not DuckDB default of 80%', async () => {
    const scratch = tempFolder('trailtop-memlimit-');
    const archive = await openArchive(join(scratch.dir, 'a.duckdb'));
    // DuckDB prints the setting its own way: compare with what it prints for the same value.
    const reference = await DuckDBInstance.create(':memory:', { memory_limit: writeMemoryLimit() });
    const referenceConnection = await reference.connect();
    try {
      const setting = async (connection: typeof archive.connection) => String((await connection.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]![0]);
      expect(await setting(archive.connection)).toBe(await setting(referenceConnection));
      const defaultInstance = await DuckDBInstance.create(':memory:');
      const defaultConnection = await defaultInstance.connect();
      if (totalmem() >= 2 * GiB) expect(await setting(archive.connection)).not.toBe(await setting(defaultConnection));
      defaultConnection.closeSync();
      defaultInstance.closeSync();
    } finally {
      referenceConnection.closeSync();
      reference.closeSync();
      await archive.close();
      scratch.remove();
    }
  });
});
