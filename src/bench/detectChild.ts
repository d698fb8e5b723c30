/**
 * One detection-bench measurement in a fresh process:
 *   node dist/bench/detectChild.js plain|rules DIR [RULES_DIR]
 * loads DIR with openFolder (the dashboard's loader), without rules or with
 * the built-in pack plus RULES_DIR, and prints one JSON line: DetectRun.
 */
import { loadRuleSet } from '../detect/loadRules.js';
import { detectionSession } from '../detect/session.js';
import { openFolder } from '../ingest/open.js';

export interface DetectRun {
  loadedMs: number;
  events: number;
  rules: number;
  /** Unique (rule, event) pairs found. */
  hits: number;
  /** CPU time of the load, all threads (user + system): the work done, which a busy machine stretches less than wall time. */
  cpuMs: number;
}

const [mode, dir, rulesDir] = process.argv.slice(2);
if ((mode !== 'plain' && mode !== 'rules') || !dir) {
  process.stderr.write('usage: node dist/bench/detectChild.js plain|rules DIR [RULES_DIR]\n');
  process.exit(2);
}
const set = mode === 'rules' ? loadRuleSet(rulesDir ? [rulesDir] : []) : null;
const session = set ? detectionSession(set) : null;
const started = performance.now();
const cpuStart = process.cpuUsage();
const folder = openFolder(dir, { watch: false, ...(session?.detection ? { detection: session.detection } : {}) });
await folder.ready;
const loadedMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
await folder.close();
const hits = session ? session.findings.list().reduce((sum, f) => sum + f.count, 0) : 0;
const run: DetectRun = { loadedMs, events: folder.store.size, rules: set?.rules.length ?? 0, hits, cpuMs: (cpu.user + cpu.system) / 1000 };
process.stdout.write(`${JSON.stringify(run)}\n`);
process.exit(0);
