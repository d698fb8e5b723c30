/**
 * Issue 14's deep term in a real terminal at 80x24: type `params:0.0.0.0/0`,
 * see `searching records N%` with the first matching rows already listed,
 * press a key mid-search (Esc: back to the whole list) and see the search
 * stop; typed again, it completes with exactly the matching events.
 *
 * The folder is made so the search takes a visible moment on any machine:
 * every record holds 0.0.0.0/0 somewhere (the prefilter keeps them all) and
 * carries a security group with a few hundred rules, so each is parsed and
 * its parameters' text searched; one in ten has it in its parameters.
 * Needs a build (npm test builds first) and tmux (CI installs it).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from '../support/files.js';
import { counts, hasTmux, pause, requireTmuxInCi, tmuxServer, trailtopCommand } from '../support/tmux.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
requireTmuxInCi('the deep-term search under tmux');

const FILES = 60;
const PER_FILE = 100;
const RULES = 200;
const EVERY = 10;
const TOTAL = FILES * PER_FILE;
const MATCHES = TOTAL / EVERY;

/** One AuthorizeSecurityGroupIngress with RULES rules; the world-open one only when `open`. */
function record(n: number, open: boolean): object {
  const items = Array.from({ length: RULES }, (_, k) => ({
    ipProtocol: 'tcp',
    fromPort: 1000 + k,
    toPort: 1000 + k,
    ipRanges: { items: [{ cidrIp: open && k === RULES - 1 ? '0.0.0.0/0' : `10.${k}.${n % 250}.0/24`, description: `rule ${k}` }] },
  }));
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userName: 'alice' },
    // Newest last in the files, one second apart.
    eventTime: new Date(Date.UTC(2026, 10, 24, 12, 0, 0) + n * 1000).toISOString().replace('.000Z', 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.9',
    // The literal outside the parameters: the prefilter cannot rule the record out, the record decides.
    userAgent: open ? 'aws-cli/2.15' : 'scanner/1.0 (allow 0.0.0.0/0 check)',
    requestParameters: { groupId: `sg-${n.toString(16).padStart(8, '0')}`, ipPermissions: { items } },
    responseElements: { _return: true },
    requestID: `req-${n}`,
    eventID: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
  };
}

const server = tmuxServer('deep');
const session = 'deep';
const folder = tempFolder('trailtop-tmux-deep-');

describe.skipIf(!hasTmux)('a deep term in the list under tmux', () => {
  beforeAll(() => {
    if (!existsSync(path.join(repo, 'dist/cli.js'))) throw new Error('build first: npx tsc -p tsconfig.json');
    const logs = path.join(folder.dir, 'AWSLogs');
    mkdirSync(logs);
    for (let f = 0; f < FILES; f++) {
      const records = Array.from({ length: PER_FILE }, (_, k) => {
        const n = f * PER_FILE + k;
        return record(n, n % EVERY === 0);
      });
      writeFileSync(path.join(logs, `trail-${String(f).padStart(3, '0')}.json`), JSON.stringify({ Records: records }));
    }
    server.start(session, 80, 24, trailtopCommand(repo, ['--no-watch', folder.dir], 'TZ=UTC'));
  });
  afterAll(() => {
    server.kill();
    folder.remove();
  });

  it('shows progress and the first rows, a key cancels, and typed again it completes', async () => {
    const wait = (until: (t: string) => boolean, what: string) => server.waitFor(session, until, what, { timeoutMs: 120_000, failOnExit: true });
    const searching = (t: string): number | null => {
      const m = /searching records (\d+)%/.exec(t);
      return m ? Number(m[1]) : null;
    };
    await wait((t) => counts(t)?.total === TOTAL && t.includes('not watching'), 'the loaded list');

    server.keys(session, '/');
    server.type(session, 'params:0.0.0.0/0');
    // Mid-search: the header says how far it has read, and matches are listed already.
    const mid = await wait((t) => {
      const percent = searching(t);
      const shown = counts(t)?.shown ?? 0;
      return percent !== null && percent < 100 && shown > 0 && shown < MATCHES;
    }, 'searching records N% with the first rows');
    const lines = mid.replace(/\n$/, '').split('\n');
    expect(lines.some((l) => l.includes('AuthorizeSecurityGroup'))).toBe(true);
    // The root is never taller than the terminal.
    expect(lines.length).toBeLessThanOrEqual(24);

    // The next key (Esc: leave the query bar, back to the whole list) stops the search.
    server.keys(session, 'Escape');
    let text = await wait((t) => searching(t) === null && counts(t)?.shown === TOTAL, 'the whole list, no search');
    // It stays stopped: no late answer of the cancelled search changes the list.
    await pause(1_000);
    text = server.screen(session);
    expect(searching(text)).toBeNull();
    expect(counts(text)).toEqual({ shown: TOTAL, total: TOTAL });

    // Typed again and left to finish: exactly the events with 0.0.0.0/0 in their parameters.
    server.keys(session, '/');
    server.type(session, 'params:0.0.0.0/0');
    server.keys(session, 'Enter');
    text = await wait((t) => searching(t) === null && counts(t)?.shown === MATCHES, `${MATCHES} matches, search done`);
    expect(text).toContain('params:0.0.0.0/0');
  }, 300_000);
});
