/**
 * Investigating under a real terminal at 80x24 and 200x60 (issue 16): pivot
 * from a detail value and go back, open top values and filter from them, and
 * recall a query with Up after restarting the dashboard (the history is kept
 * under XDG_STATE_HOME, here a temp folder). Needs a build and tmux.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTmux, pause, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = path.resolve(repo, '../shared/datasets/stratus-red-team');
requireTmuxInCi('the investigation test');

const server = tmuxServer('investigate');
const dirs: string[] = [];

afterAll(() => {
  server.kill();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The line the cursor mark is on (list or top values). */
function marked(screen: string): string {
  return screen.split('\n').find((l) => /^ ?›/.test(l)) ?? '';
}

/** The selected value in the details (beside the list on wide terminals): `›Label   value`. */
function selectedValue(screen: string): string {
  for (const line of screen.split('\n')) {
    const m = /›([A-Z][A-Za-z ]*[A-Za-z] {2,}.*)$/.exec(line);
    if (m) return m[1]!;
  }
  return '';
}

describe.skipIf(!hasTmux)('investigating under tmux', () => {
  for (const [cols, rows] of [
    [80, 24],
    [200, 60],
  ] as const) {
    it(`pivots, goes back, uses top values and recalls history after a restart at ${cols}x${rows}`, async () => {
      const state = mkdtempSync(path.join(tmpdir(), 'trailtop-tmux-state-'));
      dirs.push(state);
      const session = `inv${cols}`;
      const env = `XDG_STATE_HOME=${JSON.stringify(state)}`;
      const wait = (until: (t: string) => boolean, what: string) => server.waitFor(session, until, what, { timeoutMs: 20_000, failOnExit: true });
      server.start(session, cols, rows, trailtopCommand(repo, ['--no-watch', DATA], env));
      await wait((t) => t.includes('not watching') && t.includes('310 events'), 'the load');

      server.keys(session, '/');
      server.type(session, 'name:GetPasswordData');
      server.keys(session, 'Enter');
      await wait((t) => t.includes('30 of 310 events'), 'the typed query');
      server.keys(session, 'Enter');
      await wait((t) => t.includes('Event details'), 'the details');
      await pause(300);
      // Tab to the source IP value, then = filters by it.
      // One Tab at a time, each waited for: the screen lags the keys.
      for (let i = 0; i < 30 && !selectedValue(server.screen(session)).startsWith('Source IP'); i++) {
        const before = selectedValue(server.screen(session));
        server.keys(session, 'Tab');
        await wait((t) => selectedValue(t) !== before, `the next value after '${before}'`);
      }
      expect(selectedValue(server.screen(session))).toMatch(/^Source IP +200\.249\.253\.51/);
      server.keys(session, '=');
      // That address made more calls than the 30 GetPasswordData ones; the details stay open on the event pivoted from.
      let screen = await wait((t) => t.includes('ip:200.249.253.51') && /\b(3[1-9]|[4-9]\d) of 310 events/.test(t) && t.includes('Event details'), 'the pivot');
      server.keys(session, '[');
      // Back where the pivot was made: the details, on the query before.
      screen = await wait((t) => t.includes('30 of 310 events') && t.includes('name:GetPasswordData') && t.includes('Event details'), 'back');

      // Top values: users of this filter; Tab to source IPs, Enter filters by the top one.
      server.keys(session, 'T');
      await wait((t) => t.includes('Top values of User'), 'top values');
      server.keys(session, 'Tab');
      screen = await wait((t) => t.includes('Top values of Source IP'), 'the source IP tab');
      expect(marked(screen)).toMatch(/30 +100% +█+ +200\.249\.253\.51/);
      server.keys(session, 'Enter');
      await wait((t) => t.includes('Filtered by ip:200.249.253.51'), 'filtered from top values');

      // Restart: Up in the query bar recalls the last query.
      server.keys(session, 'q');
      await wait((t) => t.includes('EXITED 0'), 'the exit');
      server.run('kill-session', '-t', session);
      server.start(session, cols, rows, trailtopCommand(repo, ['--no-watch', DATA], env));
      await wait((t) => t.includes('not watching') && t.includes('310 events'), 'the second load');
      server.keys(session, '/');
      await pause(100);
      server.keys(session, 'Up');
      screen = await wait((t) => t.includes('ip:200.249.253.51') && t.includes('34 of 310 events'), 'the recalled query');
      server.keys(session, 'Up');
      await wait((t) => t.includes('name:GetPasswordData') && t.includes('30 of 310 events'), 'the query before it');
      for (const line of server.screen(session).split('\n')) expect(line.length).toBeLessThanOrEqual(cols);
      server.run('kill-session', '-t', session);
    }, 90_000);
  }
});
