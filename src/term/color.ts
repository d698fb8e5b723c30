/**
 * Colour on or off, and the semantic colours the UI draws with. Colour is
 * never the only signal: rows that stand out also carry a marker, so they
 * survive NO_COLOR.
 */
import type { Env } from './osc52.js';

export interface ColorOptions {
  /** Whether output goes to a terminal; colour defaults off when it does not. */
  isTTY?: boolean;
}

/**
 * FORCE_COLOR decides when set (0/false = off, anything else = on); otherwise
 * NO_COLOR with any non-empty value turns colour off (no-color.org), as does
 * TERM=dumb or output that is not a terminal.
 */
export function colorEnabled(env: Env = process.env, options: ColorOptions = {}): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) {
    const v = force.trim().toLowerCase();
    return !(v === '0' || v === 'false');
  }
  if ((env['NO_COLOR'] ?? '') !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return options.isTTY ?? true;
}

/** Ink colour names (chalk names); `undefined` means "draw with the default colour". */
export interface Theme {
  enabled: boolean;
  error: string | undefined;
  insight: string | undefined;
  accent: string | undefined;
  muted: string | undefined;
  warning: string | undefined;
  success: string | undefined;
  selection: { color: string | undefined; backgroundColor: string | undefined; inverse: boolean };
  /** Row markers that carry the meaning without colour. */
  markers: { error: string; insight: string; none: string };
}

const MARKERS = { error: '!', insight: '◆', none: ' ' } as const;

export const COLOR_THEME: Theme = {
  enabled: true,
  error: 'red',
  insight: 'magenta',
  accent: 'cyan',
  muted: 'gray',
  warning: 'yellow',
  success: 'green',
  selection: { color: 'black', backgroundColor: 'cyan', inverse: false },
  markers: { ...MARKERS },
};

/** Without colour the selection is shown in reverse video, which NO_COLOR allows (it is not a colour). */
export const PLAIN_THEME: Theme = {
  enabled: false,
  error: undefined,
  insight: undefined,
  accent: undefined,
  muted: undefined,
  warning: undefined,
  success: undefined,
  selection: { color: undefined, backgroundColor: undefined, inverse: true },
  markers: { ...MARKERS },
};

export function themeFor(enabled: boolean): Theme {
  return enabled ? COLOR_THEME : PLAIN_THEME;
}
