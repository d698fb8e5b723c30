/**
 * Reading a page's rows by their keys (src/archive/keyClusters.ts): keys spread over the archive read
 * the records of their own rows, not of every row between them (a rare word's page on 10M events cost
 * twice its count so), and the rows, their order and their records are the old single statement's.
 * Counted, not timed: EXPLAIN ANALYZE says how many rows each scan that reads tt_record let through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Archive } from '../../src/archive/db.js';
import { KEY_READING, keyClusters, keyParts, keyRuns, type KeyReading } from '../../src/archive/keyClusters.js';
import { countAndFirstPage, eachEvent, eventsAtSeqs, ORDER_BY, pageEvents, type ArchivedEvent, type Cursor, type Order } from '../../src/archive/query.js';
import { READ_MEMORY_LIMIT } from '../../src/archive/session.js';
import { archiveOf, recordingStatements, type TestArchive } from './helpers.js';

const COUNT = 400;
/** Every 100th event, from the 50th, is by `rare`; so is one whose time does not parse. */
const RARE = [50, 150, 250, 350];

function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < COUNT; k++) {
    out.push({
      eventID: `e${String(k).padStart(3, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 0, k, 0)).toISOString().replace('.000Z', 'Z'),
      eventName: k % 2 ? 'GetObject' : 'PutObject',
      userIdentity: { type: 'IAMUser', userName: RARE.includes(k) ? 'rare' : 'common' },
    });
  }
  for (let k = 0; k < 4; k++) out.push({ eventID: `bad${k}`, eventTime: 'yesterday', eventName: 'GetObject', userIdentity: { type: 'IAMUser', userName: k === 2 ? 'rare' : 'common' } });
  return out;
}

const RARE_WHERE = "tt_actor = 'rare'";
/** Small enough for 400 events: clusters of keys at most 8 apart, up to 2 within 120 of each other one scan, at most 2 scans a statement. */
const SMALL: KeyReading = { gap: 8, reach: 120, ranges: 2, parts: 2 };
const ORDERS = ['newest', 'oldest'] as const satisfies readonly Order[];

interface PlanNode {
  operator_name?: string;
  operator_cardinality?: number;
  extra_info?: { Projections?: string | string[] };
  children?: PlanNode[];
}

/** Rows the scans that read tt_record let through (their records are read), summed over these statements. */
async function recordsRead(archive: Archive, statements: readonly string[]): Promise<number> {
  let read = 0;
  await archive.connection.run("PRAGMA enable_profiling = 'json'");
  try {
    for (const sql of statements.filter((s) => s.includes('tt_record'))) {
      const plan = (await archive.connection.runAndReadAll(`EXPLAIN (ANALYZE, FORMAT json) ${sql}`)).getRows()[0]![1];
      const walk = (node: PlanNode): void => {
        if (/SCAN/.test(node.operator_name ?? '') && [node.extra_info?.Projections ?? []].flat().includes('tt_record')) read += node.operator_cardinality ?? 0;
        node.children?.forEach(walk);
      };
      walk(JSON.parse(String(plan)) as PlanNode);
    }
  } finally {
    await archive.connection.run('PRAGMA disable_profiling');
  }
  return read;
}

/** The statement that read a page's keys before: their whole time range and the list of tt_seq. */
function oldStatement(keys: readonly Cursor[], order: Order): string {
  const times = keys.filter((k) => k.time !== null).map((k) => k.time!);
  const range: string[] = [];
  if (times.length > 0) range.push(`tt_time BETWEEN ${Math.min(...times)} AND ${Math.max(...times)}`);
  if (times.length < keys.length) range.push('tt_time IS NULL');
  return `SELECT eventid, tt_time, tt_seq, tt_record FROM events WHERE (${range.join(' OR ')}) AND tt_seq IN (${keys.map((k) => k.seq).join(', ')}) ORDER BY ${ORDER_BY[order]}`;
}

/** What a reader sees of the events: id, keys and the stored record's text. */
const seen = (events: readonly ArchivedEvent[]): string[] => events.map((e) => `${e.row.id} ${String(e.cursor.time)} ${e.cursor.seq} ${JSON.stringify(e.record)}`);

async function oldRead(archive: Archive, keys: readonly Cursor[], order: Order): Promise<string[]> {
  const rows = (await archive.connection.runAndReadAll(oldStatement(keys, order))).getRows();
  return rows.map(([id, time, seq, record]) => `${String(id)} ${time === null ? 'null' : String(Number(time))} ${Number(seq)} ${JSON.stringify(JSON.parse(String(record)))}`);
}

describe('reading a page by its keys', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(records(), 20);
  });
  afterAll(() => archive?.close());

  for (const order of ORDERS) {
    it(`a page of keys spread over the archive reads the records of its own rows only, as the old statement's rows (${order})`, async () => {
      const recording = recordingStatements(archive.archive);
      const page = await pageEvents(recording.archive, RARE_WHERE, 100, undefined, order, SMALL);
      expect(page.map((e) => e.row.id).sort()).toEqual(['bad2', 'e050', 'e150', 'e250', 'e350']);
      // Its time does not parse: last newest first, first oldest first.
      expect(page[order === 'newest' ? page.length - 1 : 0]!.row.id).toBe('bad2');
      expect(seen(page)).toEqual(await oldRead(archive.archive, page.map((e) => e.cursor), order));
      // 5 clusters, in parts of at most 2, at most 2 parts a statement: several statements, which read 5 rows; the old one read the 300 between.
      const runs = keyRuns(page.map((e) => e.cursor).sort((a, b) => a.seq - b.seq), SMALL);
      expect(runs.length).toBeGreaterThan(1);
      expect(recording.statements.filter((s) => s.includes('tt_record'))).toHaveLength(runs.length);
      expect(recording.statements.some((s) => / OR tt_seq BETWEEN /.test(s))).toBe(true);
      expect(await recordsRead(archive.archive, recording.statements)).toBe(5);
      expect(await recordsRead(archive.archive, [oldStatement(page.map((e) => e.cursor), order)])).toBeGreaterThan(300);
    });

    it(`the first page with the count reads its own rows only too (${order})`, async () => {
      const recording = recordingStatements(archive.archive);
      const { total, page } = await countAndFirstPage(recording.archive, RARE_WHERE, 3, order, SMALL);
      expect(total).toBe(5);
      const all = await pageEvents(archive.archive, RARE_WHERE, 100, undefined, order);
      expect(seen(page)).toEqual(seen(all.slice(0, 3)));
      expect(seen(page)).toEqual(await oldRead(archive.archive, page.map((e) => e.cursor), order));
      expect(await recordsRead(archive.archive, recording.statements)).toBe(3);
    });

    it(`adjacent keys (a broad query, scrolling) read as before: one statement, no more records, the same rows (${order})`, async () => {
      let cursor: Cursor | undefined;
      for (let k = 0; k < 6; k++) {
        for (const reading of [SMALL, undefined]) {
          const recording = recordingStatements(archive.archive);
          const page = await pageEvents(recording.archive, null, 30, cursor, order, reading);
          const keys = page.map((e) => e.cursor);
          expect(seen(page)).toEqual(await oldRead(archive.archive, keys, order));
          // One statement with the real gap; the small one cuts the untimed events (arrived last) from the oldest timed ones.
          if (!reading) expect(recording.statements.filter((s) => s.includes('tt_record'))).toHaveLength(1);
          expect(await recordsRead(archive.archive, recording.statements)).toBeLessThanOrEqual(await recordsRead(archive.archive, [oldStatement(keys, order)]));
        }
        // Pages of 30 onwards: the one with the untimed events (the last newest first, the first oldest first) among them.
        cursor = (await pageEvents(archive.archive, null, 70 * (k + 1), undefined, order)).at(-1)!.cursor;
      }
    });

    it(`export's pages of spread keys: the same events in order, their own records read (${order})`, async () => {
      const recording = recordingStatements(archive.archive);
      const ids: string[] = [];
      for await (const page of eachEvent(recording.archive, RARE_WHERE, order, 2, 4, SMALL)) ids.push(...page.map((e) => e.row.id));
      expect(ids).toEqual((await pageEvents(archive.archive, RARE_WHERE, 100, undefined, order)).map((e) => e.row.id));
      expect(await recordsRead(archive.archive, recording.statements)).toBe(5);
    });

    it(`events at arrival numbers: more clusters than a statement holds, in order, numbers of no event left out (${order})`, async () => {
      const all = await pageEvents(archive.archive, null, 1000, undefined, order);
      const wanted = all.filter((_, k) => k % 37 === 3 || k % 37 === 4);
      const seqs = [...wanted.map((e) => e.cursor.seq), 1_000_000, ...wanted.map((e) => e.cursor.seq)].reverse();
      const recording = recordingStatements(archive.archive);
      const found = await eventsAtSeqs(recording.archive, seqs, order, SMALL);
      expect(seen(found)).toEqual(seen(wanted));
      expect(recording.statements.length).toBeGreaterThan(1);
      // Neighbours in the order may lie a few arrivals apart: the rows between them in a cluster are read too, no more.
      const spans = keyClusters(wanted.map((e) => e.cursor), SMALL.gap).reduce((sum, c) => sum + c[c.length - 1]!.seq - c[0]!.seq + 1, 0);
      expect(await recordsRead(archive.archive, recording.statements)).toBeLessThanOrEqual(spans);
      expect(spans).toBeLessThan(COUNT / 2);
      expect(seen(await eventsAtSeqs(archive.archive, seqs, order))).toEqual(seen(wanted));
    });
  }

  it("reads hundreds of arrival numbers within the dashboard's memory cap (a chain --db's candidates)", async () => {
    // One part per number ran out of DuckDB's memory at READ_MEMORY_LIMIT past ~200 numbers, however small the archive.
    const all = await pageEvents(archive.archive, null, 1000, undefined, 'newest');
    const wanted = all.filter((_, k) => k % 4 !== 0);
    await archive.archive.connection.run(`SET memory_limit = '${READ_MEMORY_LIMIT}'`);
    try {
      const found = await eventsAtSeqs(archive.archive, wanted.map((e) => e.cursor.seq), 'newest');
      expect(seen(found)).toEqual(seen(wanted));
    } finally {
      await archive.archive.connection.run('RESET memory_limit');
    }
  });
});

