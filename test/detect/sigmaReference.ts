/**
 * A brute-force Sigma evaluator for tests, written from the rule YAML's
 * meaning (the Sigma semantics), independent of src/detect and of the
 * query layer: it walks the YAML detection section over a parsed record each
 * time, with no compilation, no AST and no prefilter.
 */
import { parseAllDocuments } from 'yaml';

type Loose = Record<string, unknown>;

export interface ReferenceRule {
  id: string;
  title: string;
  detection: Loose;
}

/** Rules of one YAML text, as plain objects (no checks beyond what evaluation needs). */
export function referenceRules(text: string): ReferenceRule[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Loose).filter((r) => r && typeof r === 'object').map((r) => ({
    id: String(r.id),
    title: String(r.title),
    detection: r.detection as Loose,
  }));
}

/** The values a dotted field has in a record: lists on the way fan out; objects and lists (but empty ones) at the end also as JSON text. */
function valuesAt(record: unknown, field: string): string[] {
  let current: unknown[] = [record];
  for (const key of field.split('.')) {
    const next: unknown[] = [];
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(visit);
      else if (value !== null && typeof value === 'object' && key in (value as Loose)) next.push((value as Loose)[key]);
    };
    current.forEach(visit);
    current = next;
  }
  const out: string[] = [];
  for (const value of current) {
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      // An empty list is no value (ast.ts), as Elastic's and Splunk's backends read one.
      if (value.length === 0) continue;
      for (const element of value) if (element !== null && typeof element !== 'object') out.push(String(element));
      out.push(JSON.stringify(value));
    } else if (typeof value === 'object') {
      out.push(JSON.stringify(value));
    } else {
      out.push(String(value));
    }
  }
  return out;
}

/** Sigma wildcard string -> predicate on a value, any case; `\` escapes * ? and \. */
function wildcard(pattern: string): (value: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const next = pattern[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      source += '\\' + next;
      i++;
    } else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else {
      const lower = c.toLowerCase();
      for (let k = 0; k < lower.length; k++) source += `\\u${lower.charCodeAt(k).toString(16).padStart(4, '0')}`;
    }
  }
  const re = new RegExp(`^${source}$`, 's');
  return (value) => re.test(value.toLowerCase());
}

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function inCidr(value: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(value);
  const b = ipv4(base!);
  if (a === null || b === null) return false;
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

function entryMatches(record: unknown, key: string, raw: unknown): boolean {
  const [field, ...modifiers] = key.split('|');
  const values = valuesAt(record, field!);
  const wanted = Array.isArray(raw) ? raw : [raw];
  const all = modifiers.includes('all');
  const one = (want: unknown): boolean => {
    if (modifiers.includes('exists')) return (want === true || want === 'true') === values.length > 0;
    if (want === null) return values.length === 0;
    const text = String(want);
    if (modifiers.includes('re')) {
      const flags = modifiers.filter((m) => ['i', 'm', 's'].includes(m)).join('');
      const re = new RegExp(text, flags);
      return values.some((v) => re.test(v));
    }
    if (modifiers.includes('cidr')) return values.some((v) => inCidr(v, text));
    if (modifiers.includes('fieldref')) {
      // Another field's values, any case: equal, or contained, at the start or the end.
      const others = valuesAt(record, text).map((o) => o.toLowerCase());
      const relates = (v: string, o: string): boolean =>
        modifiers.includes('contains') ? v.includes(o) : modifiers.includes('startswith') ? v.startsWith(o) : modifiers.includes('endswith') ? v.endsWith(o) : v === o;
      return values.some((v) => others.some((o) => relates(v.toLowerCase(), o)));
    }
    let pattern = text;
    if (modifiers.includes('contains')) pattern = `*${pattern}*`;
    if (modifiers.includes('startswith')) pattern = `${pattern}*`;
    if (modifiers.includes('endswith')) pattern = `*${pattern}`;
    const test = wildcard(pattern);
    // A quote in the value also finds \" in JSON text (a policy document kept as a string: ast.ts),
    // a backslash \\ in JSON text (a value starting with { or [).
    const quotes = pattern.includes('"');
    const backslashes = pattern.includes('\\');
    if (!quotes && !backslashes) return values.some(test);
    const read = (v: string): string => {
      const unquoted = quotes ? v.split('\\"').join('"') : v;
      return backslashes && /^[[{]/.test(v) ? unquoted.split('\\\\').join('\\') : unquoted;
    };
    return values.some((v) => test(v) || test(read(v)));
  };
  return all ? wanted.every(one) : wanted.some(one);
}

function searchMatches(record: unknown, search: unknown): boolean {
  if (Array.isArray(search)) return search.some((s) => searchMatches(record, s));
  return Object.entries(search as Loose).every(([key, value]) => entryMatches(record, key, value));
}

/** Evaluates a Sigma condition string by recursive descent, straight over the YAML. */
function conditionMatches(record: unknown, condition: string, detection: Loose): boolean {
  const tokens = condition.match(/\(|\)|[^\s()]+/g) ?? [];
  let i = 0;
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  const search = (name: string) => searchMatches(record, detection[name]);
  const orExpr = (): boolean => {
    let v = andExpr();
    while (tokens[i] === 'or') {
      i++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = notExpr();
    while (tokens[i] === 'and') {
      i++;
      const r = notExpr();
      v = v && r;
    }
    return v;
  };
  const notExpr = (): boolean => {
    if (tokens[i] === 'not') {
      i++;
      return !notExpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const t = tokens[i++]!;
    if (t === '(') {
      const v = orExpr();
      i++;
      return v;
    }
    if (tokens[i] === 'of') {
      const pattern = tokens[i + 1]!;
      i += 2;
      const matching =
        pattern === 'them' ? names.filter((n) => !n.startsWith('_')) : names.filter((n) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(n));
      return t === 'all' ? matching.every(search) : matching.some(search);
    }
    return search(t);
  };
  return orExpr();
}

export function referenceMatches(rule: ReferenceRule, record: unknown): boolean {
  const condition = rule.detection.condition;
  const list = Array.isArray(condition) ? condition : [condition];
  return list.some((c) => conditionMatches(record, String(c), rule.detection));
}
