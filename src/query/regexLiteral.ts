/**
 * The longest run of plain characters every match of a regular expression
 * must contain, for the literal prefilter (prefilter.ts): Sigma rules write
 * `|re` where the value has a fixed middle (`.+:assumed-role/aws:.+`), and
 * without a literal such a rule makes every record a candidate.
 *
 * Conservative by construction: any alternation gives none; groups, classes,
 * anchors, `.` and escapes that stand for a class end a run; a character
 * made optional by `?`, `*` or `{0,` leaves it; `+` and `{n,` end the run
 * after it. Only letters, digits and `-_/@` make up a run: they cannot span
 * JSON tokens, so a value's JSON text (an object compared as its text) holds
 * the run exactly where the record's bytes do. Escapes the run cannot follow
 * (\x, \u, \p, \k, \c, backreferences) give none at all.
 */
const RUN_CHAR = /^[A-Za-z0-9_\-/@]$/;

export function regexLiteral(source: string): string | null {
  if (source.includes('|')) return null;
  let best = '';
  let run = '';
  const end = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    let atom: string | null = null;
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) return null;
      if (/[A-Za-z0-9]/.test(e)) {
        if (/[xupPkc0-9]/.test(e)) return null;
        // \d, \w, \s, \b, \n ...: a class or an assertion.
        end();
        i += 2;
        continue;
      }
      atom = e;
      i += 2;
    } else if (c === '[') {
      end();
      i = classEnd(source, i);
      if (i < 0) return null;
      continue;
    } else if (c === '(') {
      end();
      i = groupEnd(source, i);
      if (i < 0) return null;
      continue;
    } else if (c === '.' || c === '^' || c === '$' || c === ')' || c === ']' || c === '}' || c === '*' || c === '+' || c === '?' || c === '{') {
      // Quantifiers here follow something that ended the run already.
      end();
      i++;
      if (c === '{') i = braceEnd(source, i - 1);
      if (i < 0) return null;
      continue;
    } else {
      atom = c;
      i++;
    }
    // A quantifier on this one character.
    const q = source[i];
    let optional = false;
    let repeated = false;
    if (q === '?' || q === '*') {
      optional = true;
      i++;
    } else if (q === '+') {
      repeated = true;
      i++;
    } else if (q === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i))) {
      const m = /^\{(\d+)(,\d*)?\}/.exec(source.slice(i))!;
      optional = Number(m[1]) === 0;
      repeated = !optional;
      i += m[0].length;
    }
    if (optional || repeated) {
      // A lazy or possessive mark after the quantifier.
      if (source[i] === '?') i++;
    }
    if (optional || !RUN_CHAR.test(atom)) {
      end();
      continue;
    }
    run += atom;
    if (repeated) end();
  }
  end();
  return best === '' ? null : best;
}

/** The index after the class opening at i, or -1. */
function classEnd(source: string, i: number): number {
  for (let k = i + 1; k < source.length; k++) {
    if (source[k] === '\\') k++;
    else if (source[k] === ']' && k > i + 1) return afterQuantifier(source, k + 1);
  }
  return -1;
}

/** The index after the group opening at i (nested groups and classes skipped), or -1. */
function groupEnd(source: string, i: number): number {
  let depth = 0;
  for (let k = i; k < source.length; k++) {
    const c = source[k];
    if (c === '\\') k++;
    else if (c === '[') {
      k = classEnd(source, k) - 1;
      if (k < 0) return -1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return afterQuantifier(source, k + 1);
  }
  return -1;
}

function braceEnd(source: string, i: number): number {
  const close = source.indexOf('}', i);
  return close < 0 ? i + 1 : close + 1;
}

/** Skips a quantifier (and its lazy mark) after a class or group: what they match is no run anyway. */
function afterQuantifier(source: string, i: number): number {
  const q = source[i];
  if (q === '?' || q === '*' || q === '+') i++;
  else if (q === '{') {
    const m = /^\{\d+(,\d*)?\}/.exec(source.slice(i));
    if (m) i += m[0].length;
  }
  if (source[i] === '?') i++;
  return i;
}
