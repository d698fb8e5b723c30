/**
 * Finds and loads rule sets: the built-in pack (rules/ in the package) plus
 * the folders named by --rules (repeatable) and TRAILTOP_RULES (a list
 * separated like PATH). A folder is searched recursively for .yml/.yaml
 * files; a single rule file may be named too. Every file that does not give a
 * runnable rule is in `skipped` with its path and the reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Rule, RuleSet, SkippedRule } from './rule.js';
import { parseRuleFile } from './sigmaRule.js';

/** A --rules folder (or TRAILTOP_RULES entry) that does not exist or cannot be read: commands exit 2. */
export class RulesFolderError extends Error {
  constructor(
    message: string,
    /** The folder as it was named (the command says where it was named). */
    readonly folder?: string,
  ) {
    super(message);
  }
}

/** The built-in pack shipped with trailtop. */
export function builtinRulesDir(): string {
  return fileURLToPath(new URL('../../rules/', import.meta.url));
}

/** Rule folders from --rules values and TRAILTOP_RULES (empty entries ignored), in that order. */
export function ruleFolders(options: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.TRAILTOP_RULES ?? '').split(delimiter).filter((s) => s.trim() !== '');
  return [...(options ?? []), ...fromEnv];
}

export interface LoadRulesOptions {
  /** Include the built-in pack (default true). */
  builtin?: boolean;
  /** Another folder as the built-in pack (tests). */
  builtinDir?: string;
}

/** Loads the built-in pack and the named folders. Throws RulesFolderError for a folder that is missing or holds no rule file. */
export function loadRuleSet(folders: readonly string[], options: LoadRulesOptions = {}): RuleSet {
  const rules: Rule[] = [];
  const skipped: SkippedRule[] = [];
  const byId = new Map<string, Rule>();
  const sources: { root: string; origin: string }[] = [];
  if (options.builtin !== false) sources.push({ root: options.builtinDir ?? builtinRulesDir(), origin: 'builtin' });
  for (const folder of folders) {
    let info;
    try {
      info = statSync(folder);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new RulesFolderError(`${code === 'ENOENT' ? 'no such rules folder' : `cannot read rules folder (${code ?? 'error'})`}: ${folder}`, folder);
    }
    if (!info.isDirectory() && !info.isFile()) throw new RulesFolderError(`not a rules folder or file: ${folder}`, folder);
    sources.push({ root: folder, origin: folder });
  }
  for (const { root, origin } of sources) {
    const files = ruleFiles(root, skipped);
    // A folder named for its rules that holds none is a wrong path, not a quiet run of the built-in pack alone.
    if (origin !== 'builtin' && files.length === 0 && !skipped.some((s) => s.path === root)) {
      throw new RulesFolderError(`no rule files (.yml, .yaml) in the rules folder: ${root}`, root);
    }
    for (const path of files) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        skipped.push({ path, reason: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      const parsed = parseRuleFile(text, path, origin);
      skipped.push(...parsed.skipped);
      for (const rule of parsed.rules) {
        const known = byId.get(rule.id);
        if (known) {
          skipped.push({ path: rule.path, reason: `duplicate rule id ${rule.id} (already loaded from ${known.path})` });
          continue;
        }
        byId.set(rule.id, rule);
        rules.push(rule);
      }
    }
  }
  return { rules, skipped };
}

/** Rule files under root (or root itself), sorted so rule numbers are stable between runs. */
function ruleFiles(root: string, skipped: SkippedRule[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      skipped.push({ path: dir, reason: `cannot list: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const ruleName = /\.ya?ml$/i.test(name);
      let info;
      try {
        info = statSync(path);
      } catch (error) {
        // A dangling link named as a rule file is a rule the reader meant to run: say so, as for any other.
        if (ruleName) skipped.push({ path, reason: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
        continue;
      }
      if (info.isDirectory()) {
        const key = `${info.dev}:${info.ino}`;
        if (depth < 16 && !seen.has(key)) {
          seen.add(key);
          walk(path, depth + 1);
        }
      } else if (ruleName) {
        // A FIFO or a device (a link to /dev/zero) would block or never end a read: listed, not read.
        if (info.isFile()) out.push(path);
        else skipped.push({ path, reason: 'not a regular file' });
      }
    }
  };
  let info;
  try {
    info = statSync(root);
  } catch (error) {
    skipped.push({ path: root, reason: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
    return out;
  }
  if (info.isFile()) return [resolve(root)];
  walk(root, 0);
  return out;
}
