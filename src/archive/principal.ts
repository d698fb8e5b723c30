/**
 * The principal summary (`p`, investigate/principal.ts) over an archive, as
 * SQL: the same PrincipalSummary, from the events the principal's term
 * selects (`where`, compiled by the one query compiler). Totals and the APIs
 * are two GROUP BYs; the regions, IPs, agents, keys (users, for a key) and
 * error codes are the top values the `T` view counts (aggregate.ts), so each
 * line counts what its pivot lists, as in memory. No Ink.
 */
import type { ApiCount, PrincipalSummary, SummarySection } from '../investigate/principal.js';
import type { PivotTerm } from '../investigate/pivot.js';
import { topFieldSpec, type TopField } from '../investigate/topValues.js';
import { dialectNamed } from '../query/sql/dialect.js';
import { schemaFor } from '../query/sql/index.js';
import { archiveTopValues } from './aggregate.js';
import type { Archive } from './db.js';

/** The one failure rule (model/failure.ts isFailedEvent) on the archive's columns. */
const FAILED = `(coalesce(errorcode, '') <> '' OR coalesce(${schemaFor(dialectNamed('duckdb'), 'archive').failedWithoutCode()}, false))`;
/** What the Error code column shows of a failed event (model/failure.ts errorLabel). */
const ERROR_LABEL = `CASE WHEN coalesce(errorcode, '') <> '' THEN errorcode ELSE coalesce(errormessage, '') END`;

const num = (value: unknown): number => (value === null || value === undefined ? Number.NaN : Number(value));

/**
 * The summary of the events `where` selects (`term`'s). Ties are broken as in memory, where the rows
 * are read newest first: the API or error code met first there is the one seen newest (time, then arrival).
 */
export async function archivePrincipalSummary(archive: Archive, term: PivotTerm, where: string | null, limit = 15): Promise<PrincipalSummary> {
  const filter = where ? `WHERE ${where}` : '';
  const read = async (sql: string): Promise<unknown[][]> => (await archive.connection.runAndReadAll(sql)).getRows() as unknown[][];
  const [[events, first, last, errors]] = (await read(`SELECT count(*), min(tt_time), max(tt_time), count(*) FILTER (WHERE ${FAILED}) FROM events ${filter}`)) as [[unknown, unknown, unknown, unknown]];
  // Per API and error label (NULL for the successes): counts, and where each was seen first in the newest-first order.
  const grouped = await read(
    `SELECT tt_source, tt_name, CASE WHEN ${FAILED} THEN ${ERROR_LABEL} END AS label, count(*), ` +
      `max(tt_time) AS t, first(tt_seq ORDER BY tt_time DESC NULLS LAST, tt_seq) AS s ` +
      `FROM events ${filter} GROUP BY 1, 2, 3 ORDER BY t DESC NULLS LAST, s`,
  );
  type Entry = ApiCount & { seen: number; codes: { label: string; count: number; seen: number }[] };
  const apis = new Map<string, Entry>();
  grouped.forEach(([source, name, label, count], seen) => {
    const key = JSON.stringify([source, name]);
    let entry = apis.get(key);
    if (!entry) {
      entry = { name: String(name ?? ''), source: String(source ?? ''), ok: 0, errors: 0, topError: '', seen, codes: [] };
      apis.set(key, entry);
    }
    if (label === null) entry.ok += Number(count);
    else {
      entry.errors += Number(count);
      entry.codes.push({ label: String(label), count: Number(count), seen });
    }
  });
  const all = [...apis.values()]
    .sort((a, b) => a.seen - b.seen)
    .map(({ codes, seen: _seen, ...api }) => {
      let top = '';
      let most = 0;
      // Codes in the order they were first seen: the first to reach the highest count wins, as in memory.
      for (const code of codes.sort((a, b) => a.seen - b.seen)) if (code.count > most) [top, most] = [code.label, code.count];
      return { ...api, topError: top };
    })
    .sort((a, b) => b.ok + b.errors - (a.ok + a.errors) || a.name.localeCompare(b.name));
  const section = async (title: string, field: TopField): Promise<SummarySection> => {
    const result = await archiveTopValues(archive, field, where, limit);
    return { title, field: topFieldSpec(field).queryField, values: result.values, distinct: result.distinct };
  };
  const sections: SummarySection[] = [];
  const fields: [string, TopField][] = [
    ['Regions', 'region'],
    ['Source IPs', 'ip'],
    ['User agents', 'agent'],
    term.field === 'key' ? ['Users', 'user'] : ['Access keys', 'key'],
    ['Error codes', 'error'],
  ];
  // One after the other: each is a GROUP BY on the one connection.
  for (const [title, field] of fields) {
    sections.push(await section(title, field));
  }
  return {
    term,
    events: Number(events),
    first: num(first),
    last: num(last),
    errors: Number(errors),
    apis: all.slice(0, limit),
    apiCount: all.length,
    sections,
  };
}
