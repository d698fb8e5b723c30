/** What the tests of rules a crafted value keeps busy share: the built CLI, an event by its user agent, a dashboard load in a child. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/trailtop.js');

/** A GetCallerIdentity by alice whose user agent is `userAgent` (where the rules' regexes look). */
export const agentEvent = (id: string, userAgent: string): object => ({
  eventVersion: '1.08',
  eventID: id,
  eventTime: '2024-03-05T10:00:00Z',
  eventName: 'GetCallerIdentity',
  eventSource: 'sts.amazonaws.com',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.7',
  userAgent,
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

/**
 * The dashboard's load of `dir`/logs with the rules of `dir`/rules, in a child killed after
 * `timeoutMs`: `report` is a JS expression over `folder` and `p` (its progress) printed as JSON.
 */
export function dashboardLoad(dir: string, report: string, timeoutMs: number): SpawnSyncReturns<string> {
  const script = `
    import { loadRuleSet } from ${JSON.stringify(join(ROOT, 'dist/detect/loadRules.js'))};
    import { detectionSession } from ${JSON.stringify(join(ROOT, 'dist/detect/session.js'))};
    import { openFolder } from ${JSON.stringify(join(ROOT, 'dist/ingest/open.js'))};
    const session = detectionSession(loadRuleSet(['rules'], { builtin: false }));
    const folder = openFolder('logs', { watch: false, detection: session.detection });
    await folder.ready;
    await folder.close();
    const p = folder.store.progress;
    console.log(JSON.stringify(${report}));
  `;
  // A file, not -e: workers inherit --input-type, fail to start, and the pool then reads on its own thread.
  writeFileSync(join(dir, 'load.mjs'), script);
  return spawnSync(process.execPath, ['load.mjs'], { cwd: dir, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
}
