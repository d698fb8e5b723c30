/**
 * Whether a rule's regex repeats a group whose whole body is one repeated atom: `(a+)+`, `(\w*)*`,
 * `(?:[a-z]+){2,}`. On a value that almost matches (`aaaa…!` in a user agent, which an attacker
 * writes) such a pattern backtracks through every way of splitting the run, 2^n tests, and V8's
 * engine has no time limit: `detect` never ended and the dashboard froze (its q and Ctrl-C wait for
 * the same thread). V8's linear-time fallback does not take the `i` and `u` flags rules run with, so
 * such a rule is refused as it loads; it always means the same as the atom repeated once (`a+`).
 * Only this textbook shape is recognised: other ambiguous repetitions (`(a|aa)+`, `(a+b?)+`) are
 * not, and a wider test (star height) would refuse safe, common patterns such as
 * `(?:[a-z0-9-]+\.)+amazonaws\.com`.
 */

interface Frame {
  start: number;
  /** Atoms in the group's body so far (a quantifier belongs to its atom). */
  atoms: number;
  /** Whether the last atom repeats (repeats() of its quantifier, or a group of one repeated atom). */
  lastRepeated: boolean;
  alternation: boolean;
}

/** What a quantifier applies to: where it starts, and whether it is a group whose body is one repeated atom. */
interface Atom {
  start: number;
  repeatedBody: boolean;
}

const QUANTIFIER = /^(?:[*+?]|\{(\d+)(?:(,)(\d*))?\})/;

/** Whether the quantifier lets its atom match runs of different lengths above one: `*`, `+`, `{n,}`, `{n,m}` with m > n and m > 1. */
function repeats(text: string, min: string | undefined, comma: string | undefined, max: string | undefined): boolean {
  if (text === '*' || text === '+') return true;
  if (text === '?' || comma === undefined) return false;
  return max === '' || (Number(max) > Number(min) && Number(max) > 1);
}

/** The first repeated group whose body is one repeated atom, as written (`(a+)+`), or null. */
export function nestedRepetition(source: string): string | null {
  const frames: Frame[] = [{ start: 0, atoms: 0, lastRepeated: false, alternation: false }];
  // The atom a quantifier would apply to (none after `(`, `|`, an anchor or a quantifier).
  let last: Atom | null = null;
  const atom = (start: number, repeatedBody = false): void => {
    const frame = frames.at(-1)!;
    frame.atoms++;
    // A group around a repeated atom alone, `(a+)`, is that repeated atom to the group around it.
    frame.lastRepeated = repeatedBody;
    last = { start, repeatedBody };
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      const braced = /^\\[pPuk][{<]/.test(source.slice(i, i + 3)) ? source.indexOf(source[i + 2] === '<' ? '>' : '}', i) : -1;
      atom(i);
      i = braced > i ? braced + 1 : i + 2;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      atom(i);
      i = j + 1;
      continue;
    }
    if (c === '(') {
      frames.push({ start: i, atoms: 0, lastRepeated: false, alternation: false });
      last = null;
      // A group's own syntax ((?:, (?<name>, lookarounds) is no atom of its body.
      const opener = /^\((?:\?(?:[:=!]|<[=!]|<[^>]*>))?/.exec(source.slice(i))![0];
      i += opener.length;
      continue;
    }
    if (c === ')' && frames.length > 1) {
      const group = frames.pop()!;
      atom(group.start, group.atoms === 1 && group.lastRepeated && !group.alternation);
      i++;
      continue;
    }
    const quantifier = QUANTIFIER.exec(source.slice(i));
    if (quantifier && last) {
      const [text, min, comma, max] = quantifier;
      const repeating = repeats(text, min, comma, max);
      i += text.length;
      if (source[i] === '?') i++;
      // Typed again: TypeScript narrows `last` to its last assignment here, not seeing the one inside atom().
      const quantified: Atom = last;
      if (repeating && quantified.repeatedBody) return source.slice(quantified.start, i);
      frames.at(-1)!.lastRepeated = repeating || quantified.repeatedBody;
      last = null;
      continue;
    }
    if (c === '|') {
      frames.at(-1)!.alternation = true;
      last = null;
    } else if (c === '^' || c === '$') last = null;
    else atom(i);
    i++;
  }
  return null;
}
