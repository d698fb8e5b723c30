/**
 * What the detail panel shows for a row, as plain data: summary fields,
 * Insights statistics, and the resources with their links. The component
 * only lays these lines out.
 */
import { isFailedConsoleLogin } from '../model/failure.js';
import { consoleSignInOf, isLossy, requestIdOf, rowInsight, sharedEventIdOf, timeRawOf } from '../model/recordBatch.js';
import { formatPerMinute } from '../model/insights.js';
import { SHARED_WITH } from '../model/resources.js';
import type { EventRow, ResourceRef } from '../model/types.js';
import { displayName, displaySource, formatTime, zoneLabel, type TimeZoneMode } from './format.js';
import { eventConsoleLink, eventLinkNote, linkNotAvailable, missingLinkReasons, resourceLinks } from '../links/links.js';
import type { PivotTerm } from '../investigate/pivot.js';
import { needsSanitizing, sanitize } from '../term/sanitize.js';
import { chainLines, type ChainState } from './investigate/chainLines.js';
import { own } from '../term/glyphs.js';

export type Tone = 'normal' | 'heading' | 'error' | 'insight' | 'muted' | 'link';

export interface LinkItem {
  /** `value`: a summary value (user, IP, key ...) that `=`, `+` and `-` pivot on and `y` copies. */
  kind: 'event' | 'console' | 'config' | 'value';
  label: string;
  url: string | null;
  resource: ResourceRef | null;
  /** The query term this item pivots on (`=`, `+`, `-`); absent when it does not pivot. */
  pivot?: PivotTerm;
  /** The text `y` copies for a value item. */
  value?: string;
  /** The event a session chain link stands for: Enter opens its details. */
  row?: EventRow;
  /** Without a url: `Link not available` and why, as the details show it. */
  unavailable?: string;
}

export interface DetailLine {
  label: string;
  value: string;
  tone: Tone;
  /** Index into `links` when this line shows a selectable link. */
  link: number | null;
}

export interface DetailModel {
  lines: DetailLine[];
  links: LinkItem[];
}

/** The model with more lines after the event's own (the detection rules it fired); they hold no links. */
export function withExtra(model: DetailModel, extra: readonly DetailLine[] | undefined): DetailModel {
  return extra && extra.length > 0 ? { lines: [...model.lines, ...extra], links: model.links } : model;
}

function field(label: string, value: string, tone: Tone = 'normal'): DetailLine {
  return { label, value, tone, link: null };
}

