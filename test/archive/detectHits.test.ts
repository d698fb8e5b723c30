/**
 * detect --db feeds each rule's events into the findings a chunk at a time, keyed by tt_seq, and keeps
 * no event ID: a 10M-event archive, where SigmaHQ's assume-role rule fires on 6M events, ran out of
 * JavaScript heap reading them all at once. The details' rules come by the row's tt_seq; a rule whose
 * run fails part way leaves none of its hits and is listed as not run.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionCancelled, detectArchive, findingsAmong } from '../../src/archive/detect.js';
import { ruleCondition } from '../../src/archive/filter.js';
import { pageEvents } from '../../src/archive/query.js';
import { parseRuleFile } from '../../src/detect/sigmaRule.js';
import type { Rule, RuleSet } from '../../src/detect/rule.js';
import { ruleText } from '../detect/ruleText.js';
import { archiveOf, type TestArchive } from './helpers.js';

const call = (id: string, minute: number, eventName: string): object => ({
  eventID: id,
  eventTime: new Date(Date.UTC(2024, 2, 5, 9, minute)).toISOString().replace('.000Z', 'Z'),
  eventName,
  eventSource: 'sts.amazonaws.com',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

const EVENTS = Array.from({ length: 5000 }, (_, k) => call(`e-${k}`, k % 60, k % 1000 === 0 ? 'GetFederationToken' : 'AssumeRole'));

function ruleSet(): RuleSet {
  const rule = (id: string, name: string) => {
    const parsed = parseRuleFile(ruleText(`selection:\n  eventName: ${name}\ncondition: selection`).replace('id: r1', `id: ${id}`), `${id}.yml`, 'test');
    expect(parsed.skipped).toEqual([]);
    return parsed.rules[0]!;
  };
  return { rules: [rule('assume', 'AssumeRole'), rule('federation', 'GetFederationToken')], skipped: [] };
}

type Chunks = AsyncIterableIterator<unknown[][]>;

/** The connection with each streamed result's chunks passed through `wrap` (what detect.ts feedHits reads). */
function withStreamedChunks(connection: DuckDBConnection, wrap: (rows: Chunks) => Chunks): DuckDBConnection {
  return new Proxy(connection, {
    get(target, key) {
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      if (key !== 'stream') return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await (value as (...args: unknown[]) => Promise<{ yieldRows(): Chunks }>).apply(target, args);
        return { yieldRows: () => wrap(result.yieldRows()) };
      };
    },
  });
}

describe('detect on an archive', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf(EVENTS, 1000);
  }, 60_000);
  afterAll(() => archive?.close());

  it('counts every hit, more than one chunk of them, and keeps no event ID', async () => {
    const run = await detectArchive(archive.archive, ruleSet());
    expect(run.findings.list('level').map((f) => [f.rule.id, f.count])).toEqual([
      ['assume', 4995],
      ['federation', 5],
    ]);
    expect(run.findings.eventsWithFindings).toBe(5000);
    expect(run.findings.rulesOf('e-0')).toEqual([]);
    // The details ask by the row's tt_seq.
    const [event] = await pageEvents(archive.archive, "eventid = 'e-1000'", 1);
    expect(event!.row.id).toBe('e-1000');
    expect(run.findings.rulesOfKey(event!.cursor.seq).map((r) => r.id)).toEqual(['federation']);
  });

  it('stops between the chunks of a rule once cancelled, not at its end', async () => {
    let chunks = 0;
    const counting = withStreamedChunks(archive.archive.connection, async function* (rows) {
      for await (const chunk of rows) {
        chunks++;
        yield chunk;
      }
    });
    // The first rule's 4,995 events come in three chunks; cancelled once the first is in.
    await expect(detectArchive(archive.archive, ruleSet(), { connection: counting, cancelled: () => chunks >= 1 })).rejects.toBeInstanceOf(DetectionCancelled);
    expect(chunks).toBe(1);
  });

  it("counts the rules among a query's events from the run's hits, across chunks, as each rule's SQL counts them", async () => {
    const run = await detectArchive(archive.archive, ruleSet());
    const connection = await archive.archive.connect();
    let chunks = 0;
    const counting = withStreamedChunks(connection, async function* (rows) {
      for await (const chunk of rows) {
        chunks++;
        yield chunk;
      }
    });
    // Minutes 10-49: 3 of the 5 federation events (k = 0, 1000 ... 4000 fall in minutes 0, 40, 20, 0, 40).
    const where = "tt_time BETWEEN epoch_ms(TIMESTAMP '2024-03-05 09:10:00') AND epoch_ms(TIMESTAMP '2024-03-05 09:49:00')";
    const among = await findingsAmong(counting, run.findings, where);
    expect(chunks).toBeGreaterThan(1);
    const bySql = async (rule: Rule) => {
      const [[count, first, last]] = (await connection.runAndReadAll(`SELECT count(*), min(tt_time), max(tt_time) FROM events WHERE (${where}) AND (${ruleCondition(rule.ast)})`)).getRows() as [[bigint, unknown, unknown]];
      return { rule: rule.id, count: Number(count), first: Number(first), last: Number(last) };
    };
    const expected = await Promise.all(run.set.rules.map(bySql));
    expect(among!.map((f) => ({ rule: f.rule.id, count: f.count, first: f.first, last: f.last })).sort((a, b) => a.rule.localeCompare(b.rule))).toEqual(expected.sort((a, b) => a.rule.localeCompare(b.rule)));
    expect(expected.every((f) => f.count > 0)).toBe(true);
    // Cancelled: stops at the next chunk and says so (null).
    expect(await findingsAmong(connection, run.findings, where, () => true)).toBeNull();
    connection.closeSync();
  });

  it("reads only the query's events that fired a rule, not every event it selects", async () => {
    // The federation rule alone: 5 of the 5,000 events fire it; the query selects them all.
    const set = ruleSet();
    const run = await detectArchive(archive.archive, { rules: set.rules.filter((r) => r.id === 'federation'), skipped: [] });
    const connection = await archive.archive.connect();
    let read = 0;
    const counting = withStreamedChunks(connection, async function* (rows) {
      for await (const chunk of rows) {
        read += chunk.length;
        yield chunk;
      }
    });
    const among = await findingsAmong(counting, run.findings, 'true');
    expect(among!.map((f) => [f.rule.id, f.count])).toEqual([['federation', 5]]);
    // Streamed whole, the query's 5,000 events were read to find them (1.5 s for region:us-* on 10M).
    expect(read).toBe(5);
    connection.closeSync();
  });

  it('a rule whose run fails part way keeps none of its hits and is listed as not run', async () => {
    let streams = 0;
    const failing = withStreamedChunks(archive.archive.connection, async function* (rows) {
      const first = ++streams === 1;
      for await (const chunk of rows) {
        yield chunk;
        // The first rule's stream: one chunk, then an error.
        if (first) throw new Error('the disk went away');
      }
    });
    const run = await detectArchive(archive.archive, ruleSet(), { connection: failing });
    expect(run.findings.list('level').map((f) => [f.rule.id, f.count])).toEqual([['federation', 5]]);
    expect(run.findings.eventsWithFindings).toBe(5);
    expect(run.set.skipped).toEqual([{ path: 'assume.yml', reason: 'not run on the archive: the disk went away' }]);
  });
});
