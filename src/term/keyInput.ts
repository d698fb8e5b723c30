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

interface ReadableInput {
  read(size?: number): unknown;
}

/**
 * Makes `input.read()` (which Ink calls for each 'readable' event) return
 * chunks without such sequences. Returns a function that undoes it.
 */
export function guardKeyInput(input: ReadableInput): () => void {
  const original = input.read;
  input.read = function guardedRead(this: ReadableInput, size?: number): unknown {
    const chunk: unknown = original.call(this, size);
    if (typeof chunk === 'string') return dropUnreadableKeys(chunk);
    if (Buffer.isBuffer(chunk) && chunk.includes(0x1b)) return Buffer.from(dropUnreadableKeys(chunk.toString('utf8')), 'utf8');
    return chunk;
  };
  return () => {
    input.read = original;
  };
}