function fmtNumber(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return own('—');
  return Number.isInteger(n) ? String(n) : n.toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * A rate per minute as the Insights view and scan write it (three significant digits): to four decimals, a
 * baseline of 0.0000882 read 0.0001 and one of 0.00004 read 0, beside a rate change worked from the real one.
 */
function fmtRate(n: number | null): string {
  return own(formatPerMinute(n));
}

/** Insight average over baseline average, as the console labels "Rate change". */
export function rateChange(baseline: number | null, insight: number | null): string {
  if (baseline === null || insight === null) return own('—');
  if (baseline === 0) return insight > 0 ? own('↑ (baseline 0)') : own('—');
  const pct = (insight / baseline) * 100;
  return `${pct >= 100 ? own('↑') : own('↓')} ${pct >= 1000 ? Math.round(pct).toLocaleString('en-US') : pct.toFixed(0)}%`;
}

const ATTRIBUTION_LABELS: Record<string, string> = {
  userIdentityArn: 'Top identities',
  userAgent: 'Top user agents',
  errorCode: 'Top error codes',
};

function insightLines(row: EventRow): DetailLine[] {
  const d = rowInsight(row);
  if (!d) return [];
  const lines = [
    field('', 'Insight statistics', 'heading'),
    field('Insight type', d.insightType, 'insight'),
    field('State', d.state, 'insight'),
    field('API', `${d.eventSource} ${d.eventName}`),
    field('Baseline avg', `${fmtRate(d.baselineAverage)} /min over ${fmtNumber(d.baselineDuration)} min`),
    field('Insight avg', `${fmtRate(d.insightAverage)} /min over ${fmtNumber(d.insightDuration)} min`),
    field('Rate change', rateChange(d.baselineAverage, d.insightAverage), 'insight'),
    field('Shared event', sharedEventIdOf(row)),
  ];
  if (d.errorCode) lines.push(field('Error code', d.errorCode, 'error'));
  for (const attribution of d.attributions) {
    // Call-rate Insights write the string "null" for calls without an error; the console says None.
    const shown = (value: string) => (attribution.attribute === 'errorCode' && value === 'null' ? 'None (no error)' : value);
    const top = attribution.insight.slice(0, 3).map((s) => `${shown(s.value)} (${fmtRate(s.average)})`).join(', ');
    const base = attribution.baseline.slice(0, 3).map((s) => `${shown(s.value)} (${fmtRate(s.average)})`).join(', ');
    const label = ATTRIBUTION_LABELS[attribution.attribute] ?? `Top ${attribution.attribute}`;
    lines.push(field(label, top || own('—')));
    lines.push(field('  baseline', base || own('—'), 'muted'));
  }
  return lines;
}

/** Resource kinds that have no console page or Config timeline (model/resources.ts namedResources). */
const NO_PAGE_TYPES: ReadonlySet<string> = new Set([SHARED_WITH, 'AWS::EC2::SecurityGroupRule', 'AWS::IAM::AccessKey']);

/** A console sign-in's result (`Failure` in the error colour) and whether it used MFA. */
function signInLines(row: EventRow): DetailLine[] {
  const signIn = consoleSignInOf(row);
  if (!signIn) return [];
  return [
    field('Sign-in result', signIn.result, signIn.result === 'Failure' ? 'error' : 'normal'),
    field('MFA used', signIn.mfaUsed, signIn.mfaUsed === 'No' ? 'error' : 'normal'),
  ];
}

/** Role and session of an assumed-role ARN (`...:assumed-role/Role/Session`); '' each when it is not one. */
export function assumedRoleParts(arn: string): { role: string; session: string } {
  const marker = ':assumed-role/';
  const at = arn.indexOf(marker);
  if (at < 0) return { role: '', session: '' };
  const rest = arn.slice(at + marker.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { role: rest, session: '' } : { role: rest.slice(0, slash), session: rest.slice(slash + 1) };
}

/** The Event time line of a record whose eventTime did not parse: what it holds, said to be no time. */
function unreadableTime(raw: string): string {
  return raw === '' ? 'none in the record' : `${raw} (not a readable time)`;
}

/** `chain`: the "Who is behind this session" section's state (absent: no section). */
export function buildDetail(row: EventRow, zone: TimeZoneMode, chain: ChainState = { status: 'none' }): DetailModel {
  const links: LinkItem[] = [];
  // A summary value that Tab selects: `=` filters by it, `+` adds it, `-` excludes it, `y` copies it.
  const value = (label: string, shown: string, term: PivotTerm | null, tone: Tone = 'normal'): DetailLine => {
    if (shown === '') return field(label, '', tone);
    links.push({ kind: 'value', label, url: null, resource: null, value: shown, ...(term && term.value !== '' ? { pivot: term } : {}) });
    return { label, value: shown, tone, link: links.length - 1 };
  };
  const { role, session } = assumedRoleParts(row.principalArn);
  const account = row.recipientAccount || row.account;
  const lines: DetailLine[] = [
    ...(isLossy(row) ? [field('Source', 'CSV export: only these columns are known; no full record', 'muted')] : []),
    // An eventTime that did not parse is shown as written, without a zone: `ThisIsAWrongEventTime UTC` read as a time.
    field('Event time', Number.isNaN(row.time) ? unreadableTime(timeRawOf(row)) : `${formatTime(row, zone)} ${zoneLabel(zone, row.time)}`),
    value('User name', row.actor, { field: 'user', value: row.actor }),
    value('Role', role, { field: 'user', value: role }),
    value('Session', session, { field: 'user', value: session }),
    value('Identity', row.identityType, { field: 'identity', value: row.identityType }),
    value('Principal ARN', row.principalArn, { field: 'user', value: row.principalArn }),
    value('Access key', row.accessKey, { field: 'key', value: row.accessKey }),
    // The answer first; the links follow in "Who is behind this session" below.
    ...(chain.status === 'done' ? [field('Behind it', `${chain.chain.summary} (chain below)`, chain.chain.end === 'missing' ? 'error' : 'insight')] : []),
    value('Event source', displaySource(row), { field: 'source', value: row.source }),
    value('Event name', displayName(row), { field: 'name', value: row.name }),
    value('AWS region', row.region, { field: 'region', value: row.region }),
    value('Source IP', row.sourceIp, { field: 'ip', value: row.sourceIp }),
    value('Event ID', row.id, { field: 'id', value: row.id }),
    field('Request ID', requestIdOf(row)),
    field('Read-only', row.readOnly === null ? '' : String(row.readOnly)),
    value('Error code', row.errorCode, { field: 'error', value: row.errorCode }, 'error'),
    // A failed sign-in has no error code: its message is what the Error code column shows and error: matches.
    value('Error message', row.errorMessage, isFailedConsoleLogin(row) ? { field: 'error', value: row.errorMessage } : null, 'error'),
    ...signInLines(row),
    value('User agent', row.userAgent, { field: 'agent', value: row.userAgent }),
    value('Account', account, { field: 'account', value: account }),
    value('Event type', row.eventType, { field: 'eventtype', value: row.eventType }),
    field('Category', row.category),
  ];
  const behind = chainLines(chain, zone);
  if (behind.length > 0) {
    lines.push(field('', 'Who is behind this session', 'heading'));
    for (const line of behind) {
      if (!line.pivot) {
        lines.push(field(line.label, line.value, line.tone));
        continue;
      }
      links.push({ kind: 'value', label: `chain ${line.label}`, url: null, resource: null, value: line.pivot.value, pivot: line.pivot, ...(line.row && line.row !== row ? { row: line.row } : {}) });
      lines.push({ label: line.label, value: line.value, tone: line.tone, link: links.length - 1 });
    }
  }
  const eventUrl = eventConsoleLink(row);
  if (eventUrl) {
    links.push({ kind: 'event', label: 'Event in console', url: eventUrl, resource: null });
    lines.push({ label: 'Console', value: eventUrl, tone: 'link', link: links.length - 1 });
  }
  const eventNote = eventLinkNote(row);
  if (eventNote) lines.push(field('Console', eventNote, 'muted'));
  lines.push(...insightLines(row));
  lines.push(field('', `Resources referenced (${row.resources.length})`, 'heading'));
  if (row.resources.length === 0) lines.push(field('', 'none in this record', 'muted'));
  for (const resource of row.resources) {
    const made = resourceLinks(resource, row);
    const key = resource.arn || resource.name;
    const shown = `${resource.type || '(type unknown)'}  ${resource.name || resource.arn || '(no name)'}`;
    if (key) {
      links.push({ kind: 'value', label: 'Resource', url: null, resource, value: key, pivot: { field: 'resource', value: key } });
      lines.push({ label: 'Resource', value: shown, tone: 'normal', link: links.length - 1 });
    } else {
      lines.push(field('Resource', shown));
    }
    if (resource.arn && resource.arn !== resource.name) lines.push(field('  ARN', resource.arn, 'muted'));
    // An account shared with, a rule, an access key: no console page of their own, so no 'Link not available' twice.
    if (NO_PAGE_TYPES.has(resource.type)) continue;
    const why = missingLinkReasons(resource, row);
    const consoleText = made.console ?? linkNotAvailable(why.console);
    links.push({ kind: 'console', label: 'Console', url: made.console, resource, ...(made.console ? {} : { unavailable: consoleText }) });
    lines.push({ label: '  Console', value: consoleText, tone: made.console ? 'link' : 'muted', link: links.length - 1 });
    const configText = made.configTimeline ?? linkNotAvailable(why.configTimeline);
    links.push({ kind: 'config', label: 'Config timeline', url: made.configTimeline, resource, ...(made.configTimeline ? {} : { unavailable: configText }) });
    lines.push({ label: '  Config', value: configText, tone: made.configTimeline ? 'link' : 'muted', link: links.length - 1 });
  }
  return { lines: lines.filter((line) => line.value !== '' || line.tone === 'heading'), links };
}

/** The query that lists every event touching a resource: its ARN when known, else its name. */
export function resourceQuery(resource: ResourceRef): string {
  const key = resource.arn || resource.name;
  return `resource:"${key.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * What `=`, `+` or `-` says in the details when the selection gives no term: nothing selected yet,
 * or a link (the console, the Config timeline), which is a URL to copy, not a value to filter by.
 */
export function noPivotStatus(link: LinkItem | undefined): string {
  const how = own('(Tab or →), then = filter, + add, - exclude');
  if (!link) return `Select a value first ${how}`;
  return `${sanitize(link.label)} is a link, not a value to filter by (y copies it): select a value ${how}`;
}

/** What `y` copies of the selected link in the details, named for the status line; or, in `status`, why nothing (both dashboards). */
export function linkCopy(link: LinkItem | undefined): { text: string; what: string } | { status: string } {
  if (!link) return { status: own('No link selected: Tab or → selects one') };
  if (link.kind === 'value' && link.value) {
    // The clipboard is pasted into a shell next: a value from the log holding ESC [ 201 ~ ends bracketed
    // paste there, and the newline after it runs what follows. Such a value is copied as the panel shows it.
    if (needsSanitizing(link.value)) return { text: sanitize(link.value), what: `the ${link.label.toLowerCase()} as shown (control characters escaped)` };
    return { text: link.value, what: `the ${link.label.toLowerCase()}` };
  }
  if (!link.url) return { status: `${link.label}: ${sanitize(link.unavailable ?? 'Link not available')}` };
  return { text: link.url, what: `the ${link.label} link` };
}
