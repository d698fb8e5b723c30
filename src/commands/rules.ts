import { loadRuleSet, ruleFolders, RulesFolderError } from '../detect/loadRules.js';
import type { RuleSet } from '../detect/rule.js';
import { parseQuery } from '../query/index.js';
import { ruleTags, unnamedRuleTerm } from '../detect/ruleTerms.js';
import { sanitize } from '../term/sanitize.js';
import { UsageError } from './args.js';

export { RULES_HELP, RULES_OPTION } from './rulesOption.js';

/** The built-in pack plus --rules and TRAILTOP_RULES; a missing folder is a usage error (exit 2). */
export function commandRules(rules: readonly string[] | undefined): RuleSet {
  // `--rules "$RULES"` with the variable unset: said as such, not "no such rules folder: " naming nothing.
  if (rules?.some((folder) => folder.trim() === '')) throw new UsageError('--rules needs a folder (or file) of Sigma rules, such as ./rules');
  try {
    return loadRuleSet(ruleFolders(rules));
  } catch (error) {
    if (error instanceof RulesFolderError) {
      // A folder from the environment was never typed on this command line: say where it came from.
      const fromEnv = error.folder !== undefined && !(rules ?? []).includes(error.folder);
      throw new UsageError(sanitize(`${error.message}${fromEnv ? ' (named in TRAILTOP_RULES)' : ''}`), false);
    }
    throw error;
  }
}

/**
 * The rules that will not run (bad YAML, an unsupported modifier, a duplicate id), one line each on
 * stderr, for the commands that run rules without listing them as detect does (tail --findings-only,
 * a rule: filter): a rule dropped in silence would leave an alerting pipeline blind to what it watches for.
 */
export function reportRulesNotRun(set: RuleSet): void {
  for (const skipped of set.skipped) process.stderr.write(`trailtop: rule not run: ${sanitize(skipped.path)}: ${sanitize(skipped.reason)}\n`);
}

/** True when a query names detection results (a rule: term), so the command must run the rules to answer it. */
export function filterNeedsRules(source: string): boolean {
  const parsed = parseQuery(source, { deepTerms: true });
  return parsed.ok && ruleTags(parsed.ast).length > 0;
}

/** A rule: term that names none of the loaded rules is a usage error (detect/ruleTerms.ts). */
export function requireNamedRules(source: string, set: RuleSet): void {
  const unnamed = unnamedRuleTerm(source, set.rules);
  if (unnamed !== null) throw new UsageError(sanitize(unnamed), false);
}
