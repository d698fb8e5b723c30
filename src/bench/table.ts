/**
 * Pure helpers of the benchmark: medians, goals and the one printed table.
 * No measuring here, so the formatting can be tested without running anything.
 */

export type Unit = 'ms' | 's' | 'MB' | 'MB/min' | 'rows/s' | 'events/s';

/** A goal on the figure itself (`value`) or on value / baseline (`ratio`). */
export interface Goal {
  on: 'value' | 'ratio';
  /** 'max': the figure must be at most `limit`; 'min': at least. */
  kind: 'max' | 'min';
  limit: number;
  /** How the goal reads in the table, e.g. "<= 16 ms". */
  label: string;
}

export interface Figure {
  /** What is measured, e.g. "query `error:AccessDenied`, 100k". */
  name: string;
  unit: Unit;
  /** null when the figure could not be measured (see note). */
  value: number | null;
  /** The same-run baseline in the same unit, or null when the figure has none. */
  baseline: number | null;
  /** What the baseline is, e.g. "gunzip+parse, 1 core". */
  baselineLabel: string;
  goal: Goal | null;
  /** Runs the value is the median of. */
  runs: number;
  note?: string;
}

export interface EvaluatedFigure extends Figure {
  /** value / baseline, or null without both. */
  ratio: number | null;
  /** null when there is no goal or no value. */
  met: boolean | null;
}

/** The middle value (mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Least-squares slope of y over x (per unit of x); 0 for fewer than two points or no spread in x. */
export function slope(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) * (x - mx);
  }
  return den === 0 ? 0 : num / den;
}

export function evaluate(figure: Figure): EvaluatedFigure {
  const { value, baseline, goal } = figure;
  const usable = value !== null && Number.isFinite(value);
  const ratio = usable && baseline !== null && baseline > 0 ? value / baseline : null;
  let met: boolean | null = null;
  if (goal && usable) {
    const measured = goal.on === 'value' ? value : ratio;
    if (measured !== null) met = goal.kind === 'max' ? measured <= goal.limit : measured >= goal.limit;
  }
  return { ...figure, ratio, met };
}

/** 3 significant digits at most, without exponent notation: 0.0123, 1.23, 12.3, 123, 12345. */
function significant(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 100) return String(Math.round(n));
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  if (abs === 0) return '0';
  return n.toPrecision(2);
}

/** A figure's value in its unit, for people: "12.3 ms", "1.52 s", "412 MB", "183k rows/s". */
export function formatValue(value: number | null, unit: Unit): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (unit === 'ms' && value >= 10_000) return `${significant(value / 1000)} s`;
  if (unit === 'rows/s' || unit === 'events/s') {
    if (value >= 1_000_000) return `${significant(value / 1_000_000)}M ${unit}`;
    if (value >= 1000) return `${significant(value / 1000)}k ${unit}`;
  }
  return `${significant(value)} ${unit}`;
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${significant(ratio)}x`;
}

function formatMet(met: boolean | null): string {
  if (met === null) return '—';
  return met ? 'yes' : 'NO';
}

const HEADERS = ['figure', 'value', 'same-run baseline', 'ratio', 'goal', 'met?'];

/** One row of cells per figure, in the order of HEADERS. */
export function tableCells(figures: readonly EvaluatedFigure[]): string[][] {
  return figures.map((f) => {
    const value = formatValue(f.value, f.unit) + (f.runs > 1 && f.value !== null ? ` (med. ${f.runs})` : '');
    const baseline = f.baseline === null ? (f.baselineLabel === '' ? '—' : f.baselineLabel) : `${formatValue(f.baseline, f.unit)} ${f.baselineLabel}`;
    return [f.name, value, baseline, formatRatio(f.ratio), f.goal?.label ?? '—', formatMet(f.met)];
  });
}

/** Markdown pipes inside a cell would split it. */
function escapeCell(cell: string): string {
  return cell.replace(/\|/g, '\\|');
}

/**
 * The table as aligned Markdown: readable in a terminal and pasteable into the
 * README as it is. Notes follow the table, numbered from the figures that have one.
 */
export function formatTable(figures: readonly EvaluatedFigure[]): string {
  const rows = [HEADERS, ...tableCells(figures)].map((r) => r.map(escapeCell));
  const widths = HEADERS.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
  const notes = figures.filter((f) => f.note);
  if (notes.length > 0) {
    out.push('');
    for (const f of notes) out.push(`- ${f.name}: ${f.note}`);
  }
  return out.join('\n');
}

/** The JSON form of a run: the same figures, numbers unformatted. */
export function tableJson(figures: readonly EvaluatedFigure[], machine: Record<string, unknown>): string {
  return JSON.stringify({ machine, figures }, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2);
}
