/**
 * The hostile-file corpus (corpus.ts) through every way in: `scan`, `export`
 * and `tail` as child processes, and the dashboard's store + App. Each must
 * load exactly the valid events, list every bad file with a reason, and
 * neither crash nor hang (every run has a hard time limit).
 *
 * The CLI tests run `node bin/trailtop.js`, which imports dist/: npm test builds first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { render } from 'ink-testing-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFolder, type OpenFolder } from '../../src/ingest/open.js';
import { readRecord } from '../../src/ingest/read.js';
import type { BadFile } from '../../src/model/types.js';
import { sanitize } from '../../src/term/sanitize.js';
import { displayWidth } from '../../src/term/width.js';
import { App } from '../../src/ui/App.js';
import { runCli, startCli } from './cli.js';
import { buildCorpus, type Corpus } from './corpus.js';
import { seedFor } from './random.js';

const SEED = seedFor(0x7a11);
const HUGE_BYTES = 50_000_000;
let corpus: Corpus;

beforeAll(() => {
  corpus = buildCorpus({ seed: SEED, hugeBytes: HUGE_BYTES });
});
afterAll(() => corpus?.remove());

const listedEntries = () => corpus.entries.filter((e) => e.expect === 'rejected' || e.expect === 'partial');
const sorted = (ids: Iterable<string>) => [...ids].sort();

/**
 * Every entry that must be listed is, once, in the right list (bad or skipped), with a
 * reason that says why; no valid file is listed at all.
 */
function checkListed(bad: readonly BadFile[], skipped: readonly BadFile[], context: string): void {
  const byPath = new Map<string, { list: string; file: BadFile }[]>();
  for (const [list, files] of [['bad', bad], ['skipped', skipped]] as const) {
    for (const file of files) byPath.set(file.path, [...(byPath.get(file.path) ?? []), { list, file }]);
  }
  for (const entry of corpus.entries) {
    const found = byPath.get(entry.path) ?? [];
    if (entry.expect === 'valid') {
      expect(found, `${context}: ${entry.what} (${entry.path}) must not be listed`).toEqual([]);
    } else if (entry.listedAs) {
      expect(found.map((f) => f.list), `${context}: ${entry.what} (${entry.path}) must be listed once as ${entry.listedAs}, seed ${SEED}`).toEqual([entry.listedAs]);
      expect(found[0]!.file.reason, `${context}: reason for ${entry.what}`).toMatch(entry.reason!);
    }
  }
}

function expectedListedCount(): number {
  return listedEntries().length;
}

const badEntries = () => corpus.entries.filter((e) => e.listedAs === 'bad');

