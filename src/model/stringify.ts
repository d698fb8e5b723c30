/**
 * JSON text of an original record that never overflows the stack.
 *
 * JSON.stringify recurses once per nesting level and throws RangeError at a
 * few thousand levels; a log file can nest a record's requestParameters as
 * deep as it likes (JSON.parse accepts 200,000 levels). Printing such a record
 * (tail, JSON export, the JSON view) must not crash, so when JSON.stringify
 * overflows, the same text is produced with an explicit stack instead.
 */

/** Levels that are indented in the fallback; deeper ones are written compactly, or the indentation alone would be quadratic in size. */
export const MAX_INDENTED_DEPTH = 64;

/**
 * JSON.stringify(value, null, indent) for data that came from JSON.parse
 * (plus plain objects of strings, numbers, booleans and null). Compact output
 * (indent 0) is identical to JSON.stringify's at any depth; indented output
 * is identical up to MAX_INDENTED_DEPTH levels. Returns 'null' for undefined.
 */
export function stringifyJson(value: unknown, indent = 0): string {
  try {
    return JSON.stringify(value, null, indent) ?? 'null';
  } catch (error) {
    if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) throw error;
  }
  return stringifyIteratively(value, indent);
}

interface Frame {
  /** Object keys whose values are written, or null for an array. */
  keys: string[] | null;
  values: unknown[];
  next: number;
  depth: number;
  pretty: boolean;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** The fallback itself (exported for tests). */
export function stringifyIteratively(root: unknown, indent: number): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const newline = (depth: number) => `\n${' '.repeat(indent * depth)}`;

  const write = (value: unknown, depth: number): void => {
    if (!isContainer(value)) {
      out.push(omitted(value) ? 'null' : JSON.stringify(value));
      return;
    }
    const pretty = indent > 0 && depth < MAX_INDENTED_DEPTH;
    if (Array.isArray(value)) {
      out.push('[');
      stack.push({ keys: null, values: value, next: 0, depth, pretty });
      return;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => !omitted(record[key]));
    out.push('{');
    stack.push({ keys, values: keys.map((key) => record[key]), next: 0, depth, pretty });
  };

  write(root, 0);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.values.length) {
      stack.pop();
      if (frame.pretty && frame.next > 0) out.push(newline(frame.depth));
      out.push(frame.keys ? '}' : ']');
      continue;
    }
    const k = frame.next++;
    if (k > 0) out.push(',');
    if (frame.pretty) out.push(newline(frame.depth + 1));
    if (frame.keys) out.push(JSON.stringify(frame.keys[k]), frame.pretty ? ': ' : ':');
    const item = frame.values[k];
    // In arrays, JSON.stringify writes null for what it omits from objects.
    write(frame.keys === null && omitted(item) ? null : item, frame.depth + 1);
  }
  return out.join('');
}
