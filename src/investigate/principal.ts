/**
 * A principal summary (like suzaku's aws-ct-summary): for one user, role,
 * session, principal ARN or access key, when it was first and last seen, how
 * many events, which APIs it called with success and error counts, and the
 * regions, source IPs, user agents and access keys (or users, for a key) it
 * used. Each line carries the query term it pivots on. Plain data, no Ink.
 */
import { errorLabel, isFailedEvent } from '../model/failure.js';
import { compileQuery, filterStore } from '../query/index.js';
import type { EventRow } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';
import { termText, type PivotTerm } from './pivot.js';
import type { Sliced } from '../query/sliced.js';
import { prepareTopValues, topFieldSpec, topValues, topValuesBacklog, type TopField, type TopValue } from './topValues.js';

export interface ApiCount {
  name: string;
  source: string;
  ok: number;
  errors: number;
  /** The most frequent error code among the errors ('' when none). */
  topError: string;
}

export interface SummarySection {
  title: string;
  /** The query field a value of this section pivots on. */
  field: string;
  values: TopValue[];
  distinct: number;
}

export interface PrincipalSummary {
  term: PivotTerm;
  events: number;
  first: number;
  last: number;
  /** Failed events, by the rule `error:*` uses (a failed console sign-in included). */
  errors: number;
  apis: ApiCount[];
  /** Distinct APIs (apis holds at most `limit`). */
  apiCount: number;
  sections: SummarySection[];
}

/** The fields a summary may start from (actor: a user counted in the top values, T). */
export const PRINCIPAL_FIELDS: ReadonlySet<string> = new Set(['user', 'actor', 'key']);

function apiCounts(rows: readonly EventRow[]): ApiCount[] {
  // By source, then name: the strings are the store's shared copies, so no key is built per row.
  const bySource = new Map<string, Map<string, ApiCount & { codes: Map<string, number> }>>();
  const all: Array<ApiCount & { codes: Map<string, number> }> = [];
  for (const row of rows) {
    let byName = bySource.get(row.source);
    if (!byName) {
      byName = new Map();
      bySource.set(row.source, byName);
    }
    let entry = byName.get(row.name);
    if (!entry) {
      entry = { name: row.name, source: row.source, ok: 0, errors: 0, topError: '', codes: new Map() };
      byName.set(row.name, entry);
      all.push(entry);
    }
    // The one failure rule (model/failure.ts): a failed console sign-in has no errorCode but failed.
    if (isFailedEvent(row)) {
      entry.errors++;
      const label = errorLabel(row);
      entry.codes.set(label, (entry.codes.get(label) ?? 0) + 1);
    } else entry.ok++;
  }
  return all
    .map(({ codes, ...api }) => {
      let top = '';
      let most = 0;
      for (const [code, count] of codes) if (count > most) [top, most] = [code, count];
      return { ...api, topError: top };
    })
    .sort((a, b) => b.ok + b.errors - (a.ok + a.errors) || a.name.localeCompare(b.name));
}

/** The sections of a summary, in order: what each counts by (top values of the principal's events). */
function sectionsFor(term: PivotTerm): Array<[title: string, field: TopField]> {
  return [
    ['Regions', 'region'],
    ['Source IPs', 'ip'],
    ['User agents', 'agent'],
    term.field === 'key' ? ['Users', 'user'] : ['Access keys', 'key'],
    ['Error codes', 'error'],
  ];
}

/** Entries the summary's counts must build first (topValuesBacklog): a million at 1M high-card the first time. */
export function principalBacklog(store: EventStore, term: PivotTerm): number {
  return sectionsFor(term).reduce((sum, [, field]) => sum + topValuesBacklog(store, field), 0);
}

/** Builds what the summary's counts need, a slice at a time (topValues.ts prepareTopValues); principalSummary is then counting only. */
export function* preparePrincipalSummary(store: EventStore, term: PivotTerm): Sliced<void> {
  for (const [, field] of sectionsFor(term)) yield* prepareTopValues(store, field);
}

/** The summary of the events `term` selects (through the one query engine). */
export function principalSummary(store: EventStore, term: PivotTerm, limit = 15): PrincipalSummary {
  const compiled = compileQuery(termText(term));
  const rows = compiled.ok ? filterStore(store, compiled.query) : [];
  let first = Infinity;
  let last = -Infinity;
  let errors = 0;
  for (const row of rows) {
    if (row.time < first) first = row.time;
    if (row.time > last) last = row.time;
    // As `error:*` counts them, so the summary's errors equal the pivot's.
    if (isFailedEvent(row)) errors++;
  }
  // Each line pivots on the term that matches what it counted (topValues.ts TOP_FIELDS).
  const section = (title: string, field: TopField): SummarySection => {
    const result = topValues(store, rows, field, limit);
    return { title, field: topFieldSpec(field).queryField, values: result.values, distinct: result.distinct };
  };
  const apis = apiCounts(rows);
  const sections = sectionsFor(term).map(([title, field]) => section(title, field));
  return {
    term,
    events: rows.length,
    first: first === Infinity ? NaN : first,
    last: last === -Infinity ? NaN : last,
    errors,
    apis: apis.slice(0, limit),
    apiCount: apis.length,
    sections,
  };
}
