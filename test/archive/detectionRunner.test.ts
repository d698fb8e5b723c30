/**
 * The --db dashboard's background rules (archive/detectionRunner.ts): runs
 * never overlap, refreshes asked for during a run make one more run (the
 * follow's imports ask after each batch), and the last complete run stays
 * shown while the next one works.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../../src/archive/db.js';
import { ArchiveDetectionRunner } from '../../src/archive/detectionRunner.js';
import { importFolder } from '../../src/archive/import.js';
import { commandRules } from '../../src/commands/rules.js';
import { archiveOf, type TestArchive } from './helpers.js';
import { recordsJson } from '../support/files.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = (id: string): object => ({
  eventID: id,
  eventTime: '2024-03-05T10:00:00Z',
  eventName: 'ListBuckets',
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  eventType: 'AwsApiCall',
  userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
});

/** The archive whose rules' connection counts the runs (each starts with one count of the events) and waits at a gate. */
function counted(archive: Archive): { archive: Archive; runs: () => number; open(): void; close(): void } {
  let runs = 0;
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  const wrap = (connection: DuckDBConnection): DuckDBConnection =>
    new Proxy(connection, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        if (key !== 'runAndReadAll') return value.bind(target);
        return async (sql: string) => {
          if (sql.startsWith('SELECT count(*) FROM events')) runs++;
          if (gate) await gate.promise;
          return (value as (sql: string) => unknown).call(target, sql);
        };
      },
    });
  return {
    archive: { ...archive, connect: async () => wrap(await archive.connect()) },
    runs: () => runs,
    close() {
      let open = (): void => undefined;
      gate = { promise: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    },
    open() {
      gate?.open();
      gate = null;
    },
  };
}

describe('the background rules of the --db dashboard', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf([root('r-1')], 10);
  }, 60_000);
  afterAll(async () => {
    await archive?.close();
  });

  it('runs once more after refreshes asked for during a run, and keeps the last findings while it works', async () => {
    const wrapped = counted(archive.archive);
    const runner = new ArchiveDetectionRunner(wrapped.archive, commandRules(undefined));
    await runner.refresh();
    expect(wrapped.runs()).toBe(1);
    expect(runner.state.running).toBeNull();
    expect(runner.state.result?.findings.list().map((f) => [f.rule.title, f.count])).toEqual([['Root account used', 1]]);

    const more = join(archive.folder, 'later');
    mkdirSync(more);
    writeFileSync(join(more, 'b.json'), recordsJson([root('r-2')]));
    await importFolder(archive.archive, archive.folder);
    wrapped.close();
    const first = runner.refresh();
    void runner.refresh();
    void runner.refresh();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The run is held at the gate: still the last findings, said to be running.
    expect(runner.state.running).not.toBeNull();
    expect(runner.state.result?.findings.list()[0]?.count).toBe(1);
    wrapped.open();
    await first;
    expect(wrapped.runs()).toBe(3);
    expect(runner.state.running).toBeNull();
    expect(runner.state.result?.findings.list()[0]?.count).toBe(2);
  });
});
