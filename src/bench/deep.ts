import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeepEngine } from '../query/deep/engine.js';
import { compileQuery } from '../query/index.js';
import { FilteredView } from '../query/view.js';
import type { EventStore } from '../store/eventStore.js';
import { runTimed } from './child.js';
import { listTrailFiles } from './dataset.js';
import { truncatedFile } from './jq.js';
import { median, type Figure } from './table.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/trailtop.js');

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** jq's side of `params:TEXT`: the four parameter objects as JSON text, searched any case. */
const JQ_PARAMS = '([.requestParameters, .responseElements, .additionalEventData, .serviceEventDetails] | map(select(. != null) | tojson) | join("\\n") | ascii_downcase)';

interface Case {
  kind: string;
  /** trailtop's arguments after DIR. */
  args: (dir: string) => string[];
  jq: string;
  /** What trailtop printed, as a count. */
  count: (stdout: string) => string;
}

const CASES: Case[] = [
  {
    kind: '`export --filter error:AccessDenied -o -` (jsonl)',
    args: (dir) => ['export', dir, '--filter', 'error:AccessDenied', '--format', 'jsonl', '-o', '-'],
    jq: '.Records[]? | select(.errorCode == "AccessDenied")',
    count: (out) => `${countLines(out).toLocaleString('en-US')} records written`,
  },
  {
    kind: "`scan --filter 'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0'`",
    args: (dir) => ['scan', dir, '--filter', 'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0'],
    jq: `.Records[]? | select(.eventName == "AuthorizeSecurityGroupIngress" and (${JQ_PARAMS} | contains("0.0.0.0/0")))`,
    count: (out) => /^Events .*$/m.exec(out)?.[0] ?? '',
  },
];

/**
 * Issue 14's headless figures: each trailtop command beside `xargs zcat |
 * jq -c` answering the same question, each a fresh process timed to exit.
 * The generator's deliberately truncated file is left out for both (jq
 * stops at it).
 */
export async function benchDeepJq(dir: string, summary: string, label: string, runs: number): Promise<Figure[]> {
  const skip = truncatedFile(summary);
  const files = listTrailFiles(dir).filter((f) => skip === null || !f.endsWith(skip));
  const list = path.join(tmpdir(), `trailtop-bench-deep-${process.pid}.list`);
  writeFileSync(list, files.join('\0'));
  const figures: Figure[] = [];
  try {
    for (const spec of CASES) {
      const jqScript = `set -o pipefail; xargs -0 zcat < "$1" | jq -c '${spec.jq}'`;
      const jq: number[] = [];
      const ours: number[] = [];
      let jqCount = 0;
      let ourCount = '';
      for (let i = 0; i < runs; i++) {
        const j = await runTimed('bash', ['-c', jqScript, 'jq-bench', list]);
        if (j.code !== 0) throw new Error(`zcat | jq failed: ${j.stderr.trim().slice(0, 300)}`);
        jq.push(j.ms);
        jqCount = countLines(j.stdout);
        const t = await runTimed(process.execPath, [cli, ...spec.args(dir)]);
        if (t.code !== 0) throw new Error(`trailtop failed: ${t.stderr.trim().slice(0, 300)}`);
        ours.push(t.ms);
        ourCount = spec.count(t.stdout);
      }
      figures.push({
        name: `deep vs jq: ${spec.kind}, ${label}`,
        unit: 'ms',
        value: median(ours),
        baseline: median(jq),
        baselineLabel: 'zcat | jq',
        goal: { on: 'ratio', kind: 'max', limit: 0.2, label: '<= 0.2x jq (5x faster)' },
        runs,
        note: `jq printed ${jqCount.toLocaleString('en-US')} records; trailtop: ${ourCount}`,
      });
    }
  } finally {
    rmSync(list, { force: true });
  }
  return figures;
}

/**
 * A deep term typed in the dashboard over the loaded store: time to the
 * first matching rows on screen, to the complete list, and from the next
 * keystroke to the search being cancelled (the view applying the new query).
 */
export async function benchDeepView(store: EventStore, label: string, runs: number): Promise<Figure[]> {
  // The dashboard starts the search workers at the first deep keystroke (`params:0`), so by the
  // whole query they are running: one engine, warmed up, for every run.
  const engine = DeepEngine.create();
  try {
    return await deepViewFigures(store, label, runs, engine);
  } finally {
    engine.close();
  }
}

