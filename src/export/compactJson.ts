/**
 * A record's JSON text made one compact line without parsing it into
 * numbers: JSON.parse + JSON.stringify rounded a 23-digit integer, wrote
 * `1e400` as null and `1.0` as 1, and an export is evidence that must say
 * what the log said. Only the white space between tokens goes; a string
 * with an escape is written as JSON.stringify writes its value (so `\/`
 * and `\u0041` read as they do from `export --db`); numbers, literals, key
 * order and repeated keys are the log's own bytes.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * `json`: valid JSON text (UTF-8), as the span scanner checked it. Returns
 * the same value as one line: never longer than `json`, a new buffer.
 */
export function compactJson(json: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(json.length);
  const n = json.length;
  let at = 0;
  let i = 0;
  while (i < n) {
    const c = json[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c !== QUOTE) {
      out[at++] = c;
      i++;
      continue;
    }
    // A string: to its closing quote, the one not escaped.
    const start = i;
    let escaped = false;
    for (i++; i < n; i++) {
      const d = json[i]!;
      if (d === BACKSLASH) {
        escaped = true;
        i++;
      } else if (d === QUOTE) {
        break;
      }
    }
    i++;
    if (!escaped) {
      out.set(json.subarray(start, i), at);
      at += i - start;
    } else {
      const text = Buffer.from(json.buffer, json.byteOffset + start, i - start).toString('utf8');
      // Shorter or as long: JSON.stringify escapes nothing that was not escaped in the log's own text.
      at += out.write(JSON.stringify(JSON.parse(text) as string), at, 'utf8');
    }
  }
  return out.subarray(0, at);
}
