/**
 * The Insights view in a real terminal: tmux runs `node bin/trailtop.js` on a
 * copy of samples/, `i` opens the view, Enter lands on the related events.
 * Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEventFile } from '../../src/ingest/read.js';
import { pairInsights, relatedEventsQuery } from '../../src/model/insights.js';
import type { EventRow } from '../../src/model/types.js';
import { compileQuery } from '../../src/query/index.js';
import { counts, hasTmux, pause, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
requireTmuxInCi('the real-terminal test');

const server = tmuxServer('insights');
const tmux = server.run;
const session = 'insights';
let dir = '';

function waitForScreen(until: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  return server.waitFor(session, until, what, { timeoutMs });
}

function filesBelow(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? filesBelow(full) : [full];
  });
}

describe.skipIf(!hasTmux)('Insights view under tmux', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');
    dir = mkdtempSync(path.join(tmpdir(), 'trailtop-tmux-insights-'));
    cpSync(path.join(repo, 'samples'), path.join(dir, 'samples'), { recursive: true });
    // A UTF-8 locale: without one the chart is drawn in ASCII (unicodeBlocks), as the rest of the app is.
    server.start(session, 100, 30, trailtopCommand(repo, ['--no-watch', path.join(dir, 'samples')], 'LANG=C.UTF-8'));
  });

  afterAll(() => {
    server.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the Insights with a chart, and Enter lands on the events behind the selected one', async () => {
    // The store keeps one row per eventID; so does this reference.
    const byId = new Map<string, EventRow>();
    for (const file of filesBelow(path.join(dir, 'samples'))) for (const row of (await readEventFile(file)).rows) if (!byId.has(row.id)) byId.set(row.id, row);
    const rows = [...byId.values()];
    const insights = pairInsights(rows);
    expect(insights.length).toBeGreaterThan(1);
    // The second Insight: a finished one, so its query has both ends.
    const target = insights[1]!;

    let text = await waitForScreen((t) => t.includes('not watching') && counts(t)?.total === rows.length, 'the full load');
    tmux('send-keys', '-t', session, 'i');
    text = await waitForScreen((t) => t.includes(`Insights (${insights.length})`) && t.includes('└'), 'the Insights view');
    expect(text).toMatch(/Start\s+End/);
    expect(text).toContain('ongoing');
    expect(text).toContain('- baseline');
    expect(text).toContain('= insight avg');
    expect(text).toMatch(/└─*\^+/);
    expect(text).toMatch(/^\s*0 ┤/m);
    expect(text.replace(/\n+$/, '').split('\n').length).toBeLessThanOrEqual(30);

    await pause(100); // the view's key listener is attached just after its first frame
    tmux('send-keys', '-t', session, 'j');
    text = await waitForScreen((t) => (t.split('\n').find((l) => l.startsWith('›')) ?? '').includes(target.eventName.slice(0, 12)), 'the second Insight selected');
    tmux('send-keys', '-t', session, 'Enter');
    text = await waitForScreen((t) => t.includes('Enter details') && t.includes(`name:${target.eventName}`), 'the related events');
    const query = relatedEventsQuery(target);
    const compiled = compileQuery(query);
    if (!compiled.ok) throw new Error(`related query did not compile: ${query}`);
    const expected = rows.filter((r) => compiled.query.test(r)).length;
    expect(expected).toBeGreaterThan(0);
    text = await waitForScreen((t) => counts(t)?.shown === expected, `${expected} matching events`);
    const listRows = text.split('\n').filter((l) => /^[›\s][!◆ ](\d{4}-)?\d\d-\d\d \d\d:\d\d:\d\d /.test(l));
    expect(listRows.length).toBeGreaterThan(0);
    expect(listRows.every((l) => l.includes(target.eventName.slice(0, 12)))).toBe(true);

    tmux('send-keys', '-t', session, 'q');
    text = await waitForScreen((t) => t.includes('EXITED'), 'the exit');
    expect(text).toContain('EXITED 0');
  }, 60_000);
});
