/**
 * One Sigma rule file (YAML text) -> rules that run, or the reasons they do not.
 * Only rules for `logsource: product: aws, service: cloudtrail` are taken.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { or, type QueryNode } from '../query/ast.js';
import { isLevel, type Level, type Rule, type SkippedRule } from './rule.js';
import { compileCondition } from './sigmaCondition.js';
import { compileSearch, isMap, Unsupported } from './sigmaValues.js';

export interface ParsedFile {
  rules: Rule[];
  skipped: SkippedRule[];
}

/**
 * The YAML parser, loaded on the first rule file: every headless command
 * imports this module for its --rules option, and most runs parse no rule.
 * yaml is CommonJS under Node, so require gives the module an import would.
 */
let yaml: typeof Yaml | null = null;
function yamlParser(): typeof Yaml {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yaml;
}

/** Level when a rule gives none (Sigma makes it optional). */
export const DEFAULT_LEVEL: Level = 'medium';

/**
 * Parses the text of one rule file. `path` names it in reasons; `origin` is
 * where it was found ('builtin' or a --rules folder). A file may hold several
 * YAML documents; each is one rule.
 */
export function parseRuleFile(text: string, path: string, origin: string): ParsedFile {
  const { LineCounter, parseAllDocuments } = yamlParser();
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const out: ParsedFile = { rules: [], skipped: [] };
  const list = Array.isArray(documents) ? documents : [documents];
  const several = list.length > 1;
  if (list.length === 0) out.skipped.push({ path, reason: 'empty file' });
  list.forEach((document, k) => {
    const where = several ? `${path} (document ${k + 1})` : path;
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0];
      const at = line ? `line ${line.line}, column ${line.col}: ` : '';
      out.skipped.push({ path: where, reason: `not valid YAML: ${at}${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` });
      return;
    }
    keepWrittenDigits(document);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // yaml throws here, not in document.errors, for aliases that expand past maxAliasCount (a
      // "billion laughs" file): one such file in a rules folder stopped every command that loads it.
      out.skipped.push({ path: where, reason: `not valid YAML: ${error instanceof Error ? error.message.split('\n')[0]! : String(error)}` });
      return;
    }
    if (value === null || value === undefined) {
      if (!several) out.skipped.push({ path: where, reason: 'empty file' });
      return;
    }
    try {
      // Without an id a rule is named by its file, and each document of a file by its number too:
      // two id-less rules in one file had the same id, and the second was listed as a duplicate.
      out.rules.push(ruleOf(value, where, origin, several ? `${stem(path)}#${k + 1}` : stem(path)));
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      out.skipped.push({ path: where, reason: error.message });
    }
  });
  return out;
}

/**
 * Plain integers whose number would not read back as written stay the text
 * written: YAML makes `012345678901` (an AWS account ID, which may start with
 * 0) the number 12345678901 and a 20-digit ID a rounded one, and values are
 * compared as text, so the rule would never match the account. Other numbers
 * (`3600`, `1.0`) stay numbers, compared as the text a record's number has.
 */
function keepWrittenDigits(document: Yaml.Document.Parsed): void {
  yamlParser().visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'number' || node.type !== 'PLAIN' || typeof node.source !== 'string') return;
      if (/^-?0\d+$/.test(node.source) || (/^-?\d+$/.test(node.source) && !Number.isSafeInteger(node.value))) node.value = node.source;
    },
  });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function textList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text).filter((s) => s !== '');
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function ruleOf(value: unknown, where: string, origin: string, fallbackId: string): Rule {
  if (!isMap(value)) throw new Unsupported('not a Sigma rule (the document is not a map)');
  if ('action' in value) throw new Unsupported(`Sigma rule collections (action: ${text(value.action)}) are not supported`);
  if ('correlation' in value) throw new Unsupported('correlation rules (aggregations over several events) are not supported');
  if (value.type === 'filter' || ('filter' in value && !('detection' in value))) throw new Unsupported('Sigma meta-filters are not supported');
  const title = text(value.title).trim();
  if (title === '') throw new Unsupported('the rule has no title');
  const logsource = isMap(value.logsource) ? value.logsource : {};
  const product = text(logsource.product).toLowerCase();
  const service = text(logsource.service).toLowerCase();
  if (product !== 'aws' || service !== 'cloudtrail') {
    throw new Unsupported(`logsource is product: ${product || '-'}, service: ${service || '-'}; only aws/cloudtrail rules run on CloudTrail`);
  }
  const levelText = text(value.level).toLowerCase();
  if (levelText !== '' && !isLevel(levelText)) throw new Unsupported(`unknown level '${levelText}'`);
  const level: Level = levelText === '' ? DEFAULT_LEVEL : (levelText as Level);
  const id = text(value.id).trim() || fallbackId;
  return {
    id,
    title,
    level,
    status: text(value.status),
    description: text(value.description).trim(),
    references: textList(value.references),
    tags: textList(value.tags),
    author: text(value.author),
    falsepositives: textList(value.falsepositives),
    path: where,
    origin,
    ast: compileDetection(value.detection),
  };
}

function stem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.ya?ml$/i, '');
}

/** The detection section: search identifiers, then the condition (or list of conditions: any). */
export function compileDetection(detection: unknown): QueryNode {
  if (!isMap(detection)) throw new Unsupported('the rule has no detection section');
  if ('timeframe' in detection) throw new Unsupported('timeframe (counting events over time) is not supported');
  const searches = new Map<string, QueryNode>();
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition') continue;
    searches.set(name, compileSearch(name, value));
  }
  const condition = detection.condition;
  const conditions = Array.isArray(condition) ? condition : [condition];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== 'string' || c.trim() === '')) {
    throw new Unsupported('the detection has no condition');
  }
  return or((conditions as string[]).map((c) => compileCondition(c, searches)));
}
