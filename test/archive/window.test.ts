/**
 * The --db dashboard's data layer (src/archive/window.ts, filter.ts,
 * aggregate.ts, session.ts), without a terminal: the windowed list gives the
 * row the one-query order has at every index whichever way the user moves,
 * each move costs at most one page query, rule: and mark: work as SQL, and
 * top values and the histogram agree with the in-memory code on the same
 * folder.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveFilter, type ArchiveRule } from '../../src/archive/filter.js';
import { pageEvents, type Order } from '../../src/archive/query.js';
import { ArchiveSession, READ_MEMORY_LIMIT } from '../../src/archive/session.js';
import { openDb } from '../../src/commands/dbCommands.js';
import { join } from 'node:path';
import { ArchiveList } from '../../src/archive/window.js';
import { TOP_FIELDS, topValues } from '../../src/investigate/topValues.js';
import { readEventFile } from '../../src/ingest/read.js';
import { listFolder } from '../../src/ingest/walk.js';
import { parseQuery } from '../../src/query/parse.js';
import { EventStore } from '../../src/store/eventStore.js';
import { parseBucketSize } from '../../src/timeline/buckets.js';
import { archiveOf, countingStatements, type TestArchive } from './helpers.js';

const USERS = ['alice', 'bob', 'carol'];

/** 300 events over 40 distinct times (ties), a few errors, resources, and 5 whose time does not parse. */
function records(): object[] {
  const out: object[] = [];
  for (let k = 0; k < 300; k++) {
    const user = USERS[k % 3]!;
    out.push({
      eventID: `e${String(k).padStart(3, '0')}`,
      eventTime: new Date(Date.UTC(2024, 2, 5, 12, k % 40, 0)).toISOString().replace('.000Z', 'Z'),
      eventName: k % 2 ? 'GetObject' : 'PutObject',
      eventSource: 's3.amazonaws.com',
      awsRegion: k % 5 ? 'us-east-1' : 'eu-west-1',
      sourceIPAddress: `10.0.0.${k % 7}`,
      userIdentity: { type: 'IAMUser', userName: user, arn: `arn:aws:iam::123456789012:user/${user}`, accountId: '123456789012', accessKeyId: `AKIA${user.toUpperCase()}` },
      ...(k % 11 === 0 ? { errorCode: 'AccessDenied', errorMessage: 'no' } : {}),
      ...(k % 4 === 0 ? { resources: [{ ARN: `arn:aws:s3:::bucket-${k % 3}`, type: 'AWS::S3::Bucket' }] } : {}),
    });
  }
  for (let k = 0; k < 5; k++) out.push({ eventID: `bad${k}`, eventTime: 'yesterday', eventName: 'GetObject', userIdentity: { type: 'Root' } });
  return out;
}

const SMALL = { margin: 3, maxHeld: 40, near: 25 };

