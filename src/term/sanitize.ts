/**
 * The one sanitiser every log string passes through before it is drawn.
 *
 * Every string in a CloudTrail record can be chosen by an attacker, and a
 * terminal acts on control characters: ESC starts sequences that clear the
 * screen, move the cursor, set the title or write the clipboard (OSC 52), C1
 * controls (U+0080-U+009F) are 8-bit forms of the same introducers, and
 * bidirectional overrides reorder what the user reads. Instead of parsing
 * escape sequences (and risking a parser that disagrees with the terminal's),
 * every such code point is replaced by a visible escape. An escape sequence
 * therefore shows as text: `ESC [ 2 J` becomes the characters `\x1b[2J`, an
 * OSC 52 write shows as `\x1b]52;c;...\x07`. No control code point survives,
 * and the printable payload stays readable for the person investigating it.
 *
 * Backslashes in the input are left alone, so a literal `\x1b` typed into a
 * user agent looks the same as an escaped ESC; that ambiguity is accepted to
 * keep ordinary strings (Windows paths, regexes) unchanged.
 */

/**
 * Code points that are escaped. In `u` mode a surrogate class matches only
 * lone surrogates, since a well-formed pair is one code point.
 *  - C0 controls, DEL, C1 controls
 *  - U+061C arabic letter mark, U+200E/U+200F LRM/RLM
 *  - U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates
 *  - U+2028/U+2029 line and paragraph separators (they break a line in some terminals)
 *  - lone surrogates (cannot be encoded as UTF-8; replaced by U+FFFD)
 *  - invisible characters that make one string look like another (`ad\u200bmin`
 *    drawn as `admin`): soft hyphen U+00AD, combining grapheme joiner U+034F,
 *    Hangul fillers U+115F/U+1160/U+3164/U+FFA0, Khmer U+17B4/U+17B5, Mongolian
 *    U+180B-U+180F, zero-width space/non-joiner/joiner U+200B-U+200D (a joiner
 *    between two emoji stays: it builds one emoji, see ZWJ below), word joiner
 *    and invisible operators U+2060-U+2064, deprecated format U+206A-U+206F,
 *    BOM U+FEFF, interlinear annotation U+FFF9-U+FFFB, musical format
 *    U+1D173-U+1D17A, tag characters U+E0000-U+E007F, shorthand format controls
 *    U+1BCA0-U+1BCA3, the rest of the default-ignorable plane 14 (U+E0080-U+E0FFF),
 *    and variation selectors U+FE00-U+FE0F and U+E0100-U+E01EF (`ad\ufe0fmin` drew
 *    as `admin`; one right after a keycap's digit or a CJK ideograph stays, and U+FE0F
 *    after a symbol drawn as text by default: it picks that character's form, see
 *    VARIATION and EMOJI_SELECTOR below)
 */
const UNSAFE_CLASS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u202a-\\u202e\\u2028\\u2029' +
  '\\u2060-\\u2064\\u2066-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\ufff9-\\ufffb\\ud800-\\udfff\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0000}-\\u{e0fff}';

const ZWJ = '\u200d';
/** An emoji (or its skin tone or presentation selector) right before a joiner, and an emoji right after it. */
const PICTOGRAPH_BEFORE = /[\p{Extended_Pictographic}\u{1f3fb}-\u{1f3ff}\ufe0f]$/u;
const PICTOGRAPH_AFTER = /^\p{Extended_Pictographic}/u;