describe(`hostile files (seed ${SEED})`, () => {
  it('scan --json counts exactly the valid events, lists every bad file with its reason, exits 0', async () => {
    const result = await runCli(['scan', corpus.dir, '--json'], 30_000);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      files: { bad: BadFile[]; skipped: BadFile[] };
      events: { unique: number; read: number; duplicates: number };
    };
    expect(summary.events.unique).toBe(corpus.validIds.length);
    // dup.json repeats one event of plain.json.
    expect(summary.events.duplicates).toBe(1);
    checkListed(summary.files.bad, summary.files.skipped, 'scan');
    // Every bad file is also on stderr, one line each, with no control byte leaking from a path or reason.
    for (const bad of summary.files.bad) expect(result.stderr).toContain(`bad file ${sanitize(bad.path)}: `);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('export writes exactly the valid events (CSV and JSON lines) and exits 0', async () => {
    const csvPath = join(corpus.dir, '..', 'out.csv');
    const jsonlPath = join(corpus.dir, '..', 'out.jsonl');
    const [csv, jsonl] = await Promise.all([runCli(['export', corpus.dir, '-o', csvPath], 40_000), runCli(['export', corpus.dir, '-o', jsonlPath], 40_000)]);
    expect(csv.code, csv.stderr).toBe(0);
    const table = parse(readFileSync(csvPath, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
    const ids = table.map((row) => row['Event ID']!);
    expect(ids.length).toBe(corpus.validIds.length);
    expect(sorted(ids)).toEqual(sorted(corpus.validIds));
    expect(csv.stderr).toMatch(/^trailtop: bad file .+\n/m);
    expect(csv.stderr).toMatch(/^trailtop: \d+ more bad files? \(trailtop scan .+ lists them\)$/m);

    expect(jsonl.code, jsonl.stderr).toBe(0);
    const records = readFileSync(jsonlPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { eventID: string; userAgent: string });
    expect(sorted(records.map((r) => r.eventID))).toEqual(sorted(corpus.validIds));
    expect(records.find((r) => r.eventID === corpus.hugeId)!.userAgent.length).toBe(HUGE_BYTES);
  });

  it('tail prints exactly the valid events, reports the bad files, keeps running, and stops cleanly on SIGINT', async () => {
    const tail = startCli(['tail', corpus.dir]);
    try {
      const printed = () =>
        tail
          .stdout()
          .split('\n')
          .filter((line) => line.endsWith('}'))
          .map((line) => (JSON.parse(line) as { eventID: string }).eventID);
      await tail.waitFor(() => printed().length >= corpus.validIds.length, `${corpus.validIds.length} events printed`, 20_000);
      // Bad files of a watched folder are confirmed after they stay unchanged for a while (3 s by default).
      // tail reports the bad ones; skipped files (FIFOs, links, JSON that is not CloudTrail) are scan's to list.
      await tail.waitFor(
        () => badEntries().every((entry) => tail.stderr().includes(`bad file ${sanitize(entry.path)}: `)),
        'every bad file reported on stderr',
        20_000,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(tail.child.exitCode, tail.stderr()).toBe(null);
      expect(tail.stderr()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      const ids = printed();
      expect(ids.length).toBe(corpus.validIds.length);
      expect(sorted(ids)).toEqual(sorted(corpus.validIds));
      for (const entry of corpus.entries.filter((e) => e.expect === 'valid')) expect(tail.stderr()).not.toContain(`${entry.path}:`);
    } finally {
      const exit = await tail.stop('SIGINT', 10_000);
      expect(exit.code, tail.stderr()).toBe(0);
    }
  });

  describe('dashboard', () => {
    let opened: OpenFolder;
    beforeAll(async () => {
      opened = openFolder(corpus.dir, { watch: true, settleMs: 50, badAfterMs: 300 });
      await bounded(opened.ready, 30_000, 'the initial load');
      const listed = () => [...opened.store.progress.badFiles, ...opened.store.progress.skippedFiles];
      await waitUntil(() => listed().length >= expectedListedCount(), 'every bad file listed', 10_000);
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('the watched store holds exactly the valid events and lists every bad file', () => {
      const ids = opened.store.log().map((row) => row.id);
      expect(ids.length).toBe(corpus.validIds.length);
      expect(sorted(ids)).toEqual(sorted(corpus.validIds));
      checkListed(opened.store.progress.badFiles, opened.store.progress.skippedFiles, 'dashboard store');
    });

    it('App shows the events and the bad-file count, and draws the 50 MB event and its details in bounded time', async () => {
      const app = render(<App store={opened.store} folder={corpus.dir} watching env={{ NO_COLOR: '1' }} readRecord={(ref) => readRecord(ref)} onQuit={() => {}} />);
      try {
        const frame = () => app.lastFrame() ?? '';
        // "! 15 bad files · 8 skipped (b)", or its short form on a narrow header ("! 15 bad · 8 skipped (b)").
        const bad = badEntries().length;
        const skipped = expectedListedCount() - bad;
        const counts = new RegExp(`! ${bad} bad( files)? · ${skipped} skipped`);
        await waitUntil(() => counts.test(frame()), 'the bad-file count in the header', 20_000).catch((error: Error) => {
          throw new Error(`${error.message}; frame:\n${frame()}`);
        });
        expect(frame()).toContain(`${corpus.validIds.length} events`);
        checkFrame(frame());
        // The bad-files view lists them; nothing in a reason or path reaches the terminal raw.
        app.stdin.write('b');
        await waitUntil(() => frame().includes(`Unreadable or malformed files (${badEntries().length})`), 'the bad-files view', 20_000);
        checkFrame(frame());
      } finally {
        app.unmount();
      }
    });

    it.each([
      ['the 50 MB userAgent', 'ok-huge-0', 'Mozilla/5.0'],
      ['the event nested 200,000 deep', 'ok-deep-0', 'DescribeInstances'],
      ['the escaped NUL and ESC', 'ok-nul-0', 'Get'],
    ])('details and JSON view of %s render in bounded time without a control byte', async (_what, id, visible) => {
      const app = render(
        <App store={opened.store} folder={corpus.dir} watching env={{ NO_COLOR: '1' }} readRecord={(ref) => readRecord(ref)} initialQuery={`id:${id}`} onQuit={() => {}} />,
      );
      try {
        const frame = () => app.lastFrame() ?? '';
        await waitUntil(() => frame().includes(`1 of ${corpus.validIds.length} events`), `the list filtered to ${id}`, 20_000);
        const started = performance.now();
        app.stdin.write('\r');
        await waitUntil(() => frame().includes('Event details'), 'the detail panel', 20_000);
        expect(frame()).toContain(visible);
        checkFrame(frame());
        app.stdin.write('v');
        await waitUntil(() => frame().includes('"eventID"') || frame().includes('could not'), 'the JSON view', 15_000);
        expect(frame()).toContain(id);
        checkFrame(frame());
        expect(performance.now() - started).toBeLessThan(15_000);
      } finally {
        app.unmount();
      }
    });
  });
});

/** A frame drawn with NO_COLOR has no escape byte at all, and no line wider than the terminal. */
function checkFrame(frame: string): void {
  expect(frame).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  for (const line of frame.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(100);
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

