import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTimed } from './child.js';
import { listTrailFiles } from './dataset.js';
import { median, type Figure } from './table.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/trailtop.js');

export function jqInstalled(): boolean {
  const probe = spawnSync('jq', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
}

/** The generator's summary names its deliberately truncated file; a jq pipeline would stop at it, so it is left out. */
export function truncatedFile(summary: string): string | null {
  return /1 truncated \(([^)]+)\)/.exec(summary)?.[1] ?? null;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * What a user does today without trailtop: zcat every file into one jq that
 * picks all AccessDenied errors of one IAM user, beside `trailtop scan
 * --filter` and `trailtop export --filter -o -` answering the same question
 * (each a fresh process, timed to exit).
 */
export async function benchJq(dir: string, summary: string, user: string, label: string, runs: number): Promise<Figure[]> {
  const skip = truncatedFile(summary);
  const files = listTrailFiles(dir).filter((f) => skip === null || !f.endsWith(skip));
  const list = path.join(tmpdir(), `trailtop-bench-jq-${process.pid}.list`);
  writeFileSync(list, files.join('\0'));
  const filter = `.Records[]? | select(.errorCode == "AccessDenied" and .userIdentity.userName == "${user}")`;
  const query = `error:AccessDenied user:${user}`;
  const jqScript = `set -o pipefail; xargs -0 zcat < "$1" | jq -c '${filter}'`;
  try {
    const jq: number[] = [];
    const scan: number[] = [];
    const exp: number[] = [];
    let jqCount = 0;
    let exportCount = 0;
    let scanLine = '';
    for (let i = 0; i < runs; i++) {
      const j = await runTimed('bash', ['-c', jqScript, 'jq-bench', list]);
      if (j.code !== 0) throw new Error(`zcat | jq failed: ${j.stderr.trim().slice(0, 300)}`);
      jq.push(j.ms);
      jqCount = countLines(j.stdout);
      const s = await runTimed(process.execPath, [cli, 'scan', dir, '--filter', query]);
      if (s.code !== 0) throw new Error(`trailtop scan failed: ${s.stderr.trim().slice(0, 300)}`);
      scan.push(s.ms);
      scanLine = /^Events .*$/m.exec(s.stdout)?.[0] ?? '';
      const e = await runTimed(process.execPath, [cli, 'export', dir, '--filter', query, '--format', 'jsonl', '-o', '-']);
      if (e.code !== 0) throw new Error(`trailtop export failed: ${e.stderr.trim().slice(0, 300)}`);
      exp.push(e.ms);
      exportCount = countLines(e.stdout);
    }
    const goal = { on: 'ratio', kind: 'max', limit: 0.1, label: '<= 0.1x jq (10x faster)' } as const;
    const baselineLabel = 'zcat | jq';
    return [
      {
        name: `vs jq: \`trailtop scan --filter '${query}'\`, ${label}`,
        unit: 'ms',
        value: median(scan),
        baseline: median(jq),
        baselineLabel,
        goal,
        runs,
        note: `jq printed ${jqCount.toLocaleString('en-US')} records; scan: ${scanLine}`,
      },
      {
        name: `vs jq: \`trailtop export --filter ... -o -\` (jsonl), ${label}`,
        unit: 'ms',
        value: median(exp),
        baseline: median(jq),
        baselineLabel,
        goal,
        runs,
        note: `${exportCount.toLocaleString('en-US')} records written`,
      },
    ];
  } finally {
    rmSync(list, { force: true });
  }
}