describe('the windowed list of an archive', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(records(), 37);
  });
  afterAll(() => archive?.close());

  for (const order of ['newest', 'oldest'] as const satisfies readonly Order[]) {
    it(`opens a query with its filter evaluated once: the count and the first screen in one pass (${order})`, async () => {
      // GetObject includes the 5 events whose time did not parse: last newest-first, first oldest-first.
      const where = "tt_name = 'GetObject'";
      const probe = countingStatements(archive.archive, where);
      const list = await ArchiveList.open(probe.archive, where, order, 12, undefined, SMALL);
      expect(probe.runs()).toBe(1);
      const all = await pageEvents(archive.archive, where, 10_000, undefined, order);
      expect(list.total).toBe(all.length);
      expect(list.heldRange()).toEqual([0, 12 + SMALL.margin]);
      for (let i = 0; i < 12 + SMALL.margin; i++) expect(list.at(i)?.row.id, `index ${i}`).toBe(all[i]!.row.id);
      const none = await ArchiveList.open(archive.archive, 'false', order, 12, undefined, SMALL);
      expect([none.total, none.heldRange()]).toEqual([0, [0, 0]]);
    });
  }

  for (const order of ['newest', 'oldest'] as const satisfies readonly Order[]) {
    it(`opens around an event of an earlier list at that event's index, found by its keys (${order})`, async () => {
      const where = "tt_name = 'GetObject'";
      const all = await pageEvents(archive.archive, where, 10_000, undefined, order);
      // Ties of time (40 distinct times over 300 events) and the untimed events at either end.
      for (const at of [0, 1, 7, 8, 77, all.length - 6, all.length - 1]) {
        const { list, index, present } = await ArchiveList.openAround(archive.archive, where, order, all[at]!, 10, SMALL);
        expect(index, `event ${at}`).toBe(at);
        expect(present).toBe(true);
        expect(list.total).toBe(all.length);
        expect(list.at(index)?.row.id).toBe(all[at]!.row.id);
        await list.ensure(index - 5, index + 5);
        for (let i = Math.max(0, index - 5); i < Math.min(all.length, index + 5); i++) expect(list.at(i)?.row.id, `index ${i} around ${at}`).toBe(all[i]!.row.id);
      }
      // An event the list no longer has: the cursor goes to the next one after where it would be.
      const everything = await pageEvents(archive.archive, null, 10_000, undefined, order);
      const put = everything.findIndex((e, i) => i > 20 && e.row.name === 'PutObject');
      const next = everything.slice(put).find((e) => e.row.name === 'GetObject')!;
      const { list, index, present } = await ArchiveList.openAround(archive.archive, where, order, everything[put]!, 10, SMALL);
      expect(list.at(index)?.row.id).toBe(next.row.id);
      expect(present).toBe(false);
    });
  }

  for (const order of ['newest', 'oldest'] as const satisfies readonly Order[]) {
    for (const where of [null, "tt_name = 'GetObject'"]) {
      it(`holds at every index the row the one-query order has there, whichever way it moves (${order}, ${where ?? 'all'})`, async () => {
        const all = (await pageEvents(archive.archive, where, 10_000, undefined, order)).map((e) => e.row.id);
        const list = await ArchiveList.open(archive.archive, where, order, 10, undefined, SMALL);
        expect(list.total).toBe(all.length);
        const screen = 10;
        const check = async (top: number, most = 1): Promise<void> => {
          const before = list.stats.queries;
          await list.ensure(top, top + screen);
          // One page query per move (a jump into the middle: the row there by OFFSET, then the page).
          expect(list.stats.queries - before).toBeLessThanOrEqual(most);
          const end = Math.min(list.total, top + screen);
          for (let i = Math.max(0, top); i < end; i++) expect(list.at(i)?.row.id, `index ${i}`).toBe(all[i]);
          const [a, b] = list.heldRange();
          expect(b - a).toBeLessThanOrEqual(SMALL.maxHeld + screen + SMALL.margin);
        };
        // Row by row down, a page at a time, to the end (G), back up by pages, to the top (g), into the middle.
        for (let top = 0; top < 30; top++) await check(top);
        for (let top = 30; top < all.length; top += screen) await check(top);
        await check(all.length - screen);
        for (let top = all.length - screen; top > all.length - 80; top -= screen) await check(top);
        await check(0);
        await check(all.length - screen);
        await check(Math.floor(all.length / 2), 2);
        await check(Math.floor(all.length / 2) - 1);
        await check(Math.floor(all.length / 2) + screen);
      });
    }
  }

  it('the last screen (G/End) is one query from the top, and the rows whose time did not parse are where the order puts them', async () => {
    const list = await ArchiveList.open(archive.archive, null, 'newest', 10, undefined, SMALL);
    const before = list.stats.queries;
    await list.ensure(list.total - 10, list.total);
    expect(list.stats.queries - before).toBe(1);
    expect(list.at(list.total - 1)?.row.id.startsWith('bad')).toBe(true);
    const oldest = await ArchiveList.open(archive.archive, null, 'oldest', 10, list.total, SMALL);
    expect(oldest.at(0)?.row.id.startsWith('bad')).toBe(true);
    expect(oldest.at(0)?.record['eventID']).toBe(oldest.at(0)?.row.id);
  });
});

