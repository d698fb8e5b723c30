import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachEvent, pageEvents, summarizeArchive, type Cursor, type Order } from '../../src/archive/query.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordsJson, tempFolder } from '../support/files.js';
import type { Archive } from '../../src/archive/db.js';
import { archiveOf, archiveOfFolder, countingStatements, type TestArchive } from './helpers.js';

/** The archive with its statements that read records (`run`) counted, and the rows read out of their results. */
function rowsReadCounted(archive: Archive): { archive: Archive; statements: () => number; rows: () => number } {
  let statements = 0;
  let rows = 0;
  const counting = <T extends object>(target: T, wrap: (key: string | symbol, value: (...args: unknown[]) => unknown) => ((...args: unknown[]) => unknown) | null): T =>
    new Proxy(target, {
      get(object, key) {
        const value = Reflect.get(object, key, object) as unknown;
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: unknown[]) => unknown).bind(object);
        return wrap(key, bound) ?? bound;
      },
    });
  const chunk = (c: object): object => counting(c, (key, value) => (key === 'getRowValues' ? (...args) => (rows++, value(...args)) : null));
  const result = (r: object): object => counting(r, (key, value) => (key === 'getChunk' ? (...args) => chunk(value(...args) as object) : null));
  const connection = counting(archive.connection, (key, value) =>
    key === 'run'
      ? async (...args) => {
          if (String(args[0]).includes('tt_record')) statements++;
          return result((await value(...args)) as object);
        }
      : null,
  );
  return { archive: { ...archive, connection }, statements: () => statements, rows: () => rows };
}

/** 60 events on 7 distinct times (many ties) and 5 whose time does not parse. */
function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 60; k++) {
    out.push({ eventID: `e${String(k).padStart(2, '0')}`, eventTime: `2024-03-05T12:0${k % 7}:00Z`, eventName: k % 2 ? 'GetObject' : 'PutObject' });
  }
  for (let k = 0; k < 5; k++) out.push({ eventID: `bad${k}`, eventTime: 'yesterday', eventName: 'GetObject' });
  return out;
}

describe('keyset pages of the archive', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(records(), 9);
  });
  afterAll(() => archive?.close());

  for (const order of ['newest', 'oldest'] as const satisfies readonly Order[]) {
    for (const where of [null, "tt_name = 'GetObject'"]) {
      it(`pages of 4 (${order}, ${where ?? 'all'}) give every event once, in the one-query order`, async () => {
        const all = (await pageEvents(archive.archive, where, 1000, undefined, order)).map((e) => e.row.id);
        const paged: string[] = [];
        let cursor: Cursor | undefined;
        for (;;) {
          const page = await pageEvents(archive.archive, where, 4, cursor, order);
          paged.push(...page.map((e) => e.row.id));
          if (page.length < 4) break;
          cursor = page[page.length - 1]!.cursor;
        }
        expect(paged).toEqual(all);
        expect(new Set(paged).size).toBe(where ? 35 : 65); // the 5 unparsed ones are GetObject too
        // Unparsed times come last newest-first, first oldest-first.
        expect(order === 'newest' ? all.slice(-5).every((id) => id.startsWith('bad')) : all.slice(0, 5).every((id) => id.startsWith('bad'))).toBe(true);
      });

      it(`export's pages (${order}, ${where ?? 'all'}): keys found 7 at a time, rows 3 a page, every event once in the one-query order`, async () => {
        const all = (await pageEvents(archive.archive, where, 1000, undefined, order)).map((e) => e.row.id);
        const pages: string[][] = [];
        for await (const page of eachEvent(archive.archive, where, order, 3, 7)) pages.push(page.map((e) => e.row.id));
        expect(pages.flat()).toEqual(all);
        expect(pages.every((page) => page.length > 0 && page.length <= 3)).toBe(true);
        // A key query ends on a page of 1 (7 = 3 + 3 + 1), and the next one carries on after it.
        expect(pages.some((page) => page.length === 1)).toBe(true);
      });

      it(`export's pages (${order}, ${where ?? 'all'}): a key query's rows in one statement, each page converted only when asked for`, async () => {
        const all = (await pageEvents(archive.archive, where, 1000, undefined, order)).map((e) => e.row.id);
        const read = rowsReadCounted(archive.archive);
        const pages = eachEvent(read.archive, where, order, 3, 7);
        const first = await pages.next();
        // A page of a statement holds the main thread for its own rows (the dashboard's download cuts its work so).
        expect(first.done ? [] : first.value.map((e) => e.row.id)).toEqual(all.slice(0, 3));
        expect(read.rows()).toBe(3);
        const ids = first.done ? [] : first.value.map((e) => e.row.id);
        for await (const page of pages) ids.push(...page.map((e) => e.row.id));
        expect(ids).toEqual(all);
        // One statement for each key query's 7 rows, not one for each page of 3: a statement costs 10-15 ms before its first row on 1M events.
        expect(read.statements()).toBe(Math.ceil(all.length / 7));
      });
    }
  }
});

