/**
 * The --rules option's table and help, apart from the rule loader (rules.ts: Sigma parsing, YAML),
 * so that a command can list the option without loading the loader (scan --db never needs it).
 */

/** The --rules option every command takes (repeatable); TRAILTOP_RULES adds more. */
export const RULES_OPTION = { rules: { type: 'string', multiple: true } } as const;

export const RULES_HELP = `  --rules DIR   also run the Sigma rules under DIR (repeatable; TRAILTOP_RULES
                adds folders too, separated by ':'); the built-in pack always runs`;
