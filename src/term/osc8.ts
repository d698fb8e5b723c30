/**
 * OSC 8 hyperlinks: the URL stays printed as text (it must be readable and
 * copyable everywhere), and terminals that understand OSC 8 also make it
 * clickable. Detection is conservative: a terminal that does not know OSC 8
 * may print the sequence's payload as garbage.
 */
import { sanitize } from './sanitize.js';
import type { Env } from './osc52.js';

const ESC = '\x1b';
const ST = `${ESC}\\`;

/** OSC 8 URIs may contain only printable ASCII (32-126); anything else must already be percent-encoded. */
const SAFE_URL = /^[\x21-\x7e]+$/;
const ALLOWED_SCHEME = /^(https?|file):/i;

/** True when `url` can be placed inside an OSC 8 sequence without ending or corrupting it. */
export function isSafeHyperlinkUrl(url: string): boolean {
  return url.length > 0 && url.length <= 2048 && SAFE_URL.test(url) && ALLOWED_SCHEME.test(url);
}

/**
 * `text` (sanitised here) wrapped as a link to `url` when `supported`, plain
 * sanitised text otherwise or when the URL is not safe to embed.
 */
export function hyperlink(url: string, text: string, supported: boolean): string {
  const shown = sanitize(text);
  if (!supported || !isSafeHyperlinkUrl(url)) return shown;
  return `${ESC}]8;;${url}${ST}${shown}${ESC}]8;;${ST}`;
}

function versionAtLeast(version: string | undefined, major: number, minor: number): boolean {
  if (!version) return false;
  const m = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!m) return false;
  const maj = Number(m[1]);
  const min = Number(m[2] ?? 0);
  return maj > major || (maj === major && min >= minor);
}

/**
 * Whether the terminal described by `env` renders OSC 8. FORCE_HYPERLINK=1/0
 * decides outright; TERM=dumb and CI never; inside tmux or screen only when
 * forced (the outer terminal is unknown and older tmux drops the sequence).
 */
export function supportsHyperlinks(env: Env = process.env): boolean {
  const forced = env['FORCE_HYPERLINK'];
  if (forced !== undefined && forced !== '') return forced !== '0' && forced.toLowerCase() !== 'false';
  const term = env['TERM'] ?? '';
  if (term === 'dumb' || env['CI']) return false;
  if (env['TMUX'] || term.startsWith('screen') || term.startsWith('tmux')) return false;
  if (env['WT_SESSION']) return true; // Windows Terminal
  if (env['KITTY_WINDOW_ID'] || term === 'xterm-kitty') return true;
  if (term === 'xterm-ghostty') return true;
  if (env['WEZTERM_PANE'] !== undefined) return true;
  const program = env['TERM_PROGRAM'] ?? '';
  const programVersion = env['TERM_PROGRAM_VERSION'];
  switch (program) {
    case 'iTerm.app':
      return versionAtLeast(programVersion, 3, 1);
    case 'WezTerm':
    case 'ghostty':
      return true;
    case 'vscode':
      return versionAtLeast(programVersion, 1, 72);
    default:
      break;
  }
  const vte = env['VTE_VERSION'];
  // VTE encodes 0.50.0 as 5000.
  if (vte && /^\d+$/.test(vte) && Number(vte) >= 5000) return true;
  return false;
}
