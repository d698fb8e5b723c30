/**
 * Clipboard writes with OSC 52: the terminal the user sits at sets its own
 * clipboard, so copying works over SSH. Inside GNU screen the sequence is
 * wrapped so screen passes it on. Inside tmux it is sent twice: plain, which
 * tmux itself takes and forwards when `set-clipboard on` is set, and wrapped
 * in a passthrough, which reaches the outer terminal when `allow-passthrough
 * on` is set (tmux 3.3+ has both off or external by default; either setting
 * then makes the copy work, and setting the clipboard twice is harmless).
 */
import { formatBytes } from './bytes.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Base64 characters we send at most; many terminals drop longer OSC 52 payloads. */
export const OSC52_MAX_BASE64 = 100_000;

/** GNU screen truncates long DCS strings, so the payload goes in chunks of this size. */
const SCREEN_CHUNK = 76;

const ESC = '\x1b';
const BEL = '\x07';
const ST = `${ESC}\\`;

export type Osc52Result =
  | { ok: true; sequence: string; bytes: number; wrapping: 'none' | 'tmux' | 'screen' }
  | { ok: false; reason: 'too big'; bytes: number; limit: number };

export interface Osc52Options {
  env?: Env;
  /** Overrides OSC52_MAX_BASE64. */
  maxBase64?: number;
}

/** Builds the escape sequence that copies `text` (UTF-8) to the clipboard; write it to stdout. */
export function osc52Copy(text: string, options: Osc52Options = {}): Osc52Result {
  const env = options.env ?? process.env;
  const limit = options.maxBase64 ?? OSC52_MAX_BASE64;
  const bytes = Buffer.byteLength(text, 'utf8');
  // Base64 length is known before encoding, so a huge text is refused without building it.
  const base64Length = Math.ceil(bytes / 3) * 4;
  if (base64Length > limit) return { ok: false, reason: 'too big', bytes, limit };
  const payload = Buffer.from(text, 'utf8').toString('base64');
  const plain = `${ESC}]52;c;${payload}${BEL}`;

  if (env['TMUX']) {
    return { ok: true, sequence: `${plain}${ESC}Ptmux;${plain.replaceAll(ESC, ESC + ESC)}${ST}`, bytes, wrapping: 'tmux' };
  }
  if ((env['TERM'] ?? '').startsWith('screen')) {
    return { ok: true, sequence: screenWrap(plain), bytes, wrapping: 'screen' };
  }
  return { ok: true, sequence: plain, bytes, wrapping: 'none' };
}

function screenWrap(sequence: string): string {
  let out = '';
  for (let i = 0; i < sequence.length; i += SCREEN_CHUNK) {
    out += `${ESC}P${sequence.slice(i, i + SCREEN_CHUNK)}${ST}`;
  }
  return out;
}

/** A status-line message for a copy attempt, e.g. "Copied event JSON (2.1 KB)". */
export function describeCopy(result: Osc52Result, what: string): string {
  if (result.ok) return `Copied ${what} (${formatBytes(result.bytes)})`;
  return `Not copied: ${what} is too big for the terminal clipboard (${formatBytes(result.bytes)}, limit about ${formatBytes(Math.floor(result.limit / 4) * 3)})`;
}
