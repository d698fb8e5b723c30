/**
 * The real dashboard (`node bin/trailtop.js`, worker threads, a real terminal
 * under tmux) over the hostile-file corpus: it loads, lists the bad files,
 * shows the 50 MB event and the 200,000-deep event in details and JSON, never
 * lets an OSC sequence retitle the pane, and quits with status 0. Needs a build
 * (npm test builds first) and tmux.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO } from './cli.js';
import { buildCorpus, type Corpus } from './corpus.js';
import { seedFor } from './random.js';
import { hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

requireTmuxInCi('the real-terminal robustness test');

const SEED = seedFor(0x7a11);
const server = tmuxServer('robust');
const tmux = server.run;
const session = 'hostile';
let corpus: Corpus | null = null;

function waitForScreen(until: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  return server.waitFor(session, until, what, { timeoutMs, failOnExit: true });
}

function keys(...names: string[]): void {
  server.keys(session, ...names);
}

function type(text: string): void {
  server.type(session, text);
}

describe.skipIf(!hasTmux)(`the real dashboard over the hostile corpus (seed ${SEED})`, () => {
  beforeAll(() => {
    if (!existsSync(`${REPO}/dist/cli.js`)) throw new Error('build first: npx tsc -p tsconfig.json');
    corpus = buildCorpus({ seed: SEED, hugeBytes: 50_000_000 });
    server.start(session, 100, 30, trailtopCommand(REPO, [corpus.dir], 'NO_COLOR=1'));
    tmux('set-option', '-t', session, 'allow-rename', 'on');
  });

  afterAll(() => {
    server.kill();
    corpus?.remove();
  });

  it('loads, lists bad files, opens the 50 MB and the deeply nested events, keeps the pane title, quits with 0', async () => {
    const c = corpus!;
    const title = tmux('display-message', '-p', '-t', session, '#{pane_title}');
    await waitForScreen((t) => t.includes('watching') && t.includes(`${c.validIds.length} events`), 'the initial load', 30_000);

    keys('b');
    await waitForScreen((t) => t.includes('Unreadable or malformed files'), 'the bad-files view');
    keys('Escape');
    await waitForScreen((t) => t.includes('Enter details'), 'the list');

    for (const [id, seen] of [
      [c.hugeId, 'Mozilla/5.0'],
      ['ok-deep-0', '"requestParameters"'],
      ['ok-nul-0', 'Get\\u0000Object'],
    ] as const) {
      keys('/');
      await waitForScreen((t) => t.includes('Enter keep'), 'the query bar');
      keys('C-u');
      type(`id:${id}`);
      await waitForScreen((t) => t.includes(`1 of ${c.validIds.length} events`), `the list filtered to ${id}`);
      keys('Enter');
      await waitForScreen((t) => t.includes('Enter details'), 'the list with the query kept');
      keys('Enter');
      await waitForScreen((t) => t.includes('Event details'), `details of ${id}`);
      keys('v');
      const json = await waitForScreen((t) => t.includes('"eventID"') && t.includes(seen), `the JSON view of ${id}`, 30_000);
      expect(json.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(30);
      keys('Escape');
      await waitForScreen((t) => !t.includes('"eventID"'), `leaving the JSON view of ${id}`);
      keys('Escape');
    }

    // The corpus carries OSC 0 ("pwned") in a userAgent and a file name: the title must not change.
    expect(tmux('display-message', '-p', '-t', session, '#{pane_title}')).toBe(title);
    keys('q');
    const end = await waitForScreen((t) => t.includes('EXITED'), 'the exit', 15_000);
    expect(end).toContain('EXITED 0');
  });

  it('export -o - does not write CSV cells with escape sequences to a terminal', async () => {
    const c = corpus!;
    const exportSession = 'export';
    const command = `cd ${JSON.stringify(REPO)} && node ${JSON.stringify(BIN)} export ${JSON.stringify(c.dir)} -o - --format csv; echo "EXITED $?"; sleep 30`;
    server.start(exportSession, 120, 20, command);
    const title = tmux('display-message', '-p', '-t', exportSession, '#{pane_title}');
    const deadline = performance.now() + 20_000;
    let text = '';
    while (!text.includes('EXITED')) {
      if (performance.now() > deadline) throw new Error(`export did not finish; screen:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      text = tmux('capture-pane', '-p', '-t', exportSession);
    }
    expect(text).toContain('EXITED 2');
    expect(text).toMatch(/not written to a terminal/);
    expect(tmux('display-message', '-p', '-t', exportSession, '#{pane_title}')).toBe(title);
  });
});
