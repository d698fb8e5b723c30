/**
 * `npm run bench`: generates the benchmark folders once (cached under the
 * system temp folder), measures every speed goal of the project against a
 * baseline run in the same process at the same time, and prints one table.
 * Benchmarks report; they never fail on a missed goal.
 */
import { cpus, loadavg, availableParallelism, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { openFolder } from '../ingest/open.js';
import { EventStore } from '../store/eventStore.js';
import { ensureDataset, listTrailFiles, type Dataset } from './dataset.js';
import { benchScan } from './scanBench.js';
import { benchArchive } from './archiveBench.js';
import { benchArchiveBig } from './archiveBigBench.js';
import { benchExport } from './exportBench.js';
import { benchDownloadMemory } from './downloadBench.js';
import { benchIngest } from './ingest.js';
import { benchDeepJq, benchDeepView } from './deep.js';
import { benchJq, jqInstalled } from './jq.js';
import { benchLive } from './live.js';
import { benchDetectCommand, benchDetectLive, benchDetectLoad } from './detectBench.js';
import { benchQueries, deniedUser } from './query.js';
import { benchSoak } from './soak.js';
import { benchTopValues } from './topValuesBench.js';
import { benchHistogram } from './timelineBench.js';
import { evaluate, formatTable, tableJson, type Figure } from './table.js';

const USAGE = `Usage: npm run bench -- [--quick] [--json] [--soak [--soak-minutes N]]

  (default)   100k and 1M event folders in both data shapes (the generator's default
              and --cardinality high): ingest, memory, headless scan, queries; on the
              default 1M: keystroke to frame, export; live latency, and zcat | jq beside
              trailtop (where jq is installed)
  --quick     the 100k folders only (well under a minute once generated)
  --json      print the figures as JSON instead of the table
  --only A,B  only the sections whose name contains A or B (e.g. --only 'ingest 1M,scan 1M';
              sections: ingest, scan, load, queries, deep terms, keystroke to frame, export, download memory,
              keys during load, live latency, detect, vs jq); the rest is skipped
  --soak      only the soak: a writer adds 10 events/s to a watched folder for
              --soak-minutes (default 10) with a filtered view running; reports the RSS slope

The folders are generated on the first run (1M takes a few minutes) and cached in
the system temp folder under trailtop-bench-cache/.`;

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

interface Machine {
  cores: number;
  cpu: string;
  memoryGB: number;
  node: string;
  platform: string;
  loadAverage1m: number;
}

function machine(): Machine {
  return {
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
}

/** Loads a folder into a fresh store (the worker-pool loader the dashboard uses) and closes the watch-less folder. */
async function loadStore(dir: string): Promise<EventStore> {
  const folder = openFolder(dir, { watch: false });
  await folder.ready;
  await folder.close();
  folder.store.rows();
  return folder.store;
}

/** `--only`: section names must contain one of these (all sections run when empty). */
let onlySections: string[] = [];

/** Whether `--only` asks for the section `name`. */
function wanted(name: string): boolean {
  return onlySections.length === 0 || onlySections.some((part) => name.includes(part));
}

/** Runs one section; a crash becomes a row that says so, and the run goes on. */
async function section(name: string, figures: Figure[], crashes: string[], run: () => Promise<Figure[]>, force = false): Promise<void> {
  if (!force && !wanted(name)) return;
  log(`${name}...`);
  const started = performance.now();
  try {
    figures.push(...(await run()));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    crashes.push(`${name}: ${message}`);
    figures.push({ name, unit: 'ms', value: null, baseline: null, baselineLabel: '', goal: null, runs: 0, note: `crashed: ${message.split('\n')[0]}` });
  }
  log(`${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function label(set: Pick<Dataset, 'events' | 'shape'>): string {
  const size = set.events >= 1_000_000 ? `${set.events / 1_000_000}M` : `${set.events / 1000}k`;
  return set.shape === 'high' ? `${size} high-card` : size;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        soak: { type: 'boolean' },
        'soak-minutes': { type: 'string' },
        only: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const soakMinutes = Number(values['soak-minutes'] ?? 10);
  if (!(soakMinutes > 0)) {
    process.stderr.write(`bench: --soak-minutes must be a positive number\n`);
    return 2;
  }
  onlySections = (values.only ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
  const startMachine = machine();
  const figures: Figure[] = [];
  const crashes: string[] = [];
  const sets: Dataset[] = [ensureDataset(100_000, log)];
  if (!values.soak) sets.push(ensureDataset(100_000, log, 'high'));
  if (!values.quick && !values.soak) sets.push(ensureDataset(1_000_000, log), ensureDataset(1_000_000, log, 'high'));
  for (const set of sets) log(`${label(set)}: ${set.dir}${set.generatedSeconds !== null ? ` (generated in ${set.generatedSeconds.toFixed(0)} s)` : ' (cached)'}`);
  const template = listTrailFiles(sets[0]!.dir).find((f) => f.includes('/CloudTrail/'))!;

  if (values.soak) {
    await section('soak', figures, crashes, () => benchSoak(template, { minutes: soakMinutes, eventsPerSecond: 10, sampleSeconds: 10, log }));
  } else {
    const bigEvents = Math.max(...sets.map((s) => s.events));
    // The default shape's biggest folder drives the UI and export figures, as before the high-cardinality shape.
    const big = sets.find((s) => s.events === bigEvents && s.shape === 'default')!;
    for (const set of sets) {
      const runs = set.events >= 1_000_000 || values.quick ? 3 : 5;
      await section(`ingest ${label(set)}`, figures, crashes, () => benchIngest(set.dir, label(set), runs, set.events === bigEvents));
    }
    for (const set of sets) {
      await section(`scan ${label(set)}`, figures, crashes, () => benchScan(set.dir, label(set), 3));
    }
    let user: string | null = null;
    for (const set of sets) {
      const name = label(set);
      let store: EventStore | null = null;
      // The sections below need the loaded store: `--only 'deep terms 1M'` loads it without asking for `load`.
      const kinds = ['queries', 'top values', 'histogram'];
      if (set.events === bigEvents) kinds.push('deep terms');
      if (set === big) kinds.push('keystroke to frame', 'export', 'download memory');
      const needsStore = kinds.some((kind) => wanted(`${kind} ${name}`));
      await section(`load ${name} in process`, figures, crashes, async () => {
        store = await loadStore(set.dir);
        if (set.shape === 'default') user = deniedUser(store.rows()) ?? user;
        return [];
      }, needsStore);
      if (!store) continue;
      const loaded: EventStore = store;
      const goalMs = set.events >= 1_000_000 ? 100 : 16;
      await section(`queries ${name}`, figures, crashes, async () => benchQueries(loaded, name, set.events >= 1_000_000 ? 5 : 7, goalMs));
      await section(`top values ${name}`, figures, crashes, async () => benchTopValues(loaded, name, set.events >= 1_000_000 ? 5 : 7, set.events >= 1_000_000 ? 100 : 16));
      await section(`histogram ${name}`, figures, crashes, async () => benchHistogram(loaded, name, set.events >= 1_000_000 ? 5 : 7, 50));
      if (set.events === bigEvents) await section(`deep terms ${name}`, figures, crashes, () => benchDeepView(loaded, name, 3));
      if (set === big) {
        await section(`keystroke to frame ${name}`, figures, crashes, async () => {
          // As the dashboard command does before it loads React: the development build is several times slower a frame.
          process.env['NODE_ENV'] ??= 'production';
          const { benchKeystrokes } = await import('./ui.js');
          return benchKeystrokes(loaded, name, 5);
        });
        await section(`export ${name}`, figures, crashes, () => benchExport(loaded.rows(), set.dir, name, 3, 3, 60_000));
        await section(`download memory ${name}`, figures, crashes, () => benchDownloadMemory(set.dir, name, set.events >= 1_000_000 ? 1 : 3));
      }
      store = null;
    }
    for (const set of sets.filter((s) => s.events === bigEvents)) {
      await section(`keys during load ${label(set)}`, figures, crashes, async () => {
        process.env['NODE_ENV'] ??= 'production';
        const { benchKeysDuringLoad } = await import('./ui.js');
        return benchKeysDuringLoad(set.dir, label(set));
      });
    }
    // Both shapes: issue 18's import goal is stated on the 1M high-cardinality folder (more distinct text per event).
    for (const set of sets) {
      await section(`archive ${label(set)}`, figures, crashes, () => benchArchive(set.dir, label(set), user, set.events >= 1_000_000 ? 3 : 5));
    }
    // 10M events: the 1M high-cardinality folder archived once and multiplied inside DuckDB (archiveFixture.ts).
    const high1M = sets.find((s) => s.events === 1_000_000 && s.shape === 'high');
    if (high1M) await section('archive 10M (fixture: 1M high-card archived, x10 inside DuckDB)', figures, crashes, () => benchArchiveBig(high1M.dir, 10, 3, log));
    await section('live latency', figures, crashes, () => benchLive(template, 20));
    // Detection (issue 15): the 1M default folder when there is one, else the biggest.
    const detectSet = sets.find((s) => s.events === bigEvents && s.shape === 'default')!;
    await section(`detect load ${label(detectSet)}`, figures, crashes, () => benchDetectLoad(detectSet.dir, label(detectSet), 3));
    await section(`detect command ${label(detectSet)}`, figures, crashes, () => benchDetectCommand(detectSet.dir, label(detectSet), 3));
    await section('detect live', figures, crashes, () => benchDetectLive(10));
    if (jqInstalled()) {
      for (const set of sets.filter((s) => s.events === bigEvents)) {
        await section(`deep vs jq ${label(set)}`, figures, crashes, () => benchDeepJq(set.dir, set.summary, label(set), values.quick || set.events >= 1_000_000 ? 1 : 3));
      }
    }
    if (onlySections.length > 0 && !onlySections.some((part) => 'vs jq'.includes(part) || part.startsWith('vs jq'))) {
      // not asked for
    } else if (!jqInstalled()) {
      figures.push({ name: 'vs jq', unit: 'ms', value: null, baseline: null, baselineLabel: '', goal: null, runs: 0, note: 'jq not installed (apt-get install -y jq)' });
    } else if (user === null) {
      figures.push({ name: 'vs jq', unit: 'ms', value: null, baseline: null, baselineLabel: '', goal: null, runs: 0, note: 'no IAM user with AccessDenied errors in the data' });
    } else {
      const filterUser: string = user;
      for (const set of sets.filter((s) => s.shape === 'default')) {
        await section(`vs jq ${label(set)}`, figures, crashes, () => benchJq(set.dir, set.summary, filterUser, label(set), values.quick || set.events >= 1_000_000 ? 1 : 3));
      }
    }
  }

  const evaluated = figures.map(evaluate);
  const endMachine = machine();
  const { loadAverage1m: loadAtStart, ...rest } = startMachine;
  const info = { ...rest, loadAverage1mAtStart: loadAtStart, loadAverage1mAtEnd: endMachine.loadAverage1m, mode: values.soak ? 'soak' : values.quick ? 'quick' : 'full' };
  if (values.json) {
    process.stdout.write(`${tableJson(evaluated, info)}\n`);
  } else {
    const head =
      `trailtop bench (${info.mode}) on ${info.cores} cores (${info.cpu}), ${info.memoryGB} GB, Node ${info.node}, ` +
      `load average ${info.loadAverage1mAtStart} at start, ${info.loadAverage1mAtEnd} at end`;
    process.stdout.write(`${head}\n\n${formatTable(evaluated)}\n`);
  }
  for (const crash of crashes) process.stderr.write(`[bench] crashed: ${crash}\n`);
  return crashes.length > 0 ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
