/**
 * JSON text that is safe to print on a terminal and still the same JSON value.
 *
 * JSON.stringify escapes C0 controls (ESC becomes \u001b) but leaves DEL, C1
 * controls (some terminals treat U+009B as CSI) and bidirectional overrides
 * (which reorder what the user reads) as raw characters. Escaping them as
 * \uXXXX changes the bytes, not the parsed value, so jq and CloudTrail tools
 * read the output unchanged.
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

export function terminalSafeJson(json: string): string {
  if (!HAS_UNSAFE.test(json)) return json;
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
