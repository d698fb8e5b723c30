/**
 * `!` on the --db dashboard: the findings view of the folder dashboard, fed by
 * the rules run as SQL on the archive (archive/detect.ts) in the background.
 * Its rows and the header's counts equal `detect --db`'s on an archive of the
 * shared datasets (CLI for real); the keys keep working while the rules run;
 * a followed folder's import runs them again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Archive } from '../../src/archive/db.js';
import type { ArchiveFollower } from '../../src/archive/follow.js';
import { importFolder } from '../../src/archive/import.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { commandRules } from '../../src/commands/rules.js';
import { LEVELS, type Level } from '../../src/detect/rule.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { KEYS, renderApp, type Harness } from './harness.js';
import { FakeFollower } from './fakeFollower.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DATASETS = resolve(ROOT, '../shared/datasets');
const present = existsSync(DATASETS);
if (!present && process.env.CI) throw new Error(`datasets missing at ${DATASETS}`);

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
}

const SHORT: Record<Level, string> = { critical: 'crit', high: 'high', medium: 'med', low: 'low', informational: 'info' };

type Report = { findings: { id: string; title: string; level: Level; count: number; first: string | null; last: string | null }[] };

/** "2024-08-18T17:20:28.000Z" as the view's UTC minute, "2024-08-18 17:20". */
const minute = (iso: string | null): string => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-');

