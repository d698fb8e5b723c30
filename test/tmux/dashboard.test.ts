/**
 * The dashboard in a real terminal: tmux runs `node bin/trailtop.js` on a copy
 * of samples/, keys go in with send-keys, the screen comes back with
 * capture-pane. Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, hasTmux, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
requireTmuxInCi('the real-terminal test');

const server = tmuxServer('test');
const tmux = server.run;
const session = 'dash';
let dir = '';

function waitForScreen(until: (text: string) => boolean, what: string, timeoutMs = 25_000): Promise<string> {
  return server.waitFor(session, until, what, { timeoutMs });
}

function record(id: string, name: string, time: Date, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: time.toISOString().replace(/\.\d+Z$/, 'Z'),
    eventSource: 'iam.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.4',
    userAgent: 'aws-cli/2.15.10',
    userIdentity: { type: 'IAMUser', userName: 'tmux-tester', arn: 'arn:aws:iam::111122223333:user/tmux-tester', accountId: '111122223333' },
    eventID: id,
    requestID: `req-${id}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    resources: [{ type: 'AWS::IAM::User', ARN: 'arn:aws:iam::111122223333:user/tmux-tester', accountId: '111122223333' }],
    ...extra,
  };
}

describe.skipIf(!hasTmux)('dashboard under tmux', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');
    dir = mkdtempSync(path.join(tmpdir(), 'trailtop-tmux-'));
    const samples = path.join(repo, 'samples');
    if (existsSync(samples)) {
      cpSync(samples, path.join(dir, 'samples'), { recursive: true });
    } else {
      // Until samples/ exists: a small folder of our own, with one error event.
      mkdirSync(path.join(dir, 'samples'));
      const base = Date.UTC(2024, 2, 5, 12);
      const records = Array.from({ length: 20 }, (_, i) =>
        record(`fixture-${i}`, i === 3 ? 'DeleteUser' : 'GetUser', new Date(base + i * 60_000), i === 3 ? { errorCode: 'AccessDenied', errorMessage: 'no' } : {}),
      );
      writeFileSync(path.join(dir, 'samples', 'fixture.json'), JSON.stringify({ Records: records }));
    }
    server.start(session, 100, 30, trailtopCommand(repo, [path.join(dir, 'samples')]));
  });

  afterAll(() => {
    server.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads, filters, shows details and JSON, survives a resize, sees a new file and quits cleanly', async () => {
    let text = await waitForScreen((t) => t.includes('watching') && (counts(t)?.total ?? 0) > 0, 'the initial load', 60_000);
    const total = counts(text)!.total;
    expect(text.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(30);
    expect(text.startsWith('trailtop')).toBe(true);
    expect(text).toContain('Event time');

    // Query: only events with an error.
    tmux('send-keys', '-t', session, '/');
    await waitForScreen((t) => t.includes('Enter keep'), 'the query bar');
    tmux('send-keys', '-t', session, '-l', 'error:*');
    text = await waitForScreen((t) => {
      const c = counts(t);
      return c !== null && c.shown < c.total;
    }, 'the filtered count');
    tmux('send-keys', '-t', session, 'Enter');
    text = await waitForScreen((t) => t.includes('Enter details'), 'the list again');
    expect(text).toContain('Query / error:*');
    // Every visible row is an error row (marked `!`), and none is unmarked.
    // The time may be short (`11-24 23:59:49`) when the columns that read only whole take the room.
    const listRows = text.split('\n').filter((l) => /^[›\s][!◆ ](\d{4}-)?\d\d-\d\d /.test(l));
    expect(listRows.length).toBeGreaterThan(0);
    expect(listRows.every((l) => l[1] === '!' || l[1] === '◆')).toBe(true);

    // Details of the selected event.
    tmux('send-keys', '-t', session, 'Enter');
    // The whole panel: tmux can show a frame Ink is still writing (CI once caught it with the last lines blank).
    text = await waitForScreen((t) => t.includes('Event details') && t.includes('Error code') && t.includes('Resources referenced'), 'the detail panel');
    expect(text).toContain('Access Denied');

    // The original record as JSON.
    tmux('send-keys', '-t', session, 'v');
    text = await waitForScreen((t) => t.includes('Event record') && t.includes('"eventVersion"'), 'the JSON view');
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen((t) => t.includes('Event details'), 'back to details');
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen((t) => t.includes('Enter details'), 'back to the list');

    // Shrink to 80x24: the frame fits and nothing of the wider frame is left over.
    tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
    text = await waitForScreen((t) => {
      const ls = t.replace(/\n+$/, '').split('\n');
      return ls.length <= 24 && ls[0]!.startsWith('trailtop') && t.includes('Event time') && /Enter details/.test(t);
    }, 'the 80x24 redraw');
    expect(text.split('\n').every((l) => [...l].length <= 80)).toBe(true);
    expect(text.match(/^trailtop/gm)?.length).toBe(1);

    // Clear the query, then a new file appears in the folder.
    tmux('send-keys', '-t', session, '/', 'C-u', 'Enter');
    await waitForScreen((t) => counts(t)?.shown === total && counts(t)?.total === total, 'the unfiltered list');
    const added = path.join(dir, 'samples', 'added-by-test.json');
    const now = new Date(Date.UTC(2030, 0, 1));
    writeFileSync(added, JSON.stringify({ Records: [record('tmux-added-1', 'TmuxAddedEvent', now), record('tmux-added-2', 'TmuxAddedEvent', now)] }));
    text = await waitForScreen((t) => counts(t)?.total === total + 2 && t.includes('TmuxAddedEvent'), 'the new events');

    // Quit: the alternate screen is gone and the process ended normally.
    tmux('send-keys', '-t', session, 'q');
    text = await waitForScreen((t) => t.includes('EXITED'), 'the exit');
    expect(text).toContain('EXITED 0');
    expect(text).not.toContain('Event time');
  }, 180_000);

  it('restores the terminal when killed with SIGTERM', async () => {
    const name = 'term';
    server.start(name, 90, 25, trailtopCommand(repo, [path.join(dir, 'samples')]));
    const capture = () => tmux('capture-pane', '-p', '-t', name);
    const deadline = performance.now() + 60_000;
    while (!capture().includes('Event time')) {
      if (performance.now() > deadline) throw new Error(`dashboard did not start:\n${capture()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const shellPid = tmux('list-panes', '-t', name, '-F', '#{pane_pid}').trim();
    const nodePid = execFileSync('pgrep', ['-P', shellPid], { encoding: 'utf8' }).trim().split('\n')[0]!;
    process.kill(Number(nodePid), 'SIGTERM');
    while (!capture().includes('EXITED')) {
      if (performance.now() > deadline) throw new Error(`dashboard did not exit:\n${capture()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const text = capture();
    expect(text).toContain('EXITED 143');
    // Back on the normal screen: the dashboard's frame is gone.
    expect(text).not.toContain('Event time');
  }, 90_000);
});
