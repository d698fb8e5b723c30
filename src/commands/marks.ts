/**
 * `mark:` in the headless commands: the marks the dashboard keeps (`m`) for
 * the same folder or archive file (src/state/), read once and never written,
 * so `export DIR --filter mark:*` writes what was marked there. Without this
 * a mark: term compiled to "no event" and the command answered nothing.
 */
import { parseQuery } from '../query/parse.js';
import { openFolderState } from '../state/index.js';
import { sanitize } from '../term/sanitize.js';
import { hasTag } from './sqlQuery.js';
import type { TagContext } from '../query/ast.js';

export function filterNeedsMarks(source: string | undefined): boolean {
  if (source === undefined || source.trim() === '') return false;
  const parsed = parseQuery(source, { deepTerms: true });
  return parsed.ok && hasTag(parsed.ast, 'mark');
}

/** The marked event IDs of `path` (a folder, a log file or an archive file), as the dashboard opened on it keeps them. */
export function savedMarks(path: string, env: NodeJS.ProcessEnv = process.env): ReadonlySet<string> {
  const state = openFolderState(path, { enabled: true, env });
  // A corrupt state file is ignored with a message, as the dashboard does.
  if (state.warning) process.stderr.write(`trailtop: ${sanitize(state.warning)}\n`);
  return new Set(state.marks());
}

/** What tag terms read in a headless command: the rules' hits (a detection session's) and the saved marks. */
export function tagContext(session: { findings: { tagRules: TagContext['rules'] } } | null, marks: ReadonlySet<string> | null): TagContext | undefined {
  if (!session && !marks) return undefined;
  return { ...(session ? { rules: session.findings.tagRules } : {}), ...(marks ? { marks } : {}) };
}