/** A variation selector, and what one may follow: a CJK ideograph (an ideographic variation sequence). */
const VARIATION = /^[\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u;
const SELECTABLE_BEFORE = /\p{Ideographic}$/u;
/**
 * The emoji selector U+FE0F stays only after a symbol drawn as text by default (☺ ❤ ✔, 🏳 of 🏳️‍🌈):
 * there it draws a different, wider glyph. After an emoji already drawn as one (😀) it changes
 * nothing on screen, so `bob😀` and `bob😀\ufe0f` (two session names, user agents or object keys)
 * looked the same while T counted them apart and `=` matched one; it shows there, as U+FE0E (text
 * form, which terminals mostly ignore for emoji) does after any emoji.
 */
const EMOJI_SELECTOR = '\ufe0f';
const TEXT_DEFAULT_PICTOGRAPH = /\p{Extended_Pictographic}$/u;
const EMOJI_DEFAULT = /\p{Emoji_Presentation}$/u;
/** A keycap (1️⃣): a digit, # or *, the emoji selector, then U+20E3. */
const KEYCAP_BEFORE = /[0-9#*]$/;
const KEYCAP_AFTER = '\u20e3';

const UNSAFE_TEST = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
const UNSAFE_ALL = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');
/** Everything but newline, for the multi-line (JSON) view. */
const UNSAFE_MULTILINE_TEST = new RegExp(`[${UNSAFE_CLASS.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f')}]`, 'u');
const UNSAFE_MULTILINE_ALL = new RegExp(UNSAFE_MULTILINE_TEST.source, 'gu');

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function hex(code: number, digits: number): string {
  return code.toString(16).padStart(digits, '0');
}

/**
 * The replacement of one unsafe code point at `offset` of `text`: its visible
 * escape, except a zero-width joiner between two emoji (👩‍💻 is one emoji) and a
 * variation selector that picks a form of the character before it.
 */
function escapeAt(ch: string, offset: number, text: string): string {
  const before = text.slice(Math.max(0, offset - 2), offset);
  if (ch === ZWJ && PICTOGRAPH_BEFORE.test(before) && PICTOGRAPH_AFTER.test(text.slice(offset + 1, offset + 3))) {
    return ch;
  }
  if (VARIATION.test(ch) && (SELECTABLE_BEFORE.test(before) || (KEYCAP_BEFORE.test(before) && text.startsWith(KEYCAP_AFTER, offset + ch.length)))) return ch;
  if (ch === EMOJI_SELECTOR && TEXT_DEFAULT_PICTOGRAPH.test(before) && !EMOJI_DEFAULT.test(before)) return ch;
  return visibleEscape(ch);
}

/** The visible form of one unsafe code point. */
export function visibleEscape(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.codePointAt(0) ?? 0;
  if (code >= 0xd800 && code <= 0xdfff) return '\ufffd';
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return `\\u${hex(code, 4)}`;
}

/**
 * Makes a log string safe to draw on one line: every control character
 * (including tab and newline), escape-sequence introducer and bidi control is
 * shown as a visible escape. Returns the same string when nothing needs it.
 */
export function sanitize(text: string): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE_ALL, escapeAt);
}

/**
 * An error's text (DuckDB's span several lines: a hint, candidate bindings) as one readable line for
 * stderr or a status line: each line trimmed, blank ones dropped, joined by a space, then sanitized,
 * so no line break shows as a literal `\n`.
 */
export function sanitizeLine(text: string): string {
  return sanitize(
    text
      .split(/\r\n|[\r\n\u2028\u2029]/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .join(' '),
  );
}

/**
 * Like sanitize, but keeps newlines so multi-line text (the pretty JSON view)
 * keeps its shape. Tabs and carriage returns are still escaped: a tab moves
 * the cursor by a width the layout cannot know, CR returns to column 0.
 */
export function sanitizeMultiline(text: string): string {
  if (!UNSAFE_MULTILINE_TEST.test(text)) return text;
  return text.replace(UNSAFE_MULTILINE_ALL, escapeAt);
}

/**
 * Every unsafe code point (the ones sanitize shows as escapes, joiners
 * included) replaced by `escape(ch)`: for text that must stay exact and
 * printable, such as a pivot's value in the query bar.
 */
export function replaceUnsafe(text: string, escape: (ch: string) => string): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE_ALL, escape);
}

/** True when sanitize would change the text. */
export function needsSanitizing(text: string): boolean {
  return UNSAFE_TEST.test(text) && sanitize(text) !== text;
}

/**
 * Removes (rather than shows) unsafe code points: for text the user types,
 * such as the query bar, where ink-text-input can let DEL bytes through.
 */
export function stripControls(text: string): string {
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE_ALL, '');
}
