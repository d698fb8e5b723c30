/**
 * Terminal input Ink 6.8 cannot read safely. Its key parser turns an escape
 * sequence it has no name for but whose modifier says Ctrl (a pasted colour
 * code such as ESC[31m, a stray device-status request ESC[6n) into a key
 * with no name, and useInput then calls startsWith on that missing name and
 * throws: one paste ended the dashboard. Such sequences are never keys, so
 * they are dropped before Ink reads the input. Mirrors ink/build/parse-keypress.js.
 */
const FUNCTION_KEY = /\x1b+(O|N|\[|\[\[)(?:(\d+)(?:;(\d+))?([~^$])|(?:1;)?(\d+)?([a-zA-Z]))/g;

/** The codes Ink's parser names (its keyName table); a named key is safe whatever its modifiers. */
const NAMED_CODES = new Set([
  'OP', 'OQ', 'OR', 'OS', '[11~', '[12~', '[13~', '[14~', '[[A', '[[B', '[[C', '[[D', '[[E',
  '[15~', '[17~', '[18~', '[19~', '[20~', '[21~', '[23~', '[24~',
  '[A', '[B', '[C', '[D', '[E', '[F', '[H', 'OA', 'OB', 'OC', 'OD', 'OE', 'OF', 'OH',
  '[1~', '[2~', '[3~', '[4~', '[5~', '[6~', '[[5~', '[[6~', '[7~', '[8~',
  '[a', '[b', '[c', '[d', '[e', '[2$', '[3$', '[5$', '[6$', '[7$', '[8$',
  'Oa', 'Ob', 'Oc', 'Od', 'Oe', '[2^', '[3^', '[5^', '[6^', '[7^', '[8^', '[Z',
]);

const CTRL_BIT = 4;

/** `text` without the escape sequences Ink would read as an unnamed Ctrl key. */
export function dropUnreadableKeys(text: string): string {
  if (!text.includes('\x1b')) return text;
  return text.replace(FUNCTION_KEY, (sequence, prefix: string, number?: string, tildeModifier?: string, tilde?: string, letterModifier?: string, letter?: string) => {
    const code = [prefix, number, tilde, letter].filter(Boolean).join('');
    const modifier = Number(tildeModifier || letterModifier || 1) - 1;
    return (modifier & CTRL_BIT) !== 0 && !NAMED_CODES.has(code) ? '' : sequence;
  });
}

/** Where a CSI sequence starting at `at` (ESC [) ends, or -1 when the chunk ends first. */
function csiEnd(text: string, at: number): number {
  let i = at + 2;
  if (text[i] === '[') i++; // ESC [ [ A: the Linux console's function keys
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x3f) continue; // parameter and intermediate bytes
    return code >= 0x40 && code <= 0x7e ? i + 1 : i;
  }
  return -1;
}

/** The length of the escape sequence at `at` (ESC [ ..., ESC O x), 0 when none starts there, -1 when it is cut by the chunk's end. */
function sequenceLength(text: string, at: number): number {
  const next = text[at + 1];
  if (next === '[') {
    const end = csiEnd(text, at);
    return end < 0 ? -1 : end - at;
  }
  if (next === 'O') return at + 2 < text.length ? 3 : -1;
  return 0;
}

/**
 * A lone Esc, spelled so that Ink's input parser reads it as Escape even
 * when a key follows in the same chunk: it reads ESC ESC as Escape, but ESC
 * and a letter as Alt+letter, which no key of ours is.
 */
export const LONE_ESCAPE = '\u001b\u001b';

/**
 * One chunk of terminal input as keystrokes, in order: each escape sequence,
 * each control character (Enter, Tab, Backspace/DEL, Ctrl+letter) and each
 * lone Esc on its own; a run of printable text (typing or a paste) stays one.
 * While the dashboard is busy (loading a big folder) the terminal gathers
 * keys into one chunk: `?`, Esc and `j` arrive as `?\x1bj`, which Ink 6.8
 * reads as `?` and Alt+j, losing both the Esc and the j. Split here, each
 * key has its effect. An Esc at the very end of a chunk stays as it is: it
 * may be the start of a sequence cut over a slow link, which Ink joins with
 * the next chunk.
 */
export function splitKeystrokes(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  let run = '';
  const flush = (): void => {
    if (run) out.push(run);
    run = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\u001b') {
      flush();
      if (i === text.length - 1) {
        out.push(ch);
        i++;
        continue;
      }
      // ESC ESC [A (Alt+arrow) is one key; ESC ESC and anything else is an Esc, then the rest.
      const meta = text[i + 1] === '\u001b' ? sequenceLength(text, i + 1) : 0;
      const length = meta > 0 ? meta + 1 : sequenceLength(text, i);
      if (length < 0) {
        out.push(text.slice(i)); // cut by the chunk's end: Ink keeps it pending for the next chunk
        return out;
      }
      if (length > 0) {
        out.push(text.slice(i, i + length));
        i += length;
      } else {
        out.push(LONE_ESCAPE);
        i++;
      }
    } else if (code < 0x20 || code === 0x7f) {
      flush();
      out.push(ch);
      i++;
    } else {
      run += ch;
      i++;
    }
  }
  flush();
  return out;
}

interface ReadableInput {
  read(size?: number): unknown;
}

/**
 * Makes `input.read()` (which Ink calls in a loop for each 'readable' event)
 * return one keystroke at a time (splitKeystrokes), without the sequences
 * Ink would crash on (dropUnreadableKeys); Ink then hands each keystroke to
 * useInput as its own call. Returns a function that undoes it.
 */
export function guardKeyInput(input: ReadableInput): () => void {
  const original = input.read;
  const queue: string[] = [];
  input.read = function guardedRead(this: ReadableInput, size?: number): unknown {
    for (;;) {
      if (queue.length > 0) return queue.shift()!;
      const chunk: unknown = original.call(this, size);
      let text: string;
      if (typeof chunk === 'string') text = chunk;
      else if (Buffer.isBuffer(chunk)) text = chunk.toString('utf8');
      else return chunk;
      queue.push(...splitKeystrokes(dropUnreadableKeys(text)));
      // A chunk of nothing but dropped sequences: read on rather than end Ink's loop early.
    }
  };
  return () => {
    input.read = original;
  };
}