describe("reading keys within the dashboard's memory cap", () => {
  it('export reads keys far apart in statements of at most 8 scans', async () => {
    // On the 10M archive each scan held ~5-6 MB (a block of each of the 14 columns, per thread): export's
    // statements of 64 scans ran out of memory at READ_MEMORY_LIMIT (200 MB, shared with the findings and a
    // download); 8 leave room. A small archive cannot show it (one row group): the statements' shape can.
    const archive = await archiveOf(records(), 20);
    try {
      const recording = recordingStatements(archive.archive);
      const reading = { ...KEY_READING, gap: 0, reach: 0 };
      const ids: string[] = [];
      for await (const page of eachEvent(recording.archive, null, 'newest', 500, 1000, reading)) ids.push(...page.map((e) => e.row.id));
      expect(ids).toEqual((await pageEvents(archive.archive, null, 1000)).map((e) => e.row.id));
      const scans = recording.statements.filter((s) => s.includes('tt_record')).map((s) => s.split('SELECT * FROM events WHERE').length - 1);
      expect(scans.length).toBeGreaterThan(COUNT / 8);
      expect(Math.max(...scans)).toBeLessThanOrEqual(8);
    } finally {
      await archive.close();
    }
  });
});

describe('key clusters', () => {
  it('cuts where arrival numbers lie more than the gap apart, whatever order the keys come in', () => {
    const keys = [40, 1, 3, 30, 12, 20].map((seq) => ({ time: null, seq }));
    expect(keyClusters(keys, 8).map((c) => c.map((k) => k.seq))).toEqual([[1, 3], [12, 20], [30], [40]]);
    expect(keyClusters(keys, 100)).toHaveLength(1);
    expect(keyClusters([], 8)).toEqual([]);
  });

  it('gathers clusters within reach of one another into parts of at most `ranges` clusters', () => {
    const keys = [1, 3, 12, 20, 30, 200, 205, 900].map((seq) => ({ seq }));
    const seqs = (parts: { seq: number }[][][]) => parts.map((part) => part.map((cluster) => cluster.map((k) => k.seq)));
    expect(seqs(keyParts(keys, { gap: 8, reach: 100, ranges: 8 }))).toEqual([[[1, 3], [12, 20], [30]], [[200, 205]], [[900]]]);
    expect(seqs(keyParts(keys, { gap: 8, reach: 100, ranges: 2 }))).toEqual([[[1, 3], [12, 20]], [[30]], [[200, 205]], [[900]]]);
    expect(seqs(keyParts(keys, { gap: 8, reach: 0, ranges: 8 }))).toEqual([[[1, 3]], [[12, 20]], [[30]], [[200, 205]], [[900]]]);
  });

  it('runs keep the keys in their order, each of at most `parts` parts', () => {
    const keys = Array.from({ length: 50 }, (_, k) => ({ time: 1000 - k, seq: (k * 7919) % 1000 }));
    const reading = { gap: 8, reach: 30, ranges: 3, parts: 4 };
    const runs = keyRuns(keys, reading);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.flat()).toEqual(keys);
    expect(runs.every((run) => keyParts(run, reading).length <= 4)).toBe(true);
    expect(keyRuns(keys, { ...reading, gap: 1000 })).toEqual([keys]);
  });
});
