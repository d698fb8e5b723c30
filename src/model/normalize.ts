import { createHash } from 'node:crypto';
import { actorLabel, objectOf, principalArnOf, text, userNamesOf } from './actor.js';
import { nameFromArn, resourcesOf } from './resources.js';
import { consoleSignIn, errorMessageOf } from './failure.js';
import type { RecordBatch } from './recordBatch.js';
import type { EventRow, InsightAttribution, InsightDetails, InsightStatistic, ResourceRef } from './types.js';
import { utcTime } from './utc.js';

type Loose = Record<string, unknown>;

const EMPTY: Loose = {};

/**
 * Turns one raw CloudTrail record into the compact row the store holds.
 * Never throws: every field tolerates null, missing and wrong-typed values.
 * The row literal lists every property in the EventRow order so all rows share
 * one hidden class; no spreads.
 *
 * The record is the `index`-th of `batch`'s file; its request ID and rare
 * fields are written to the batch.
 *
 * `fallbackId` is used when the record has no eventID (lookup-events' outer
 * EventId); without either, the id is a hash of the record's content so
 * identical copies still collapse.
 */
export function normalize(raw: unknown, batch: RecordBatch, index: number, fallbackId = ''): EventRow {
  const record = objectOf(raw) ?? EMPTY;
  const identity = objectOf(record.userIdentity);
  const insight = insightOf(record.insightDetails);
  const rawTime = record.eventTime;
  const time = parseEventTime(rawTime);
  const source = text(record.eventSource) || (insight ? insight.eventSource : '');
  const row: EventRow = {
    id: text(record.eventID) || fallbackId || contentId(record),
    time,
    name: text(record.eventName) || (insight ? insight.eventName : ''),
    source,
    region: text(record.awsRegion),
    actor: actorLabel(identity),
    identityType: identity ? text(identity.type) : '',
    principalArn: principalArnOf(identity),
    userNames: userNamesOf(identity),
    account: identity ? text(identity.accountId) : '',
    recipientAccount: text(record.recipientAccountId),
    accessKey: identity ? text(identity.accessKeyId) : '',
    sourceIp: text(record.sourceIPAddress),
    userAgent: text(record.userAgent),
    errorCode: text(record.errorCode),
    errorMessage: errorMessageOf(record, text(record.errorMessage)),
    readOnly: booleanOf(record.readOnly),
    eventType: text(record.eventType),
    category: text(record.eventCategory),
    resources: resourcesOf(record, source),
    batch,
    recordIndex: index,
    seq: -1,
  };
  batch.setRequestId(index, text(record.requestID));
  const timeRaw = Number.isNaN(time) ? timeText(rawTime) : '';
  const sharedEventId = text(record.sharedEventID);
  const signIn = consoleSignIn(record);
  if (timeRaw !== '' || sharedEventId !== '' || insight !== null || signIn !== null) {
    batch.setExtra(index, signIn ? { timeRaw, sharedEventId, insight, signIn } : { timeRaw, sharedEventId, insight });
  }
  return row;
}

/**
 * One element of `aws cloudtrail lookup-events` output: the real record is the
 * JSON string in CloudTrailEvent; the outer EventId, EventName, EventTime,
 * EventSource, Username, AccessKeyId, ReadOnly and Resources fill what the
 * inner record lacks (or all of it when the string does not parse).
 */
export function normalizeLookupEvent(outerValue: unknown, batch: RecordBatch, index: number): EventRow {
  const outer = objectOf(outerValue) ?? EMPTY;
  const inner = parseLookupRecord(outer);
  const row = normalize(inner ?? EMPTY, batch, index, text(outer.EventId));
  if (row.name === '' && text(outer.EventName)) {
    row.name = text(outer.EventName);
  }
  if (row.source === '' && text(outer.EventSource)) {
    row.source = text(outer.EventSource);
  }
  if (Number.isNaN(row.time) && outer.EventTime !== undefined) {
    const time = parseEventTime(outer.EventTime);
    const extra = batch.extra(index);
    if (!Number.isNaN(time)) {
      row.time = time;
      if (extra) batch.setExtra(index, { ...extra, timeRaw: '' });
    } else if ((extra?.timeRaw ?? '') === '') {
      batch.setExtra(index, { ...extra, timeRaw: timeText(outer.EventTime), sharedEventId: extra?.sharedEventId ?? '', insight: extra?.insight ?? null });
    }
  }
  const username = text(outer.Username);
  if (row.actor === '' && username) {
    row.actor = username;
    if (!row.userNames.includes(username)) row.userNames.push(username);
  }
  if (row.accessKey === '' && text(outer.AccessKeyId)) {
    row.accessKey = text(outer.AccessKeyId);
  }
  if (row.readOnly === null) row.readOnly = booleanOf(outer.ReadOnly);
  if (row.resources.length === 0 && Array.isArray(outer.Resources)) {
    for (const item of outer.Resources) {
      const entry = objectOf(item);
      if (!entry) continue;
      const name = text(entry.ResourceName);
      const arn = name.startsWith('arn:') ? name : '';
      row.resources.push(resourceRef(text(entry.ResourceType), arn ? nameFromArn(arn) : name, arn));
      }
  }
  return row;
}

