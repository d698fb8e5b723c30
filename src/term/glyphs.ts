/**
 * Whether the terminal can draw block characters: not the Linux console
 * (TERM=linux, whose font has few of them), and only with a UTF-8 locale
 * (LC_ALL, else LC_CTYPE, else LANG, as setlocale reads them; none set is
 * the C locale, which is not UTF-8).
 */
import type { Env } from './osc52.js';

export function unicodeBlocks(env: Env = process.env): boolean {
  if (env['TERM'] === 'linux') return false;
  const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
  return /utf-?8/i.test(locale);
}
