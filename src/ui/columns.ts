/**
 * The event list's column set, defined once: titles, how each cell is taken
 * from a row, and how columns share the terminal width.
 */
import { rowErrorCode } from '../model/insights.js';
import type { EventRow } from '../model/types.js';
import { displayName, displaySource, formatDatedMinute, formatTime, type TimeZoneMode } from './format.js';

export interface ColumnContext {
  zone: TimeZoneMode;
  /** Narrow terminals get the short time form. */
  shortTime: boolean;
  /** The list spans more than one year: the short form keeps the year and drops the seconds. */
  withYear?: boolean;
}

export interface ColumnDef {
  id: 'time' | 'name' | 'user' | 'source' | 'resourceType' | 'resourceName' | 'error' | 'region' | 'ip';
  title: string;
  /** Never narrower than this (the title may be cut). */
  min: number;
  /** Does not grow past this. */
  max: number;
  /** Share of the spare width. */
  weight: number;
  /** Only shown when the list is at least this wide. */
  showFrom: number;
  /** Raw cell text (not yet sanitised or truncated). */
  value(row: EventRow, ctx: ColumnContext): string;
  /** A shorter form used when the value does not fit (e.g. `ec2` for `ec2.amazonaws.com`). */
  shorten?(value: string): string;
}

/** `ec2.amazonaws.com` -> `ec2`. */
export function shortSource(source: string): string {
  return source.endsWith('.amazonaws.com') ? source.slice(0, -'.amazonaws.com'.length) : source;
}

/** `arn:aws:sts::1111:assumed-role/Role/session` -> `Role/session`; other values unchanged. */
export function shortPrincipal(value: string): string {
  let short = value;
  if (short.startsWith('arn:')) {
    const resource = short.split(':').slice(5).join(':');
    const parts = resource.split('/');
    short = parts.length > 1 ? parts.slice(1).join('/') : resource;
  }
  // IAM Identity Center roles are long generated names; the session name is the person.
  const sso = /^AWSReservedSSO_[^/]*\/(.+)$/.exec(short);
  return sso ? `SSO/${sso[1]}` : short;
}

function firstResource(row: EventRow, pick: 'type' | 'name'): string {
  const first = row.resources[0];
  if (!first) return '';
  const text = pick === 'name' ? first.name || first.arn : first.type;
  return row.resources.length > 1 ? `${text} +${row.resources.length - 1}` : text;
}

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'time', title: 'Event time', min: 14, max: 19, weight: 0, showFrom: 0, value: (row, ctx) => (ctx.shortTime && ctx.withYear ? formatDatedMinute(row, ctx.zone) : formatTime(row, ctx.zone, ctx.shortTime)) },
  { id: 'name', title: 'Event name', min: 15, max: 40, weight: 4, showFrom: 0, value: (row) => displayName(row) },
  { id: 'user', title: 'User name', min: 9, max: 48, weight: 3, showFrom: 0, value: (row) => row.actor, shorten: shortPrincipal },
  { id: 'source', title: 'Event source', min: 5, max: 30, weight: 1.5, showFrom: 0, value: (row) => displaySource(row), shorten: shortSource },
  {
    id: 'resourceType',
    title: 'Resource type',
    min: 5,
    max: 28,
    weight: 1,
    showFrom: 0,
    value: (row) => firstResource(row, 'type'),
    shorten: (value) => value.replace(/^AWS::/, ''),
  },
  { id: 'resourceName', title: 'Resource name', min: 8, max: 80, weight: 2.5, showFrom: 0, value: (row) => firstResource(row, 'name') },
  // Wide enough for AccessDenied even at 80 columns: errors are what a security reader scans for.
  { id: 'error', title: 'Error code', min: 12, max: 32, weight: 1.5, showFrom: 0, value: rowErrorCode },
  { id: 'region', title: 'Region', min: 9, max: 16, weight: 0.5, showFrom: 150, value: (row) => row.region },
  { id: 'ip', title: 'Source IP', min: 9, max: 40, weight: 0.5, showFrom: 150, value: (row) => row.sourceIp },
];

export interface LaidOutColumn {
  def: ColumnDef;
  width: number;
}

/** `2024-03-05 14:21`. */
const DATED_MINUTE_WIDTH = 16;

/** The narrowest a column other than the time is squeezed to before columns are dropped. */
const SQUEEZED_WIDTH = 3;

/** Space between cells. */
export const COLUMN_GAP = 1;

/**
 * Widths for a list `width` cells wide (after the marker gutter); `withYear`
 * when the rows span years, so the short time needs its year. Columns get
 * their minimum first, then spare width by weight up to their maximum; what
 * is still left goes to the resource name so the row fills the line.
 */
export function layoutColumns(width: number, withYear = false): LaidOutColumn[] {
  let shown = COLUMNS.filter((def) => width >= def.showFrom);
  const time = shown[0]!;
  // Narrow: `03-05 14:21:00`, or `2024-03-05 14:21` when the list spans years.
  const timeWidth = width >= 96 ? time.max : withYear ? DATED_MINUTE_WIDTH : time.min;
  // Very narrow: even squeezed to SQUEEZED_WIDTH each, the columns may not fit; drop the
  // rightmost ones rather than let the row run past the terminal edge.
  while (shown.length > 1 && timeWidth + (shown.length - 1) * (SQUEEZED_WIDTH + COLUMN_GAP) > width) {
    shown = shown.slice(0, -1);
  }
  const gaps = COLUMN_GAP * (shown.length - 1);
  const widths = shown.map((def) => (def === time ? timeWidth : def.min));
  let spare = width - gaps - widths.reduce((a, b) => a + b, 0);
  if (spare < 0) {
    // Too narrow even for the minimums: take width from the right-hand columns first.
    for (let i = widths.length - 1; i > 0 && spare < 0; i--) {
      const give = Math.min(widths[i]! - SQUEEZED_WIDTH, -spare);
      widths[i]! -= give;
      spare += give;
    }
    return shown.map((def, i) => ({ def, width: Math.max(1, widths[i]!) }));
  }
  // Hand out spare width by weight, a few rounds so capped columns pass their share on.
  for (let round = 0; round < 4 && spare > 0; round++) {
    const open = shown.map((def, i) => (def.weight > 0 && widths[i]! < def.max ? i : -1)).filter((i) => i >= 0);
    const totalWeight = open.reduce((sum, i) => sum + shown[i]!.weight, 0);
    if (totalWeight === 0) break;
    let given = 0;
    for (const i of open) {
      const share = Math.floor((spare * shown[i]!.weight) / totalWeight);
      const add = Math.min(share, shown[i]!.max - widths[i]!);
      widths[i]! += add;
      given += add;
    }
    spare -= given;
    if (given === 0) break;
  }
  const resourceName = shown.findIndex((def) => def.id === 'resourceName');
  widths[resourceName >= 0 ? resourceName : widths.length - 1]! += spare;
  return shown.map((def, i) => ({ def, width: widths[i]! }));
}