describe('queries of the --db dashboard', () => {
  let archive: TestArchive;
  let session: ArchiveSession;
  const rules: ArchiveRule[] = [];
  beforeAll(async () => {
    archive = await archiveOf(records(), 37);
    const ast = (text: string) => {
      const parsed = parseQuery(text, { deepTerms: true });
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.ast;
    };
    rules.push({ id: 'r-denied', title: 'Denied S3 call', ast: ast('error:AccessDenied source:s3') });
    rules.push({ id: 'r-alice', title: 'Alice writes', ast: ast('user:alice name:Put*') });
    // A backreference: RE2 (DuckDB) has none, so the rule cannot run as SQL.
    const named = ast('name:x');
    if (named.kind !== 'field') throw new Error('a field term was expected');
    rules.push({ id: 'r-backref', title: 'A doubled letter', ast: { ...named, match: { kind: 'regex', source: '(a)\\1', flags: 'u' } } });
    session = new ArchiveSession(archive.archive, { rules, marks: () => new Set(['e001', 'e002', 'nothere']) });
  });
  afterAll(() => archive?.close());

  async function count(text: string): Promise<number> {
    const filter = await session.filter(text);
    if (!filter.ok) throw new Error(filter.message);
    return (await session.list(filter.where, 'newest', 1)).total;
  }

  it('rule:ID and rule:title select what the rule fires on (its AST as SQL), never 0 silently', async () => {
    const denied = await count('error:AccessDenied source:s3');
    expect(denied).toBeGreaterThan(0);
    expect(await count('rule:r-denied')).toBe(denied);
    expect(await count('rule:denied*')).toBe(denied);
    expect(await count('rule:r-alice')).toBe(await count('user:alice name:Put*'));
    // The same field twice is either (OR): the union of the two rules' events.
    const alice = await count('user:alice name:Put*');
    const both = await count('error:AccessDenied source:s3 user:alice name:Put*');
    expect(await count('rule:r-denied rule:r-alice')).toBe(denied + alice - both);
    expect(await count('-rule:r-denied')).toBe(305 - denied);
  });

  it('a rule that cannot be compiled to SQL, or a rule: naming no rule, is said with the reason', async () => {
    const backref = await session.filter('rule:r-backref');
    expect(backref.ok).toBe(false);
    expect(!backref.ok && backref.message).toMatch(/A doubled letter.*r-backref.*cannot run as SQL/);
    const none = await session.filter('rule:nosuchrule');
    expect(none.ok).toBe(false);
    expect(!none.ok && none.message).toMatch(/names none of the 3 detection rules/);
    // Without rules loaded at all, too.
    const bare = await archiveFilter('rule:x');
    expect(bare.ok).toBe(false);
  });

  it('mark: reads the marks kept for the archive', async () => {
    expect(await count('mark:*')).toBe(2);
    expect(await count('-mark:*')).toBe(303);
  });

  it('a plain word is resolved against the archive values (fuzzy), as in memory', async () => {
    expect(await count('getobjct')).toBe(await count('name:GetObject'));
  });

  it('top values (T) and their counts equal the in-memory ones on the same folder, every field', async () => {
    const store = new EventStore(0);
    for (const path of (await listFolder(archive.folder)).files) store.add((await readEventFile(path)).rows);
    store.flush();
    for (const spec of TOP_FIELDS) {
      const mem = topValues(store, store.rows(), spec.field, 10);
      const sql = await session.topValues(spec.field, null, 10);
      expect({ field: spec.field, rows: sql.rows, empty: sql.empty, distinct: sql.distinct }).toEqual({ field: spec.field, rows: mem.rows, empty: mem.empty, distinct: mem.distinct });
      expect(sql.values.map((v) => [v.value, v.count, v.first, v.last])).toEqual(mem.values.map((v) => [v.value, v.count, v.first, v.last]));
    }
    const filter = await session.filter('error:*');
    if (!filter.ok) throw new Error(filter.message);
    const users = await session.topValues('user', filter.where);
    expect(users.rows).toBe(await count('error:*'));
  });

  it('top values (T) of a query evaluate its filter once, every field, and nothing matching gives empty figures', async () => {
    const filter = await session.filter('error:* region:us-east-1');
    if (!filter.ok) throw new Error(filter.message);
    const matching = await count('error:* region:us-east-1');
    for (const spec of TOP_FIELDS) {
      const probe = countingStatements(session.archive, filter.where!);
      const top = await new ArchiveSession(probe.archive).topValues(spec.field, filter.where, 3);
      expect(probe.runs(), spec.field).toBe(1);
      expect(top.rows, spec.field).toBe(matching);
      expect(top.values.length, spec.field).toBeLessThanOrEqual(3);
    }
    const resources = await session.topValues('resource', filter.where, 100);
    // Each matching event gives one value or one empty: every event with a resource has exactly one here.
    expect(resources.values.reduce((n, v) => n + v.count, 0) + resources.empty).toBe(matching);
    expect(await session.topValues('user', 'false')).toEqual({ field: 'user', values: [], rows: 0, empty: 0, distinct: 0 });
  });

  it("caps DuckDB's buffer pool at READ_MEMORY_LIMIT on every reading path (dashboard session, scan/export --db), under the 500 MB goal", async () => {
    const setting = async (a: { connection: { runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> } }): Promise<string> =>
      String((await a.connection.runAndReadAll("SELECT current_setting('memory_limit')")).getRows()[0]![0]);
    const { openArchive } = await import('../../src/archive/db.js');
    const reference = await openArchive(join(archive.folder, '..', 'reference.duckdb'));
    await reference.connection.run(`SET memory_limit = '${READ_MEMORY_LIMIT}'`);
    const expected = await setting(reference);
    await reference.close();
    const dashboard = await ArchiveSession.open(archive.archive.path);
    const scanning = await openDb(archive.archive.path, undefined);
    try {
      expect(await setting(dashboard.archive)).toBe(expected);
      expect(await setting(scanning)).toBe(expected);
    } finally {
      await dashboard.close();
      await scanning.close();
    }
    // The limit leaves room for Node and DuckDB's allocations outside the pool (130-230 MB measured).
    expect(Number(/^(\d+)MB$/.exec(READ_MEMORY_LIMIT)?.[1])).toBeLessThanOrEqual(250);
  });

  it('the histogram (h) counts events and errors per bucket, empty buckets included, and the events in none', async () => {
    const bounds = await session.timeBounds(null);
    // The 5 events whose time does not parse are in no bucket: the bounds count them for the view to say so.
    expect(bounds).toEqual({ first: Date.UTC(2024, 2, 5, 12, 0), last: Date.UTC(2024, 2, 5, 12, 39), untimed: 5 });
    expect((await session.timeBounds("tt_name = 'PutObject'"))!.untimed).toBe(0);
    const buckets = await session.histogram(null, { size: parseBucketSize('10m')!, zone: 'utc' }, bounds!.first, bounds!.last + 1);
    expect(buckets.map((b) => b.count)).toEqual([80, 80, 70, 70]);
    expect(buckets.reduce((n, b) => n + b.errors, 0)).toBe(await count('error:*'));
    const five = await session.histogram(null, { size: parseBucketSize('1m')!, zone: 'utc' }, Date.UTC(2024, 2, 5, 11, 58), Date.UTC(2024, 2, 5, 12, 1));
    expect(five.map((b) => b.count)).toEqual([0, 0, 8]);
  });
});