async function deepViewFigures(store: EventStore, label: string, runs: number, engine: DeepEngine): Promise<Figure[]> {
  const warm = compileQuery('params:x', { deepTerms: true });
  if (warm.ok) await engine.search(store.rows().slice(0, 50), warm.query.ast, { signal: new AbortController().signal });
  // Issue 14's three kinds: a params: term over every event, the same narrowed by a summary term,
  // and a record path (the generator's buckets are acme-*; `-backups` reaches a few per cent of the events).
  const queries = ['params:0.0.0.0/0', 'name:AuthorizeSecurityGroupIngress params:0.0.0.0/0', 'requestParameters.bucketName:acme-prod-backups*'];
  const figures: Figure[] = [];
  for (const source of queries) {
    const compiled = compileQuery(source, { deepTerms: true });
    if (!compiled.ok) throw new Error(compiled.error.message);
    const first: number[] = [];
    const complete: number[] = [];
    // CPU of every thread of the process (the list's and the record readers'): on a contended machine
    // the wall time says how much of the cores the run got, this what the search cost.
    const cpu: number[] = [];
    let matched = 0;
    for (let i = 0; i < runs; i++) {
      // The first run scans every file it reads; the next ones find the spans the first kept (as a refined query would).
      if (i === 0) engine.forgetSpans();
      const view = new FilteredView(store, { deep: engine });
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      let firstAt: number | null = null;
      const unsubscribe = view.subscribe(() => {
        if (firstAt === null && view.size > 0 && view.deepProgress !== null) firstAt = performance.now() - started;
      });
      await view.setQuery(compiled.query);
      const done = performance.now() - started;
      const used = process.cpuUsage(cpuBefore);
      cpu.push((used.user + used.system) / 1000);
      unsubscribe();
      complete.push(done);
      first.push(firstAt ?? done);
      matched = view.size;
      view.release();
    }
    const again = complete.slice(1);
    figures.push(
      {
        name: `deep term in the list \`${source}\`: first rows, ${label}`,
        unit: 'ms',
        value: median(first),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 300, label: '<= 300 ms' },
        runs,
        note: `${matched.toLocaleString('en-US')} of ${store.size.toLocaleString('en-US')} events match`,
      },
      {
        name: `deep term in the list \`${source}\`: complete, first search, ${label}`,
        unit: 'ms',
        value: complete[0]!,
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 3000, label: '<= 3 s' },
        runs: 1,
        note: `no spans kept: every file read is gunzipped, searched for the literals, and span-scanned where they occur; CPU ${(cpu[0]! / 1000).toFixed(1)} s (all threads)`,
      },
    );
    if (again.length > 0) {
      figures.push({
        name: `deep term in the list \`${source}\`: complete, searched again, ${label}`,
        unit: 'ms',
        value: median(again),
        baseline: null,
        baselineLabel: '',
        goal: { on: 'value', kind: 'max', limit: 3000, label: '<= 3 s' },
        runs: again.length,
        note: `the spans of the files scanned before are kept (about 9 bytes a record): gunzip, literal search and parse only; CPU ${(median(cpu.slice(1)) / 1000).toFixed(1)} s (all threads)`,
      });
    }
  }
  // Cancel: a search of params:0.0.0.0/0 under way, then the next keystroke's query; until the list has let go
  // of the old search and the record readers have stopped working on it (a next deep search would get them).
  // The next query has no deep term, so the readers' idleness is the old search's alone.
  const cancel: number[] = [];
  const slow = compileQuery('params:0.0.0.0/0', { deepTerms: true });
  const next = compileQuery('name:GetObject', { deepTerms: true });
  if (!slow.ok || !next.ok) throw new Error('bench queries do not parse');
  for (let i = 0; i < runs; i++) {
    const view = new FilteredView(store, { deep: engine });
    const searching = view.setQuery(slow.query);
    while (!view.ready && (view.deepProgress === null || view.deepProgress.done === 0)) await new Promise((resolve) => setTimeout(resolve, 5));
    if (view.ready) throw new Error('the search finished before it could be cancelled');
    const started = performance.now();
    void view.setQuery(next.query);
    const cancelled = await searching;
    await engine.idle();
    cancel.push(performance.now() - started);
    if (cancelled) throw new Error('the search was not cancelled');
    view.release();
    await engine.idle();
  }
  figures.push({
    name: `deep term in the list: next keystroke cancels the search, ${label}`,
    unit: 'ms',
    value: median(cancel),
    baseline: null,
    baselineLabel: '',
    goal: { on: 'value', kind: 'max', limit: 50, label: '<= 50 ms' },
    runs,
    note: 'from setQuery of the next query to the old search settled and the record readers stopped on it',
  });
  return figures;
}
