/**
 * Files that change under the loader: removed between listing and reading,
 * created and deleted in rapid cycles during a watch, growing while they are
 * read; and seeded byte flips inside plain JSON files.
 */
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFolder, type OpenFolder } from '../../src/ingest/open.js';
import { readEventFile } from '../../src/ingest/read.js';
import { runCli } from './cli.js';
import { flipBytes, hostileEvent, recordsText } from './corpus.js';
import { int, rng, seedFor, withSeed, withSeedAsync } from './random.js';

const SEED = seedFor(0x4ace);
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trailtop-races-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function open(dir: string, options: Parameters<typeof openFolder>[1]): OpenFolder {
  const opened = openFolder(dir, options);
  cleanups.push(() => opened.close());
  return opened;
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (opened: OpenFolder) => opened.store.log().map((row) => row.id).sort();

/** A folder of `count` one-event files, plus a victim file; returns the ids that must load. */
function folderWithVictim(dir: string, count: number): { keep: string[]; victim: string } {
  const keep: string[] = [];
  for (let f = 0; f < count; f++) {
    writeFileSync(join(dir, `keep-${f}.json`), recordsText([hostileEvent(`keep-${f}`, f)]));
    keep.push(`keep-${f}`);
  }
  const victim = join(dir, 'victim.json');
  writeFileSync(victim, recordsText([hostileEvent('victim-0', 99)]));
  return { keep: keep.sort(), victim };
}

describe('a file removed between listing and reading', () => {
  it('the reader reports it as vanished (no such file), without a stack or a throw', async () => {
    const result = await readEventFile(join(tempDir(), 'gone.json'));
    expect(result.shape).toBe('bad');
    expect(result.rows).toEqual([]);
    expect(result.reason).toMatch(/no such file/i);
    expect(result.reason).not.toMatch(/\n\s+at /);
  });

  it('a one-shot load (scan, export) lists it as bad and loads everything else', async () => {
    const dir = tempDir();
    const { keep, victim } = folderWithVictim(dir, 5);
    // The pool's reader hook runs just before the read: the file was listed, now it is gone.
    const opened = open(dir, {
      watch: false,
      pool: { reader: async (path) => {
        if (path === victim) await unlink(path);
        return readEventFile(path);
      } },
    });
    await bounded(opened.ready, 10_000, 'the load');
    expect(ids(opened)).toEqual(keep);
    expect(opened.store.progress.badFiles).toEqual([{ path: victim, reason: expect.stringMatching(/no such file|vanished/i) as unknown as string }]);
  });

  it('a watched load treats it as gone, not bad, and loads everything else', async () => {
    const dir = tempDir();
    const { keep, victim } = folderWithVictim(dir, 5);
    const opened = open(dir, {
      watch: true,
      settleMs: 30,
      badAfterMs: 200,
      pool: { reader: async (path) => {
        if (path === victim && existsSync(path)) await unlink(path);
        return readEventFile(path);
      } },
    });
    await bounded(opened.ready, 10_000, 'the initial load');
    await sleep(600); // past badAfterMs: a wrongly suspected file would be reported by now
    expect(ids(opened)).toEqual(keep);
    expect(opened.store.progress.badFiles).toEqual([]);
  });

  it('rapid create/delete cycles during a watch neither crash nor leave phantom bad files', async () => {
    const dir = tempDir();
    const opened = open(dir, { watch: true, settleMs: 20, badAfterMs: 300 });
    await bounded(opened.ready, 10_000, 'the initial load');
    const random = rng(SEED);
    const keep = new Set<string>();
    const transient = new Set<string>();
    await withSeedAsync(SEED, 'create/delete cycles', async () => {
      for (let cycle = 0; cycle < 300; cycle++) {
        const path = join(dir, `tmp-${cycle % 7}.json`);
        const id = `transient-${cycle}`;
        transient.add(id);
        writeFileSync(path, recordsText([hostileEvent(id, cycle)]));
        // Sometimes delete at once, sometimes after the watch may have seen it, sometimes mid-read.
        const pause = int(random, 0, 3);
        if (pause > 0) await sleep(pause * 7);
        unlinkSync(path);
        if (cycle % 30 === 0) {
          const keepId = `kept-${cycle}`;
          keep.add(keepId);
          writeFileSync(join(dir, `kept-${cycle}.json`), recordsText([hostileEvent(keepId, cycle)]));
        }
      }
      await waitUntil(() => [...keep].every((id) => opened.store.log().some((row) => row.id === id)), 'the kept events', 10_000);
      await sleep(800); // past badAfterMs
      const loaded = opened.store.log().map((row) => row.id);
      for (const id of loaded) expect(keep.has(id) || transient.has(id), id).toBe(true);
      expect(opened.store.progress.badFiles).toEqual([]);
      expect(opened.store.progress.phase).toBe('watching');
    });
  });
});

describe('a file that grows while it is read', () => {
  const line = (n: number) => `${JSON.stringify(hostileEvent(`grow-${n}`, n))}\n`;

  it('a watched JSON-lines file appended in odd-sized pieces during the load ends with every event, none bad', async () => {
    const dir = tempDir();
    const path = join(dir, 'growing.jsonl');
    let text = '';
    for (let n = 0; n < 300; n++) text += line(n);
    writeFileSync(path, text);
    const opened = open(dir, { watch: true, settleMs: 30, badAfterMs: 400 });
    const random = rng(SEED + 1);
    await withSeedAsync(SEED, 'growing file', async () => {
      // Appending starts with the load, not after it, and splits lines mid-record.
      let pending = '';
      for (let n = 300; n < 2_000; n++) {
        pending += line(n);
        if (random() < 0.2) {
          const cut = int(random, 0, pending.length);
          appendFileSync(path, pending.slice(0, cut));
          pending = pending.slice(cut);
          if (random() < 0.3) await sleep(int(random, 1, 15));
        }
      }
      appendFileSync(path, pending);
      await bounded(opened.ready, 10_000, 'the initial load');
      await waitUntil(() => opened.store.size >= 2_000, 'all 2,000 lines', 15_000);
      await sleep(600);
      expect(ids(opened)).toEqual(Array.from({ length: 2_000 }, (_, n) => `grow-${n}`).sort());
      expect(opened.store.progress.badFiles).toEqual([]);
    });
  });

  it('scan of a folder whose file grows during the scan exits 0 with a count between the sizes before and after', async () => {
    const dir = tempDir();
    const path = join(dir, 'growing.jsonl');
    let text = '';
    for (let n = 0; n < 200; n++) text += line(n);
    writeFileSync(path, text);
    const scan = runCli(['scan', dir, '--json'], 20_000);
    let n = 200;
    let finished = false;
    void scan.finally(() => {
      finished = true;
    });
    while (!finished && n < 20_000) {
      const piece = line(n++);
      appendFileSync(path, piece.slice(0, 40));
      appendFileSync(path, piece.slice(40));
      if (n % 50 === 0) await sleep(1);
    }
    const result = await scan;
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { events: { unique: number }; files: { bad: { path: string; reason: string }[] } };
    expect(summary.events.unique).toBeGreaterThanOrEqual(200);
    expect(summary.events.unique).toBeLessThanOrEqual(n);
    // Caught mid-line, the file is read up to its last whole line and said to be partly read.
    for (const bad of summary.files.bad) expect(bad.reason).toMatch(/partly read/);
  });
});

describe(`seeded byte flips inside plain JSON (seed ${SEED})`, () => {
  it('never throw or hang, never invent events, and a file that is not JSON any more is reported with a reason', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'f'));
    const random = rng(SEED + 2);
    const events = Array.from({ length: 6 }, (_, k) => hostileEvent(`flip-${k}`, k));
    const forms = [
      Buffer.from(recordsText(events)),
      Buffer.from(JSON.stringify({ Records: events }, null, 2)),
      Buffer.from(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`),
      Buffer.from(JSON.stringify(events)),
    ];
    for (let n = 0; n < 200; n++) {
      const form = forms[n % forms.length]!;
      const flipped = flipBytes(form, int(random, 1, 6), random);
      const path = join(dir, 'f', `flip-${n}.json`);
      writeFileSync(path, flipped);
      const started = performance.now();
      const result = await readEventFile(path);
      withSeed(SEED, `flip case ${n} (form ${n % forms.length})`, () => {
        expect(performance.now() - started).toBeLessThan(2_000);
        expect(result.rows.length).toBeLessThanOrEqual(events.length);
        if (result.shape === 'bad' || result.shape === 'not-cloudtrail') {
          expect(result.rows).toEqual([]);
          expect(result.reason).not.toBe('');
        }
        // The JSON-lines form parses line by line, the others as one document.
        const text = flipped.toString('utf8');
        const pieces = n % forms.length === 2 ? text.split('\n').filter((piece) => piece.trim() !== '') : [text];
        const parses = pieces.every((piece) => {
          try {
            JSON.parse(piece);
            return true;
          } catch {
            return false;
          }
        });
        // A document that no longer parses loads whole lines at most, and never silently.
        if (!parses && result.rows.length > 0) expect(result.reason, `rows from an unparseable file need a reason`).not.toBe('');
      });
    }
  });
});
