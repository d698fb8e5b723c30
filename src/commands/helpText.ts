import { writeStdout } from './stdout.js';
/**
 * Help text as printed: every line at most 80 columns, so `--help` reads in an 80-column terminal
 * (an SSH session) without the terminal's own wrapping breaking the columns. The usage texts are
 * written as they read best; a line past the width is wrapped here at spaces, its continuation
 * lines aligned: an option's under its description (after the run of spaces that ends the option),
 * a `trailtop CMD ...` synopsis after the command, any other line at its own indentation.
 */
export const HELP_WIDTH = 80;

/** The column continuation lines of `line` start at. */
function continuationIndent(line: string, width: number): number {
  const leading = line.length - line.trimStart().length;
  const option = /^(\s*\S(?:.*?\S)?\s{2,})\S/.exec(line);
  if (option && option[1]!.length <= 44) return option[1]!.length;
  const synopsis = /^(\s*(?:Usage:\s+)?trailtop(?: [a-z]+)? )/.exec(line);
  if (synopsis) return Math.min(synopsis[1]!.length, 30);
  return Math.min(leading, width - 30);
}

/** `line` cut at its last space within `width` (or its first past it): the part that fits, and what is left (empty when it all fit). */
function cutLine(line: string, width: number, indent: number): { line: string; rest: string } {
  if (line.length <= width) return { line, rest: '' };
  // Spaces outside [...], so `[--until T]` stays whole.
  const spaces: number[] = [];
  let depth = 0;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ' ' && depth === 0 && k > indent && line[k - 1] !== ' ') spaces.push(k);
  }
  const fits = spaces.filter((k) => k <= width);
  const cut = fits.length > 0 ? fits[fits.length - 1]! : spaces.find((k) => k > width);
  if (cut === undefined) return { line, rest: '' };
  // What is left goes on at the indent: printed as it is, or joined to the next line of its paragraph.
  return { line: line.slice(0, cut).trimEnd(), rest: line.slice(cut).trimStart() };
}

/** `text` with every line wrapped to `width` columns. */
export function wrapHelp(text: string, width = HELP_WIDTH): string {
  const out: string[] = [];
  // Words left over from a wrapped line, and the column they go on at.
  let carry = '';
  let carryIndent = 0;
  const flush = (): void => {
    while (carry !== '') {
      const line = ' '.repeat(carryIndent) + carry;
      const cut = cutLine(line, width, carryIndent);
      out.push(cut.line);
      carry = cut.rest;
    }
  };
  for (const source of text.split('\n')) {
    let line = source;
    let indent: number;
    const leading = line.length - line.trimStart().length;
    // The next line of the same paragraph (same indentation, not a new option or list item) takes the words left over.
    if (carry !== '' && line.trim() !== '' && leading === carryIndent && !/^-|^\*|^trailtop /.test(line.trimStart())) {
      line = ' '.repeat(carryIndent) + carry + ' ' + line.trimStart();
      indent = carryIndent;
      carry = '';
    } else {
      flush();
      indent = continuationIndent(line, width);
    }
    const cut = cutLine(line, width, indent);
    out.push(cut.line);
    carry = cut.rest;
    carryIndent = indent;
  }
  flush();
  return out.join('\n');
}

/** Prints a command's help, wrapped; its exit code (`--help | head` is a quiet 0, a full disk 1). */
export function writeHelp(text: string): Promise<number> {
  return writeStdout(`${wrapHelp(text)}\n`, 'help');
}
