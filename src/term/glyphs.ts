/**
 * Whether the terminal can draw block characters: not the Linux console
 * (TERM=linux, whose font has few of them), and only with a UTF-8 locale
 * (LC_ALL, else LC_CTYPE, else LANG, as setlocale reads them; none set is
 * the C locale, which is not UTF-8).
 */
import type { Env } from './osc52.js';

export function unicodeBlocks(env: Env = process.env): boolean {
  if (env['TERM'] === 'linux') return false;
  return /utf-?8/i.test(localeOf(env));
}

/** The character locale as setlocale reads it: LC_ALL, else LC_CTYPE, else LANG ('' for none). */
function localeOf(env: Env): string {
  return env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
}

/**
 * Whether the terminal can draw trailtop's own symbols (●, …, ›, ↑, ⚑ ...): not the Linux console,
 * nor a locale said to be other than UTF-8 (LANG=C, LC_ALL=C, en_US.ISO-8859-1), where they come out
 * as mojibake or `?`. No locale set at all keeps them: it says nothing of the terminal (a container,
 * an SSH session that forwards none), whose own charset is then most often UTF-8.
 */
export function unicodeSymbols(env: Env = process.env): boolean {
  if (env['TERM'] === 'linux') return false;
  const locale = localeOf(env);
  return locale === '' || /utf-?8/i.test(locale);
}

/**
 * Each symbol trailtop draws itself, and what a k9s or lnav user reads in its place on a terminal that
 * cannot draw it. Values from the logs never go through this table: they are drawn as sanitised.
 */
export const ASCII_SYMBOLS: Readonly<Record<string, string>> = {
  '●': '*',
  '○': 'o',
  '◌': '.',
  '⚑': '!',
  '…': '...',
  '↑': '^',
  '↓': 'v',
  '▲': '^',
  '▼': 'v',
  '←': '<-',
  '→': '->',
  '◆': '+',
  '›': '>',
  '‹': '<',
  '»': '>>',
  '·': '-',
  '–': '-',
  '—': '-',
  '─': '-',
  '│': '|',
  '┃': '|',
  '┤': '|',
  '└': '+',
  '✓': '+',
  '⚠': '!',
  '•': '*',
  '▏': '|',
};

const SYMBOL_PATTERN = new RegExp(`[${Object.keys(ASCII_SYMBOLS).join('')}]`, 'g');

/**
 * Whether the dashboard on screen draws its symbols in ASCII. Set once per render by the dashboard from
 * its environment (useSymbols), read by every place that draws a symbol: one switch, not a flag passed
 * through every view and model.
 */
let asciiSymbols = false;

export function setAsciiSymbols(on: boolean): void {
  asciiSymbols = on;
}

export function symbolsInAscii(): boolean {
  return asciiSymbols;
}

/** `text` written by trailtop (never a log value): its symbols in ASCII when the terminal cannot draw them. */
export function own(text: string): string {
  return asciiSymbols ? asciiOf(text) : text;
}

/** `text` with every symbol of the table in its ASCII form, whatever the mode (for tests and the mode above). */
export function asciiOf(text: string): string {
  return text.replace(SYMBOL_PATTERN, (symbol) => ASCII_SYMBOLS[symbol] ?? symbol);
}
