/**
 * The event list's column set, defined once: titles, how each cell is taken
 * from a row, and how columns share the terminal width.
 */
import { rowErrorCode } from '../model/insights.js';
import type { EventRow } from '../model/types.js';
import { sanitize } from '../term/sanitize.js';
import { displayWidth, fit } from '../term/width.js';
import { displayName, displaySource, formatDatedMinute, formatTime, type TimeZoneMode } from './format.js';

export interface ColumnContext {
  zone: TimeZoneMode;
  /** Narrow terminals get the short time form. */
  shortTime: boolean;
  /** The list spans more than one year: the short form keeps the year and drops the seconds. */
  withYear?: boolean;
}

export type ColumnId = 'time' | 'name' | 'user' | 'source' | 'resourceType' | 'resourceName' | 'error' | 'region' | 'ip' | OptionalColumnId;

/** Columns the column chooser (`C`) can add; not shown by default. */
export type OptionalColumnId = 'agent' | 'errorMessage' | 'account' | 'identityType' | 'accessKey';

export interface ColumnDef {
  id: ColumnId;
  title: string;
  /** The title when the column is narrower than `title` (`Type` for `Resource type`). */
  short: string;
  /** Never narrower than this while shown: the narrowest that still reads; below it the column is hidden instead. */
  min: number;
  /** Does not grow past this. */
  max: number;
  /** Share of the spare width. */
  weight: number;
  /** Which columns stay when not all fit: the lowest `keep` is hidden first. */
  keep: number;
  /**
   * Values of a short fixed form (IPv4, error codes, regions) that read only
   * whole: the column is at least as wide as its widest value up to this
   * many cells, or hidden.
   */
  whole?: number;
  /**
   * From COMFORT_FROM up, the width this column gets (or its widest value, if less) before the
   * columns that `yieldToNames` are shown: the event name, the user and the resource name, the
   * columns read first.
   */
  comfort?: number;
  /** Hidden, least needed first, to give the columns with a `comfort` width theirs (from COMFORT_FROM up). */
  yieldToNames?: boolean;
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

/** `2024-03-05 14:21:00`: the full time, when the list has room for it. */
export const FULL_TIME_WIDTH = 19;

export const COLUMNS: readonly ColumnDef[] = [
  { id: 'time', title: 'Event time', short: 'Time', min: 14, max: FULL_TIME_WIDTH, weight: 0, keep: 100, value: (row, ctx) => (ctx.shortTime && ctx.withYear ? formatDatedMinute(row, ctx.zone) : formatTime(row, ctx.zone, ctx.shortTime)) },
  { id: 'name', title: 'Event name', short: 'Event', min: 16, max: 40, comfort: 30, weight: 4, keep: 90, value: (row) => displayName(row) },
  { id: 'user', title: 'User name', short: 'User', min: 12, max: 48, comfort: 24, weight: 3, keep: 80, value: (row) => row.actor, shorten: shortPrincipal },
  { id: 'source', title: 'Event source', short: 'Source', min: 7, max: 30, weight: 1.5, keep: 30, yieldToNames: true, value: (row) => displaySource(row), shorten: shortSource },
  {
    id: 'resourceType',
    title: 'Resource type',
    short: 'Type',
    // EC2::Instance whole: a cut type (`S3::…`) says nothing.
    min: 13,
    max: 28,
    weight: 1,
    keep: 20,
    yieldToNames: true,
    value: (row) => firstResource(row, 'type'),
    shorten: (value) => value.replace(/^AWS::/, ''),
  },
  // 9 wide at least: with a 25-character error code and the year in the time, a Source IP still fits at 100 columns.
  // The comfort holds an instance, security group or bucket name whole: a cut ID (`sg-0c9b9c1…`) says nothing.
  { id: 'resourceName', title: 'Resource name', short: 'Resource', min: 9, max: 80, comfort: 24, weight: 2.5, keep: 60, value: (row) => firstResource(row, 'name') },
  // Wide enough for AccessDenied even at 80 columns: errors are what a security reader scans for.
  { id: 'error', title: 'Error code', short: 'Error', min: 12, max: 30, weight: 1.5, keep: 70, whole: 25, value: rowErrorCode },
  { id: 'region', title: 'Region', short: 'Region', min: 9, max: 25, weight: 0.5, keep: 10, whole: 25, yieldToNames: true, value: (row) => row.region },
  // 15 = a whole IPv4 address; IPv6 addresses may be cut.
  { id: 'ip', title: 'Source IP', short: 'IP', min: 15, max: 40, weight: 0.5, keep: 40, whole: 15, value: (row) => row.sourceIp },
];

/**
 * Columns shown only when chosen (`C`, investigate/columnChoice.ts). Chosen, they rank just after the
 * event time, name and user: when space runs out the default columns give way first (the reader asked
 * for these; a column turned on at 80 columns and never shown looked broken), then these (error message first, access key last).
 */
export const OPTIONAL_COLUMNS: readonly ColumnDef[] = [
  { id: 'accessKey', title: 'Access key', short: 'Key', min: 20, max: 20, weight: 0, keep: 79, whole: 20, value: (row) => row.accessKey },
  { id: 'account', title: 'Account', short: 'Account', min: 12, max: 12, weight: 0, keep: 78, whole: 12, value: (row) => row.recipientAccount || row.account },
  { id: 'identityType', title: 'Identity type', short: 'Identity', min: 8, max: 16, weight: 0.5, keep: 77, value: (row) => row.identityType },
  { id: 'agent', title: 'User agent', short: 'Agent', min: 10, max: 60, weight: 1.5, keep: 76, value: (row) => row.userAgent },
  { id: 'errorMessage', title: 'Error message', short: 'Message', min: 12, max: 80, weight: 2, keep: 75, value: (row) => row.errorMessage },
];

/** Every column there is: the default set, then the optional ones. */
export const ALL_COLUMNS: readonly ColumnDef[] = [...COLUMNS, ...OPTIONAL_COLUMNS];

/** The widest value of each column over some rows (display cells, a shortened form where the raw one exceeds the column's max). */
export type ColumnWidths = Partial<Record<ColumnId, number>>;

/**
 * How wide each column's values are over `rows` (the rows in view and a
 * screen either side, so widths do not jump at every scroll step).
 */
export function widestValues(rows: Iterable<EventRow>, ctx: ColumnContext, defs: readonly ColumnDef[] = COLUMNS): ColumnWidths {
  const widest: ColumnWidths = {};
  for (const def of defs) if (def.id !== 'time') widest[def.id] = 0;
  for (const row of rows) {
    for (const def of defs) {
      if (def.id === 'time') continue;
      let value = def.value(row, ctx);
      if (def.shorten && value.length > def.max) value = def.shorten(value);
      // Cells on screen (wide characters count two, control characters as their visible escapes);
      // a value far past the column's max is not measured (a log field can be megabytes).
      const w = value.length > def.max * 4 ? def.max + 1 : displayWidth(sanitize(value));
      if (w > (widest[def.id] ?? 0)) widest[def.id] = w;
    }
  }
  return widest;
}

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

/** From this list width up the time may take its full form, if the columns that read only whole leave room. */
export const FULL_TIME_FROM = 96;

/**
 * From this list width (100 columns) up the event name, the user and the resource name get their
 * comfort width before Region, Resource type and Event source are shown and before the time's
 * seconds and year: without it, each column shown past 100 columns took its share, and the name was
 * cut at 20 cells at 120 (and the resource name at 9 at 140). Below it the layout is as it was (80
 * columns loses nothing).
 */
export const COMFORT_FROM = 98;

/**
 * Widths for a list `width` cells wide (after the marker gutter); `withYear`
 * when the rows span years, so the short time needs its year; `widest` the
 * widest values in view (see widestValues), so widths follow the data.
 *
 * Columns that cannot have their `min` (for `whole` ones: their widest
 * value, as an IPv4 address or an error code is useless cut) are hidden,
 * lowest `keep` first (fewer readable columns rather than many cut ones;
 * hiddenColumns names them). Spare width goes first to `whole` columns up to
 * their widest value, then to the comfort widths, the full time, and the
 * others up to their widest value by weight: only where values are cut, so a
 * column whose values fit is no wider than they (or its min) need. Then
 * full titles; what is left goes to the resource name so the row fills the line.
 * A column blank on every measured row is hidden while a name would be cut
 * with it there, its cells going to the names first (at every width).
 */
export function layoutColumns(width: number, withYear = false, widest: ColumnWidths = {}, defs: readonly ColumnDef[] = COLUMNS): LaidOutColumn[] {
  const time = defs.find((def) => def.id === 'time');
  // At least `03-05 14:21:00`, or `2024-03-05 14:21` when the list spans years; the full time only
  // from what is left once the whole-value columns have theirs (an IP address says more than seconds).
  const timeWidth = !time ? 0 : withYear ? DATED_MINUTE_WIDTH : time.min;
  // A value that reads only whole (an IPv4 address, an error code up to 25 characters) is never cut, at any width.
  const floor = (def: ColumnDef): number => (def === time ? timeWidth : def.whole ? Math.max(def.min, Math.min(def.whole, widest[def.id] ?? 0)) : def.min);
  let shown = [...defs];
  const used = (cols: readonly ColumnDef[]): number => cols.reduce((sum, def) => sum + floor(def), 0) + COLUMN_GAP * (cols.length - 1);
  // Hide the least needed columns until the rest fit at their minimum (keep at least two).
  while (shown.length > 2 && used(shown) > width) {
    const drop = shown.reduce((low, def) => (def.keep < low.keep ? def : low));
    shown = shown.filter((def) => def !== drop);
  }
  // Very narrow: even squeezed to SQUEEZED_WIDTH each, the columns may not fit; drop the
  // rightmost ones rather than let the row run past the terminal edge.
  while (shown.length > 1 && timeWidth + (shown.length - 1) * (SQUEEZED_WIDTH + COLUMN_GAP) > width) {
    shown = shown.slice(0, -1);
  }
  // The width the event name, the user and the resource name would like first (none below COMFORT_FROM).
  const comfort = (def: ColumnDef): number =>
    width >= COMFORT_FROM && def.comfort ? Math.max(floor(def), Math.min(def.comfort, def.max, widest[def.id] ?? def.max)) : floor(def);
  const comfortExtra = (cols: readonly ColumnDef[]): number => cols.reduce((sum, def) => sum + comfort(def) - floor(def), 0);
  while (used(shown) + comfortExtra(shown) > width) {
    const yielding = shown.filter((def) => def.yieldToNames);
    if (yielding.length === 0) break;
    const drop = yielding.reduce((low, def) => (def.keep < low.keep ? def : low));
    shown = shown.filter((def) => def !== drop);
  }
  // What the names' values need whole (their comfort at least, within their max).
  const whole = (def: ColumnDef): number => Math.max(comfort(def), def.comfort ? Math.min(def.max, widest[def.id] ?? 0) : 0);
  // Then, while a name is still cut once laid out, a column blank on every row measured (no user, no
  // error in view, as after a histogram span on traildiscover) gives way too: it shows nothing, and
  // its cells, handed to the names first (`freed`), read more of a resource name. The title row's
  // `+User +Error` says it is hidden; it is back once rows with values come into view, or the names
  // are whole (a wider window). At every width: under 100 columns a blank Error column kept its 12
  // cells while the event name and the user were cut (80x24 on stratus-red-team).
  let freed = 0;
  let laid = spread(shown, freed);
  for (;;) {
    const cut = laid.some((col) => col.def.comfort !== undefined && col.width < whole(col.def));
    const blank = shown.filter((def) => def !== time && widest[def.id] === 0);
    if (!cut || blank.length === 0) return laid;
    const drop = blank.reduce((low, def) => (def.keep < low.keep ? def : low));
    shown = shown.filter((def) => def !== drop);
    freed += floor(drop) + COLUMN_GAP;
    laid = spread(shown, freed);
  }

  /** The shown columns' widths: their floors, then the spare width handed out (see above). */
  function spread(cols: readonly ColumnDef[], freedCells: number): LaidOutColumn[] {
    const gaps = COLUMN_GAP * (cols.length - 1);
    const widths = cols.map(floor);
    let spare = width - gaps - widths.reduce((a, b) => a + b, 0);
    if (spare < 0) {
      // Too narrow even for the minimums: take width from the right-hand columns first.
      for (let i = widths.length - 1; i > 0 && spare < 0; i--) {
        const give = Math.min(widths[i]! - SQUEEZED_WIDTH, -spare);
        widths[i]! -= give;
        spare += give;
      }
      return cols.map((def, i) => ({ def, width: Math.max(1, widths[i]!) }));
    }
    // The title row names hidden columns after the last title (`+3` at least, titleRow): room for that
    // is kept first, or a full row would hide them without a word.
    const last = cols.length - 1;
    const hidden = defs.length - cols.length;
    const hintWidth = hidden === 0 ? 0 : cols[last]!.short.length + COLUMN_GAP + `+${hidden}`.length;
    const hintRoom = Math.min(spare, Math.max(0, hintWidth - widths[last]!));
    spare -= hintRoom;
    // What each column's values need, within its limits; its max when nothing was measured.
    const want = cols.map((def, i) => {
      if (def === time) return widths[i]!;
      const measured = widest[def.id];
      return measured === undefined ? def.max : Math.max(widths[i]!, Math.min(def.max, measured));
    });
    // Whole-value columns first, most needed first.
    const wholeOrder = cols.map((def, i) => i).filter((i) => cols[i]!.whole).sort((a, b) => cols[b]!.keep - cols[a]!.keep);
    for (const i of wholeOrder) {
      // Up to the short form's size; a longer value (an IPv6 address) is an ordinary one, grown by weight below.
      const add = Math.max(0, Math.min(spare, Math.min(want[i]!, cols[i]!.whole!) - widths[i]!));
      widths[i]! += add;
      spare -= add;
    }
    // Then the resource name up to its comfort width (a cut ID or bucket name says nothing, a cut event
    // name still reads), then the event name and the user up to theirs, by weight; then the cells of
    // blank columns hidden for them, up to their whole values, in the same order.
    for (const [budget, upTo] of [
      [Infinity, comfort],
      [freedCells, whole],
    ] as const) {
      for (const first of [true, false]) {
        const given = Math.min(spare, budget);
        const cap = cols.map((def, i) => (def.comfort && (def.id === 'resourceName') === first ? upTo(def) : widths[i]!));
        spare -= given - share(cols, widths, cap, given);
      }
    }
    // Then the full time (seconds and year), when wide and it fits whole.
    const timeAt = time ? cols.indexOf(time) : -1;
    if (timeAt >= 0 && width >= FULL_TIME_FROM && spare >= FULL_TIME_WIDTH - widths[timeAt]!) {
      spare -= FULL_TIME_WIDTH - widths[timeAt]!;
      widths[timeAt] = FULL_TIME_WIDTH;
    }
    // Then every column whose values are cut, up to its widest value.
    spare = share(cols, widths, want, spare);
    const hintAdd = Math.min(hintRoom, Math.max(0, hintWidth - widths[last]!));
    widths[last]! += hintAdd;
    spare += hintRoom - hintAdd;
    // Then full titles (`Event source` rather than `Source`), where values leave a column narrower.
    spare = share(cols, widths, cols.map((def, i) => Math.max(widths[i]!, Math.min(def.max, def.title.length))), spare);
    // The rest fills the line: resource names run longest (ARNs, S3 object keys), so a wider column there reads more as the list scrolls.
    const resourceName = cols.findIndex((def) => def.id === 'resourceName');
    widths[resourceName >= 0 ? resourceName : last]! += spare;
    return cols.map((def, i) => ({ def, width: widths[i]! }));
  }
}

/** Hands `spare` out by weight, a few rounds so capped columns pass their share on; returns what is left. */
function share(shown: readonly ColumnDef[], widths: number[], cap: readonly number[], spare: number): number {
  for (let round = 0; round < 6 && spare > 0; round++) {
    const open = shown.map((def, i) => (def.weight > 0 && widths[i]! < cap[i]! ? i : -1)).filter((i) => i >= 0);
    const totalWeight = open.reduce((sum, i) => sum + shown[i]!.weight, 0);
    if (totalWeight === 0) break;
    let given = 0;
    for (const i of open) {
      // At least one cell a round, so a small remainder still reaches the columns that want it.
      const portion = Math.max(1, Math.floor((spare * shown[i]!.weight) / totalWeight));
      const add = Math.min(portion, cap[i]! - widths[i]!, spare - given);
      widths[i]! += add;
      given += add;
    }
    spare -= given;
    if (given === 0) break;
  }
  return spare;
}

/** The columns of `defs` that the layout hid, most needed first. */
export function hiddenColumns(laid: readonly LaidOutColumn[], defs: readonly ColumnDef[] = COLUMNS): ColumnDef[] {
  const shown = new Set(laid.map((col) => col.def.id));
  return defs.filter((def) => !shown.has(def.id)).sort((a, b) => b.keep - a.keep);
}

/** A column's title in `width` cells: the full one when it fits, else the short one. */
export function columnTitle(def: ColumnDef, width: number): string {
  return def.title.length <= width ? def.title : def.short;
}

/**
 * The title row: each column's title, and at its right end which columns are
 * hidden (`+IP +Source +2`), as many named as fit in the free end of the row.
 */
export function titleRow(laid: readonly LaidOutColumn[], width: number, defs: readonly ColumnDef[] = COLUMNS): string {
  const row = (short: boolean): string =>
    laid
      .map((col, i) => fit(short && i === laid.length - 1 ? col.def.short : columnTitle(col.def, col.width), col.width))
      .join(' '.repeat(COLUMN_GAP))
      .trimEnd();
  const hidden = hiddenColumns(laid, defs);
  if (hidden.length === 0) return row(false);
  // The full last title if the hint still fits beside it, else the short one (`Error`) to make room.
  for (const short of [false, true]) {
    const titles = row(short);
    const room = width - titles.length - 1;
    for (let named = hidden.length; named >= (short ? 0 : 1); named--) {
      const parts = hidden.slice(0, named).map((def) => `+${def.short}`);
      if (named < hidden.length) parts.push(`+${hidden.length - named}`);
      const hint = parts.join(' ');
      if (hint.length <= room) return titles + ' '.repeat(width - titles.length - hint.length) + hint;
    }
  }
  return row(false);
}
