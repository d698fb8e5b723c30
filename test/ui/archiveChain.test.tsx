/**
 * "Who is behind this session" in the --db dashboard's details: the folder
 * dashboard's section, its chain found by SQL (archive/chain.ts), drawn line
 * for line as the folder dashboard draws it for the same event; Enter on a
 * link lists the issuing event alone with its details open, `[` comes back to
 * the event and the link, `]` goes again, `=` on a link lists what its key did.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveSession } from '../../src/archive/session.js';
import { readRecord } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { App } from '../../src/ui/App.js';
import { ArchiveApp } from '../../src/ui/archive/ArchiveApp.js';
import { archiveOfFolder, type TestArchive } from '../archive/helpers.js';
import { tempFolder } from '../support/files.js';
import { idle, PLAIN } from './archiveDashboard.js';
import { KEYS, renderApp, type Harness } from './harness.js';

const STRATUS = resolve(import.meta.dirname, '../../../shared/datasets/stratus-red-team');
const present = existsSync(STRATUS);
if (!present && process.env.CI) throw new Error(`datasets missing at ${STRATUS}`);

/** GetPasswordData by a role session that christophe's key assumed (AssumeRole fd179e25…). */
const EVENT = 'f1e17321-830c-4761-854c-158258e915b6';
const ISSUER = 'fd179e25-9f1a-406c-8d7d-62f9d4938ef6';
const BEHIND = 'Started by arn:aws:iam::457448411975:user/christophe';
const selected = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

/** The details' "Who is behind this session" section as drawn: its heading to the end of its links. */
function chainSection(frame: string): string[] {
  const lines = frame.split('\n');
  const start = lines.findIndex((l) => l.includes('Who is behind this session'));
  if (start < 0) return [];
  const section: string[] = [];
  for (const line of lines.slice(start)) {
    if (section.length > 0 && line.trim() === '') break;
    section.push(line.trimEnd());
  }
  return section;
}

async function selectLink(h: Harness, label: string): Promise<void> {
  for (let i = 0; i < 60 && !selected(h.frame()).includes(label); i++) await h.press(KEYS.tab);
  expect(selected(h.frame())).toContain(label);
}

describe.skipIf(!present)('the session chain in the --db details', () => {
  const scratch = tempFolder('trailtop-dbchain-');
  let archive: TestArchive;
  const open: Harness[] = [];
  const db = (query: string) => {
    const h = renderApp(<ArchiveApp session={new ArchiveSession(archive.archive, {})} dbPath="/tmp/test.duckdb" env={PLAIN} onQuit={() => undefined} initialQuery={query} />, 130, 60);
    open.push(h);
    return h;
  };
  beforeAll(async () => {
    archive = await archiveOfFolder(STRATUS, join(scratch.dir, 'stratus.duckdb'));
  }, 120_000);
  afterAll(async () => {
    for (const h of open) h.cleanup();
    await archive?.close();
    scratch.remove();
  });

  it("draws the folder dashboard's section for the same event, line for line", async () => {
    const store = new EventStore(0);
    await loadFolder(STRATUS, store);
    const folder = renderApp(<App store={store} folder={STRATUS} watching={false} env={PLAIN} readRecord={(ref) => readRecord(ref)} initialQuery={`id:${EVENT}`} />, 130, 60);
    open.push(folder);
    await folder.waitFor((f) => f.includes('GetPasswordData'));
    const expected = chainSection(await folder.press(KEYS.enter, (f) => f.includes(BEHIND)));
    const h = db(`id:${EVENT}`);
    await h.waitFor((f) => f.includes('GetPasswordData') && idle(f), 20_000);
    const frame = await h.press(KEYS.enter, (f) => f.includes(BEHIND), 20_000);
    expect(expected.length).toBeGreaterThan(4);
    expect(expected.join('\n')).toContain('2 AssumeRole');
    expect(chainSection(frame)).toEqual(expected);
  });

  it('Enter on a link opens the issuing event; [ comes back to the event and the link, ] goes again; = lists what its key did', async () => {
    const h = db(`id:${EVENT}`);
    await h.waitFor((f) => f.includes('GetPasswordData') && idle(f), 20_000);
    await h.press(KEYS.enter, (f) => f.includes(BEHIND), 20_000);
    await selectLink(h, '2 AssumeRole');
    expect(selected(h.frame())).toContain('key AKIAWOGXN38MFN92ING5');
    let frame = await h.press(KEYS.enter, (f) => f.includes(ISSUER) && f.includes('Event details') && idle(f), 20_000);
    expect(frame).toMatch(/Event name +AssumeRole/);
    expect(frame).toContain(`id:${ISSUER}`);
    frame = await h.press('[', (f) => f.includes(EVENT) && f.includes(BEHIND) && idle(f), 20_000);
    expect(frame).toMatch(/Event name +GetPasswordData/);
    expect(selected(frame)).toContain('2 AssumeRole');
    frame = await h.press(']', (f) => f.includes(`id:${ISSUER}`) && f.includes('Event details') && idle(f), 20_000);
    expect(frame).toMatch(/Event name +AssumeRole/);
    await h.press('[', (f) => f.includes(BEHIND) && idle(f), 20_000);
    await selectLink(h, '2 AssumeRole');
    frame = await h.press('=', (f) => f.includes('Filtered by key:AKIAWOGXN38MFN92ING5') && idle(f), 20_000);
    // What christophe's long-term key did: AssumeRole calls only, the GetPasswordData not among them.
    expect(frame).not.toContain('GetPasswordData');
    expect(frame.split('\n').filter((l) => l.includes('AssumeRole')).length).toBeGreaterThan(1);
  });
});