describe.skipIf(!present)('! on an archive of the shared datasets, against detect --db', () => {
  const scratch = tempFolder('trailtop-dbfindings-');
  const db = join(scratch.dir, 'datasets.duckdb');
  const sigma = join(DATASETS, 'sigma-cloudtrail/rules');
  let report: Report;
  let session: ArchiveSession;
  let h: Harness;
  beforeAll(async () => {
    expect(trailtop(['archive', DATASETS, '--db', db, '--quiet']).status).toBe(0);
    const run = trailtop(['detect', '--db', db, '--rules', sigma, '--json']);
    expect(run.status, run.stderr).toBe(0);
    report = JSON.parse(run.stdout) as Report;
    const ruleSet = commandRules([sigma]);
    session = await ArchiveSession.open(db, { rules: ruleSet.rules, ruleSet });
    // 119 columns: the times are shown, the ATT&CK column is not (the title then ends each row). 120 rows list
    // every finding at once (52 with the 28 built-in rules; 100 rows showed 46 and '↓ 6 more').
    h = renderApp(<ArchiveApp session={session} dbPath={db} env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 119, 120);
    await h.waitFor((f) => f.includes('⚑'), 60_000);
  }, 180_000);
  afterAll(async () => {
    h?.cleanup();
    await session?.close();
    scratch.remove();
  });

  it("counts the rules that fired by level in the header, as detect --db's findings", () => {
    const byLevel = LEVELS.slice()
      .reverse()
      .map((level) => [level, report.findings.filter((f) => f.level === level).length] as const)
      .filter(([, n]) => n > 0);
    expect(byLevel.length).toBeGreaterThan(1);
    expect(h.frame()).toContain(`⚑ ${byLevel.map(([level, n]) => `${n} ${SHORT[level]}`).join(' ')} (!)`);
  });

  it('lists each finding of detect --db with its level, unique events, first and last time', async () => {
    const frame = await h.press('!', (f) => f.includes('Findings ('));
    expect(report.findings.length).toBeGreaterThan(10);
    expect(frame).toContain(`Findings (${report.findings.length} of `);
    const rows = frame
      .split('\n')
      .map((line) => /^[› ] (crit|high|med|low|info) +(\d+) {2}(\S+ \S+|-) +(\S+ \S+|-) +(.+?)…?$/.exec(line.trimEnd()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map(([, level, count, first, last, title]) => ({ level, count: Number(count), first, last, title: title! }));
    expect(rows).toHaveLength(report.findings.length);
    for (const finding of report.findings) {
      const row = rows.find((r) => finding.title.startsWith(r.title) && r.level === SHORT[finding.level] && r.count === finding.count);
      expect(row, `${finding.level} ${finding.count} ${finding.title}`).toBeDefined();
      expect([row!.first, row!.last]).toEqual([minute(finding.first), minute(finding.last)]);
    }
  });

  it('? opens the help at the findings keys over the view, and Esc comes back to it', async () => {
    // The view and the dashboard both hear the keypress: the help must not be closed by the same `?` that opened it.
    let frame = await h.press('?', (f) => f.includes('Help '));
    expect(frame).toContain('Findings view (!)');
    frame = await h.press(KEYS.escape, (f) => f.includes('Findings ('));
    expect(frame).toContain('o order: newest');
  });

  it("Enter lists the selected rule's events: rule:ID, as many as the finding counts", async () => {
    // o: by level, then the last line, a low rule that fired on many events (the SigmaHQ AssumeRole one on the datasets).
    await h.press('o', (f) => f.includes('o order: level'));
    const busiest = report.findings.reduce((a, b) => (b.count > a.count ? b : a));
    const lines = h.frame().split('\n');
    const at = lines.findIndex((line) => line.includes(busiest.title.slice(0, 40)));
    const selected = lines.findIndex((line) => line.startsWith('›'));
    expect(at).toBeGreaterThan(selected);
    const frame = await h.press('j'.repeat(at - selected), (f) => f.split('\n').some((line) => line.startsWith('›') && line.includes(busiest.title.slice(0, 40))));
    expect(frame).toContain(busiest.title.slice(0, 40));
    // `?` over the view and back: the order and the selection are kept (the view stays mounted under the help).
    await h.press('?', (f) => f.includes('Help '));
    const again = await h.press(KEYS.escape, (f) => f.includes('Findings ('));
    expect(again).toContain('o order: level');
    expect(again.split('\n').find((line) => line.startsWith('›'))).toContain(busiest.title.slice(0, 40));
    const listed = await h.press(KEYS.enter, (f) => f.includes(`rule:${busiest.id}`) && f.includes(`${busiest.count} matching`));
    // The Enter was the view's: the list stays a list (the details did not open on it).
    expect(listed).toContain('Event time');
    // `[` comes back to the whole list the findings were opened over.
    const back = await h.press('[', (f) => /trailtop · [\d,]+ events · row 1 /.test(f));
    expect(back).not.toContain(`rule:${busiest.id}`);
  });
});


const rootCall = (id: string, minute: number): object => ({
  eventID: id,
  eventTime: new Date(Date.UTC(2024, 2, 5, 10, minute)).toISOString().replace('.000Z', 'Z'),
  eventName: 'ListBuckets',
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  eventType: 'AwsApiCall',
  userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' },
});

const userCall = (id: string, minute: number): object => ({
  eventID: id,
  eventTime: new Date(Date.UTC(2024, 2, 5, 9, minute)).toISOString().replace('.000Z', 'Z'),
  eventName: 'GetObject',
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
});

/**
 * The archive with a gate on the rules' connection: their statements (the only ones it streams,
 * archive/detect.ts feedHits) wait until it opens, so the rules are "still running" for as long as
 * a test needs.
 */
function gatedRules(archive: Archive): { archive: Archive; open(): void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const gated = (connection: DuckDBConnection): DuckDBConnection =>
    new Proxy(connection, {
      get(target, key) {
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== 'function') return value;
        if (key !== 'stream') return value.bind(target);
        return async (sql: string) => {
          await gate;
          return (value as (sql: string) => unknown).call(target, sql);
        };
      },
    });
  return { archive: { ...archive, connect: async () => gated(await archive.connect()) }, open: () => open() };
}

describe('! on an archive while the rules run, and after a followed import', () => {
  let archive: TestArchive;
  let h: Harness;
  let release: () => void;
  const follower = new FakeFollower();
  beforeAll(async () => {
    archive = await archiveOf([...Array.from({ length: 30 }, (_, k) => userCall(`u-${k}`, k)), rootCall('root-1', 0)], 100);
    const ruleSet = commandRules(undefined);
    const gated = gatedRules(archive.archive);
    release = gated.open;
    const session = new ArchiveSession(gated.archive, { rules: ruleSet.rules, ruleSet });
    h = renderApp(
      <ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} follower={follower as unknown as ArchiveFollower} />,
      80,
      24,
    );
    await h.waitFor((f) => f.includes('31 events'), 20_000);
  }, 60_000);
  afterAll(async () => {
    release?.();
    h?.cleanup();
    await archive?.close();
  });

  it('says the rules are running, and the list answers queries meanwhile', async () => {
    expect(h.frame()).toMatch(/running rules… 0\/\d+/);
    let frame = await h.press('!', (f) => f.includes('Running rules…'));
    expect(frame).toContain('Findings · running rules…');
    frame = await h.press(KEYS.escape, (f) => f.includes('Event time'));
    frame = await h.press('/user:alice' + KEYS.enter, (f) => f.includes('30 matching'));
    expect(frame).not.toContain('⚑');
    expect(frame).toMatch(/running rules… 0\/\d+/);
  });

  it('shows the findings once the rules end, and runs them again after a followed import', async () => {
    // The whole archive's findings: under user:alice (left by the case before) they would be counted among hers.
    await h.press('/\u0015' + KEYS.enter, (f) => f.includes('31 events'));
    let frame = await h.press('!', (f) => f.includes('Running rules…'));
    // Open while the rules end: the findings arrive in the view.
    release();
    frame = await h.waitFor((f) => f.includes('⚑ 1 med (!)') && f.includes('Findings (1 of'));
    expect(frame).toMatch(/› med +1 {2}.*Root account used/);
    // The view and the dashboard both hear each keypress: the help must stay open, not be closed by the `?` that opened it.
    frame = await h.press('?', (f) => f.includes('Help '));
    expect(frame).toContain('Findings view (!)');
    frame = await h.press(KEYS.escape, (f) => f.includes('Findings (1 of'));
    const more = join(archive.folder, 'later');
    mkdirSync(more);
    writeFileSync(join(more, 'root.json'), recordsJson([rootCall('root-2', 5), rootCall('root-3', 6)]));
    await importFolder(archive.archive, archive.folder);
    follower.committed();
    frame = await h.waitFor((f) => /› med +3 {2}.*Root account used/.test(f));
    expect(frame).toContain('Findings (1 of');
  });

  it("the details of an event list the rules it fired (by the row's tt_seq), and of another none", async () => {
    // Enter lists rule:ID (the root events, newest first); Enter again opens the first one's details.
    let frame = await h.press(KEYS.enter, (f) => f.includes('3 matching'));
    frame = await h.press(KEYS.enter, (f) => f.includes('Detections ('));
    expect(frame).toContain('Detections (1)');
    expect(frame).toContain('Root account used');
    frame = await h.press(KEYS.escape, (f) => f.includes('Event time'));
    // Ctrl-U empties the query bar (it opens on rule:ID).
    frame = await h.press('/\u0015user:alice' + KEYS.enter, (f) => f.includes('30 matching'));
    frame = await h.press(KEYS.enter, (f) => f.includes('Event details') && f.includes('u-29'));
    expect(frame).not.toContain('Detections (');
  });
});
