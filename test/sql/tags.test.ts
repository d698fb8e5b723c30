/**
 * `sql` and `athena` print or run a statement without trailtop's rule hits or
 * marks: a `rule:` or `mark:` term is refused (exit 2, one line), not
 * compiled to `false` (a statement that silently matches nothing).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/commands/args.js';
import { runAthena } from '../../src/commands/athena.js';
import { runSql } from '../../src/commands/sql.js';

describe('rule: and mark: on the SQL commands', () => {
  it.each([
    ['athena', 'error:AccessDenied rule:0f0e8801-7b3e-407d-bcfd-d0172ba33299'],
    ['duckdb', 'name:StopLogging -mark:*'],
  ])('sql --dialect %s refuses %s', async (dialect, query) => {
    await expect(runSql(['--dialect', dialect, query])).rejects.toThrow(UsageError);
    await expect(runSql(['--dialect', dialect, query])).rejects.toThrow(/terms cannot be written as SQL/);
  });

  it('athena refuses a rule: term before asking AWS for anything', async () => {
    await expect(runAthena(['--database', 'd', '--table', 't', '--workgroup', 'w', 'rule:*root*'])).rejects.toThrow(/rule: terms cannot be run on Athena/);
  });
});
