/**
 * Detection figures (issue 15):
 * - a load with the built-in pack and the 57 SigmaHQ rules against the same
 *   load without rules (pairs in fresh processes, order alternating);
 * - `trailtop detect DIR` with all those rules against the one-core
 *   gunzip+JSON.parse baseline (ingestChild.js baseline);
 * - a rule firing on a file that lands in a watched folder: from the rename
 *   to the findings' change notification, which is what redraws the header
 *   and the findings view (the frame itself follows within Ink's 30 fps).
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRuleSet } from '../detect/loadRules.js';
import { detectionSession } from '../detect/session.js';
import { openFolder } from '../ingest/open.js';
import { runTimed } from './child.js';
import type { DetectRun } from './detectChild.js';
import type { IngestRun } from './ingestChild.js';
import { median, type Figure } from './table.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const detectChild = path.join(here, 'detectChild.js');
const ingestChild = path.join(here, 'ingestChild.js');
const bin = path.join(here, '../../bin/trailtop.js');

/** The SigmaHQ CloudTrail rules of the shared data sets, when they are there. */
export function sigmaRulesDir(): string | null {
  const dir = path.resolve(here, '../../../shared/datasets/sigma-cloudtrail/rules');
  return existsSync(dir) ? dir : null;
}

async function child<T>(script: string, args: string[]): Promise<T> {
  const result = await runTimed(process.execPath, ['--expose-gc', script, ...args]);
  if (result.code !== 0) throw new Error(`${path.basename(script)} ${args[0]} failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(result.stdout) as T;
}

export async function benchDetectLoad(dir: string, label: string, runs: number): Promise<Figure[]> {
  const sigma = sigmaRulesDir();
  const plain: number[] = [];
  const rules: number[] = [];
  const plainCpu: number[] = [];
  const rulesCpu: number[] = [];
  let last: DetectRun | null = null;
  for (let k = 0; k < runs; k++) {
    const order: Array<'plain' | 'rules'> = k % 2 === 0 ? ['plain', 'rules'] : ['rules', 'plain'];
    for (const mode of order) {
      const run = await child<DetectRun>(detectChild, [mode, dir, ...(sigma ? [sigma] : [])]);
      if (mode === 'plain') {
        plain.push(run.loadedMs);
        plainCpu.push(run.cpuMs);
      } else {
        rules.push(run.loadedMs);
        rulesCpu.push(run.cpuMs);
        last = run;
      }
    }
  }
  const pairs = rules.map((ms, k) => `${(ms / plain[k]!).toFixed(2)}x`).join(' ');
  return [
    {
      name: `detect: load with rules, ${label}`,
      unit: 'ms',
      value: median(rules),
      baseline: median(plain),
      baselineLabel: 'the same load without rules',
      goal: { on: 'ratio', kind: 'max', limit: 1.15, label: '<= 1.15x' },
      runs,
      note: `${last!.rules} rules (built-in pack${sigma ? ' + SigmaHQ' : '; SigmaHQ rules not found'}), ${last!.hits.toLocaleString('en-US')} (rule, event) hits over ${last!.events.toLocaleString('en-US')} events; pairs ${pairs}; CPU time, all threads: ${(median(rulesCpu) / 1000).toFixed(1)} s vs ${(median(plainCpu) / 1000).toFixed(1)} s (${(median(rulesCpu) / median(plainCpu)).toFixed(2)}x; steadier than wall time on a busy machine)`,
    },
  ];
}

export async function benchDetectCommand(dir: string, label: string, runs: number): Promise<Figure[]> {
  const sigma = sigmaRulesDir();
  const ours: number[] = [];
  const plain: number[] = [];
  for (let k = 0; k < runs; k++) {
    const base = await child<IngestRun>(ingestChild, ['baseline', dir]);
    plain.push(base.loadedMs);
    const result = await runTimed(process.execPath, [bin, 'detect', dir, '--json', ...(sigma ? ['--rules', sigma] : [])]);
    if (result.code !== 0) throw new Error(`trailtop detect failed: ${result.stderr.trim().split('\n').slice(-2).join(' ')}`);
    ours.push(result.ms);
  }
  return [
    {
      name: `detect DIR --json, ${label}`,
      unit: 'ms',
      value: median(ours),
      baseline: median(plain),
      baselineLabel: 'gunzip+JSON.parse, 1 core',
      goal: { on: 'ratio', kind: 'max', limit: 1.5, label: '<= 1.5x baseline' },
      runs,
      note: `whole command (process start included), built-in pack${sigma ? ' + SigmaHQ rules' : ''}`,
    },
  ];
}

/** A KMS ScheduleKeyDeletion record: fires the built-in pack's KMS rule. */
function firingRecord(id: string): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: 'kms.amazonaws.com',
    eventName: 'ScheduleKeyDeletion',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bench', accountId: '111122223333', userName: 'bench' },
    requestParameters: { keyId: 'k1', pendingWindowInDays: 7 },
    responseElements: null,
    eventID: id,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

export async function benchDetectLive(runs: number): Promise<Figure[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'trailtop-bench-detect-'));
  const watched = path.join(root, 'trail');
  const staging = path.join(root, 'staging');
  mkdirSync(watched, { recursive: true });
  mkdirSync(staging);
  const sigma = sigmaRulesDir();
  const session = detectionSession(loadRuleSet(sigma ? [sigma] : []));
  const folder = openFolder(watched, { watch: true, detection: session.detection! });
  try {
    await folder.ready;
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the watcher settle
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = session.findings.eventsWithFindings;
      const seen = new Promise<number>((resolve) => {
        const unsubscribe = session.findings.subscribe(() => {
          if (session.findings.eventsWithFindings > before) {
            unsubscribe();
            resolve(performance.now());
          }
        });
      });
      const name = `live-${i}.json`;
      writeFileSync(path.join(staging, name), JSON.stringify({ Records: [firingRecord(`bench-live-${process.pid}-${i}`)] }));
      const started = performance.now();
      renameSync(path.join(staging, name), path.join(watched, name));
      const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error('a firing file raised no finding within 10 s')), 10_000).unref());
      latencies.push((await Promise.race([seen, timeout])) - started);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return [
      {
        name: 'detect: rule firing on a landed file, to the findings notification',
        unit: 'ms',
        value: median(latencies),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 500, label: '<= 500 ms' },
        runs,
        note: `watched folder, one-event file renamed in; includes the 100 ms notification coalescing; min ${Math.min(...latencies).toFixed(0)}, max ${Math.max(...latencies).toFixed(0)} ms`,
      },
    ];
  } finally {
    await folder.close();
    rmSync(root, { recursive: true, force: true });
  }
}
