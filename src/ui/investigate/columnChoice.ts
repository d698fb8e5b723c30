/**
 * The column chooser (`C`): which list columns show, in which order. The
 * choice is a list of column ids, kept in the folder's state (src/state/),
 * null for the default set. Pure functions; the view and keys use them.
 */
import { ALL_COLUMNS, COLUMNS, type ColumnDef } from '../columns.js';

/** The columns a saved choice shows, in its order; unknown ids are skipped, the time column is always first. */
export function chosenColumns(ids: readonly string[] | null): readonly ColumnDef[] {
  if (!ids) return COLUMNS;
  const byId = new Map(ALL_COLUMNS.map((def) => [def.id as string, def]));
  const defs = [...new Set(ids)].map((id) => byId.get(id)).filter((def): def is ColumnDef => def !== undefined && def.id !== 'time');
  return [byId.get('time')!, ...defs];
}

export interface ChooserEntry {
  def: ColumnDef;
  shown: boolean;
}

/** The chooser's list: shown columns in their order, then the hidden ones in table order. */
export function chooserEntries(shown: readonly ColumnDef[]): ChooserEntry[] {
  const ids = new Set(shown.map((def) => def.id));
  return [...shown.map((def) => ({ def, shown: true })), ...ALL_COLUMNS.filter((def) => !ids.has(def.id)).map((def) => ({ def, shown: false }))];
}

/** The ids to save after toggling entry `index` (the time column cannot be hidden); null when nothing changes. */
export function toggleColumn(entries: readonly ChooserEntry[], index: number): string[] | null {
  const entry = entries[index];
  if (!entry || entry.def.id === 'time') return null;
  const shown = entries.filter((e) => e.shown).map((e) => e.def.id as string);
  if (entry.shown) return shown.filter((id) => id !== entry.def.id);
  return [...shown, entry.def.id];
}

/** The ids after moving shown entry `index` one place up (-1) or down (+1); null when it cannot move. */
export function moveColumn(entries: readonly ChooserEntry[], index: number, step: -1 | 1): string[] | null {
  const shown = entries.filter((e) => e.shown).map((e) => e.def.id as string);
  const entry = entries[index];
  const to = index + step;
  // The time column stays first; hidden columns have no order.
  if (!entry?.shown || entry.def.id === 'time' || to < 1 || to >= shown.length) return null;
  const out = [...shown];
  [out[index], out[to]] = [out[to]!, out[index]!];
  return out;
}