describe('the scan summary of an archive', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    const out: object[] = [];
    for (let k = 0; k < 40; k++) {
      out.push({
        eventID: `s${k}`,
        eventTime: `2024-03-05T12:${String(k).padStart(2, '0')}:00Z`,
        eventName: ['GetObject', 'PutObject', 'ListBuckets'][k % 3],
        userIdentity: k % 5 === 0 ? undefined : { type: 'IAMUser', userName: `u${k % 4}` },
        ...(k % 2 ? { errorCode: k % 4 === 1 ? 'AccessDenied' : 'NoSuchKey' } : {}),
      });
    }
    archive = await archiveOf(out, 7);
  });
  afterAll(() => archive?.close());

  it('evaluates the filter in one pass when no Insights match, with the same figures as one query per list', async () => {
    const where = "tt_name <> 'ListBuckets'";
    const probe = countingStatements(archive.archive, where);
    const summary = await summarizeArchive(probe.archive, where, { top: 2 });
    expect(probe.runs()).toBe(1);
    const count = async (sql: string): Promise<unknown[][]> => (await archive.archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
    expect(summary.events.unique).toBe(Number((await count(`SELECT count(*) FROM events WHERE ${where}`))[0]![0]));
    expect(summary.events.total).toBe(40);
    expect(summary.topEventNames).toEqual([
      { name: 'GetObject', count: 14 },
      { name: 'PutObject', count: 13 },
    ]);
    // Ties by value; events without an actor count as '(none)'.
    const actors = (await count(
      `SELECT CASE WHEN coalesce(tt_actor, '') = '' THEN '(none)' ELSE tt_actor END AS v, count(*) AS n FROM events WHERE ${where} GROUP BY v ORDER BY n DESC, v LIMIT 2`,
    )).map(([name, n]) => ({ name: String(name), count: Number(n) }));
    expect(summary.topActors).toEqual(actors);
    expect(summary.errorsByCode.map((e) => e.code).sort()).toEqual(['AccessDenied', 'NoSuchKey']);
    expect(summary.errorsByCode.reduce((n, e) => n + e.count, 0)).toBe(Number((await count(`SELECT count(*) FROM events WHERE ${where} AND errorcode <> ''`))[0]![0]));
    expect(summary.time).toEqual({ first: '2024-03-05T12:00:00.000Z', last: '2024-03-05T12:39:00.000Z' });
    expect(summary.insights).toEqual([]);
  });

  it('gives empty lists and no time when nothing matches', async () => {
    const summary = await summarizeArchive(archive.archive, 'false', {});
    expect(summary.events.unique).toBe(0);
    expect(summary.topEventNames).toEqual([]);
    expect(summary.errorsByCode).toEqual([]);
    expect(summary.time).toEqual({ first: null, last: null });
  });
});

describe('the files of the scan summary of an archive', () => {
  it('reads into JS only the files scan lists (skipped, bad), in file order, and counts the rest in SQL', async () => {
    const scratch = tempFolder('trailtop-summaryfiles-');
    const folder = join(scratch.dir, 'logs');
    mkdirSync(folder);
    for (let k = 0; k < 30; k++) writeFileSync(join(folder, `part-${String(k).padStart(2, '0')}.json`), recordsJson([{ eventID: `f${k}`, eventTime: '2024-03-05T12:00:00Z', eventName: 'GetObject' }]));
    writeFileSync(join(folder, 'z-bad.json'), '{"Records": [');
    writeFileSync(join(folder, 'a-other.json'), '{"hello": 1}');
    const archive = await archiveOfFolder(folder, join(scratch.dir, 'a.duckdb'), scratch.remove);
    try {
      let rowsRead = 0;
      const connection = new Proxy(archive.archive.connection, {
        get(target, key) {
          const value = Reflect.get(target, key, target) as unknown;
          if (typeof value !== 'function') return value;
          if (key !== 'runAndReadAll') return value.bind(target);
          return async (sql: string) => {
            const result = (await (value as (sql: string) => Promise<{ getRows(): unknown[][] }>).call(target, sql));
            if (sql.includes('imported_files')) rowsRead += result.getRows().filter((r) => typeof r[0] === 'string' && r[0].includes('/')).length;
            return result;
          };
        },
      });
      const summary = await summarizeArchive({ ...archive.archive, connection }, null);
      expect(summary.files.read).toBe(30);
      expect(summary.files.byShape.records).toBe(30);
      expect(summary.events.read).toBe(30);
      expect(summary.files.skipped.map((f) => f.path)).toEqual([join(folder, 'a-other.json')]);
      expect(summary.files.bad.map((f) => f.path)).toEqual([join(folder, 'z-bad.json')]);
      // The 30 good files' paths never reach JS.
      expect(rowsRead).toBe(2);
    } finally {
      await archive.close();
    }
  });
});