/** The record inside a lookup-events element, or null when CloudTrailEvent is missing or not a JSON object. */
export function parseLookupRecord(outer: Loose): Loose | null {
  const inner = outer.CloudTrailEvent;
  if (typeof inner === 'string') {
    try {
      return objectOf(JSON.parse(inner));
    } catch {
      return null;
    }
  }
  return objectOf(inner);
}

function resourceRef(type: string, name: string, arn: string): ResourceRef {
  return { type, name, arn, accountId: '' };
}

/** readOnly as a boolean: JSON booleans and the strings "true"/"false" (any case); null otherwise. */
export function booleanOf(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return null;
}

function timeText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/** The furthest instant a Date holds, either side of 1970 (ECMAScript's time range). */
const MAX_DATE_MS = 8.64e15;

/**
 * eventTime as epoch ms, NaN when it does not parse. Trail files use
 * `2023-07-19T21:33:41Z` (fast path); lookup-events use a local offset
 * (`2022-02-08 09:23:37+11:00`); CloudTrail Lake omits the zone, which means UTC.
 * Numbers are epoch seconds (below 1e11) or ms; past what a Date holds (8.64e15 ms either way) they
 * are no time (an archive column of 64-bit ms could not hold 1e308 either). Never uses the local time zone.
 */
export function parseEventTime(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return NaN;
    const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
    return Math.abs(ms) <= MAX_DATE_MS ? ms : NaN;
  }
  if (typeof value !== 'string') return NaN;
  if (value.length === 20 && value.charCodeAt(19) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */) {
    const fast = fastIso(value);
    if (!Number.isNaN(fast)) return fast;
  }
  const match = ISO_LIKE.exec(value.trim());
  if (!match) return NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = ''] = match;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  const base = utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(base)) return NaN;
  if (zone === '' || zone === 'Z' || zone === 'z' || zone === 'UTC') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (offsetHours > 23 || offsetMinutes > 59) return NaN;
  return base - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
}

/** `YYYY-MM-DDTHH:MM:SSZ` without a regex; NaN when any position is not a digit. */
function fastIso(s: string): number {
  const n = (at: number, len: number): number => {
    let v = 0;
    for (let k = at; k < at + len; k++) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return NaN;
      v = v * 10 + c;
    }
    return v;
  };
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  return utc(n(0, 4), n(5, 2), n(8, 2), n(11, 2), n(14, 2), n(17, 2), 0);
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60)) return NaN;
  if (d > 28 && d > daysInMonth(y, mo)) return NaN;
  return utcTime(y, mo - 1, d, h, mi, Math.min(s, 59), ms);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, mo: number): number {
  if (mo !== 2) return MONTH_DAYS[mo - 1]!;
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
}

function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** insightDetails of an Insights record, or null for every other record. */
export function insightOf(value: unknown): InsightDetails | null {
  const details = objectOf(value);
  if (!details) return null;
  const context = objectOf(details.insightContext);
  const statistics = context ? objectOf(context.statistics) : null;
  const baseline = statistics ? objectOf(statistics.baseline) : null;
  const insight = statistics ? objectOf(statistics.insight) : null;
  const attributions: InsightAttribution[] = [];
  if (context && Array.isArray(context.attributions)) {
    for (const item of context.attributions) {
      const entry = objectOf(item);
      if (!entry) continue;
      attributions.push({
        attribute: text(entry.attribute),
        insight: statisticsOf(entry.insight),
        baseline: statisticsOf(entry.baseline),
      });
    }
  }
  return {
    state: text(details.state),
    eventSource: text(details.eventSource),
    eventName: text(details.eventName),
    insightType: text(details.insightType),
    errorCode: text(details.errorCode),
    baselineAverage: baseline ? numberOf(baseline.average) : null,
    insightAverage: insight ? numberOf(insight.average) : null,
    insightDuration: statistics ? numberOf(statistics.insightDuration) : null,
    baselineDuration: statistics ? numberOf(statistics.baselineDuration) : null,
    attributions,
  };
}

function statisticsOf(value: unknown): InsightStatistic[] {
  const out: InsightStatistic[] = [];
  if (!Array.isArray(value)) return out;
  for (const item of value) {
    const entry = objectOf(item);
    if (!entry) continue;
    out.push({ value: text(entry.value), average: numberOf(entry.average) ?? 0 });
  }
  return out;
}

/**
 * `content:<sha1>` of the record's canonical JSON (keys sorted at every level),
 * so the same record pretty-printed or with keys in another order gets the same id.
 */
export function contentId(record: Loose): string {
  let canonical: string;
  try {
    canonical = canonicalJson(record);
  } catch {
    // Nesting too deep for the stack: an attacker's record; hash what we can.
    canonical = Object.keys(record).sort().join(',');
  }
  return `content:${createHash('sha1').update(canonical).digest('hex')}`;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let k = 0; k < value.length; k++) out += (k > 0 ? ',' : '') + canonicalJson(value[k]);
    return `${out}]`;
  }
  const object = value as Loose;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    out += `${k > 0 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(object[key])}`;
  }
  return `${out}}`;
}
