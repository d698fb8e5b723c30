/** The --db dashboard over an archive of given records (alone, or beside the folder dashboard), for a describe block's tests. */
import { afterAll, beforeAll } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { commandRules } from '../../src/commands/rules.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App, type PluginViews } from '../../src/ui/App.js';
import type { Findings } from '../../src/detect/findings.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { renderApp, type Harness } from './harness.js';

export const ONE_EVENT = [
  { eventID: 'ev-1', eventTime: '2024-03-05T10:00:00Z', eventName: 'OnlyCall', eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } },
];

/** Imports `records`, mounts the dashboard before the block's tests (once `shown` is on screen) and closes both after them. */
export function archiveDashboardForThisBlock(records: readonly object[], shown: string): () => Harness {
  let archive: TestArchive | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    archive = await archiveOf(records, 100);
    const session = new ArchiveSession(archive.archive, {});
    h = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={{ NO_COLOR: '1' }} onQuit={() => undefined} />, 80, 24);
    await h.waitFor((f) => f.includes(shown), 20_000);
  }, 60_000);
  afterAll(async () => {
    h?.cleanup();
    await archive?.close();
  });
  return () => h!;
}

export const PLAIN = { NO_COLOR: '1' };
const PLACEHOLDER = 'press / to filter';

/** The applied query as the query bar shows it ('' for none). */
export function queryOf(frame: string): string {
  const line = frame.split('\n').find((l) => l.startsWith('Query / ')) ?? '';
  const text = line.slice('Query / '.length).trim();
  return text.startsWith(PLACEHOLDER) ? '' : text;
}

/** No list query or page read is running on the --db dashboard. */
export const idle = (f: string): boolean => !f.includes('querying…') && !f.includes('reading…');
/** The details' selected value or link. */
export const selectedDetail = (f: string): string => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

export interface BothDashboards {
  archive: TestArchive;
  /** The folder dashboard over the archive's folder. */
  folder: Harness;
  /** The --db dashboard over the archive. */
  db: Harness;
}

/**
 * For a describe block: `records` as an archive and its folder, both dashboards mounted side by side
 * (same size, no colour) once `shown` is on both screens, and closed after the block's tests.
 */
export function bothDashboardsForThisBlock(
  records: readonly object[],
  width: number,
  height: number,
  shown: string,
  /**
   * The folder dashboard's plug-in views and findings, as `trailtop DIR` gives them (none by default);
   * `dbRules`: the --db dashboard runs the built-in rules, as `trailtop --db FILE` does (none by default); `env`: both dashboards' environment (no colour, no locale by default).
   */
  folderViews: { views?: PluginViews; findings?: () => Findings; dbRules?: boolean; env?: Readonly<Record<string, string>> } = {},
): () => BothDashboards {
  let both: BothDashboards | undefined;
  beforeAll(async () => {
    const archive = await archiveOf(records, 10);
    const store = new EventStore(0);
    await loadFolder(archive.folder, store);
    const findings = folderViews.findings?.();
    const env = folderViews.env ?? PLAIN;
    const folder = renderApp(<App store={store} folder={archive.folder} watching={false} env={env} views={folderViews.views ?? {}} {...(findings ? { findings } : {})} />, width, height);
    const ruleSet = folderViews.dbRules ? commandRules(undefined) : null;
    const session = new ArchiveSession(archive.archive, ruleSet ? { rules: ruleSet.rules, ruleSet } : {});
    const db = renderApp(<ArchiveApp session={session} dbPath="/tmp/test.duckdb" env={env} onQuit={() => undefined} />, width, height);
    both = { archive, folder, db };
    await folder.waitFor((f) => f.includes(shown));
    await db.waitFor((f) => f.includes(shown) && idle(f), 20_000);
  }, 60_000);
  afterAll(async () => {
    both?.folder.cleanup();
    both?.db.cleanup();
    await both?.archive.close();
  });
  return () => both!;
}
