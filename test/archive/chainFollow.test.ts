/**
 * The session chain on an archive that imports go on adding to, as the --db dashboard's follow does:
 * the issue index (archive/issueIndex.ts) that a first walk builds must see the issuing events later
 * imports add, and the copies they bring that replace archived ones; and a walk asked again must not
 * read the archive again. Each chain is compared with the folder dashboard's over the same files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveChain } from '../../src/archive/chain.js';
import { openArchive, type Archive } from '../../src/archive/db.js';
import { importFolder } from '../../src/archive/import.js';
import { eachEvent, pageEvents, type ArchivedEvent } from '../../src/archive/query.js';
import { formatChain } from '../../src/commands/chain.js';
import { listFolder } from '../../src/ingest/walk.js';
import { readRecord } from '../../src/ingest/read.js';
import { findChain, type Chain } from '../../src/investigate/chain.js';
import { recordRef } from '../../src/model/recordBatch.js';
import { literal } from '../../src/query/sql/index.js';
import { hasSession } from '../../src/ui/investigate/chainLines.js';
import { recordsJson, tempFolder } from '../support/files.js';
import { recordingStatements } from './helpers.js';
import { DATASETS, datasetsPresent, loadInMemory } from './sideBySide.js';

const ACCOUNT = '111122223333';
const alice = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, accessKeyId: 'AKIAALICE', userName: 'alice', principalId: 'AIDAALICE' };

function event(id: string, name: string, time: string, userIdentity: object, extra: object = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: time,
    eventSource: name.startsWith('Assume') ? 'sts.amazonaws.com' : 'ec2.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    recipientAccountId: ACCOUNT,
    userIdentity,
    ...extra,
  };
}

function session(role: string, name: string, key: string): object {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
    accountId: ACCOUNT,
    accessKeyId: key,
    principalId: `AROA${role}:${name}`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, userName: role } },
  };
}

/** alice's AssumeRole of `role` as `name`, issuing `key`. */
function assume(id: string, time: string, role: string, name: string, key: string): Record<string, unknown> {
  return event(id, 'AssumeRole', time, alice, {
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, roleSessionName: name },
    responseElements: { credentials: { accessKeyId: key, expiration: 'x' }, assumedRoleUser: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}` } },
  });
}

/** A log file name CloudTrail's way: its delivery time (ingest/order.ts deliveryTime) is `stamp`. */
const delivered = (stamp: string, suffix: string): string => `${ACCOUNT}_CloudTrail_us-east-1_${stamp}Z_${suffix}.json`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A folder, its archive, and the means to add a file to both (the file imported as the follow imports what the watch finds). */
async function followed(files: Record<string, object[]>): Promise<{ folder: string; archive: Archive; add(name: string, records: object[]): Promise<void> }> {
  const scratch = tempFolder('trailtop-chain-follow-');
  const folder = join(scratch.dir, 'logs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(folder);
  for (const [name, records] of Object.entries(files)) writeFileSync(join(folder, name), recordsJson(records));
  const archive = await openArchive(join(scratch.dir, 'archive.duckdb'));
  cleanups.push(() => scratch.remove(), () => archive.close());
  await importFolder(archive, folder);
  return {
    folder,
    archive,
    async add(name, records) {
      writeFileSync(join(folder, name), recordsJson(records));
      await importFolder(archive, folder, { paths: [join(folder, name)] });
    },
  };
}

async function archived(archive: Archive, id: string): Promise<ArchivedEvent> {
  const [found] = await pageEvents(archive, `eventid = ${literal(id)}`, 1);
  if (!found) throw new Error(`${id} is not archived`);
  return found;
}

/** The chain of event `id` on the archive, after checking it is the folder dashboard's over the same folder. */
async function chainOf(archive: Archive, folder: string, id: string): Promise<Chain> {
  const actual = await archiveChain(archive, await archived(archive, id));
  const store = await loadInMemory(folder);
  const expected = await findChain(store.get(id)!, store, (ref) => readRecord(ref));
  expect(formatChain(actual), id).toBe(formatChain(expected));
  return actual;
}

describe('the session chain on an archive that imports add to', () => {
  it('finds the issuing event an import added after the chain was first looked up', async () => {
    const act = event('act', 'TerminateInstances', '2024-05-01T10:06:00Z', session('Admin', 'hop', 'ASIAFOLLOWED'));
    const { archive, folder, add } = await followed({ [delivered('20240501T1010', 'a')]: [act] });
    expect((await chainOf(archive, folder, 'act')).end).toBe('missing');
    await add(delivered('20240501T1005', 'b'), [assume('issuer', '2024-05-01T10:00:00Z', 'Admin', 'hop', 'ASIAFOLLOWED')]);
    const chain = await chainOf(archive, folder, 'act');
    expect(chain.end).toBe('iam-user');
    expect(chain.links[1]!.row?.id).toBe('issuer');
  });

  it('follows the copy an import brought that replaces an archived issuing event, not the copy replaced', async () => {
    // Two copies of one AssumeRole that differ only in the key issued: to the rows' content (model/contentCheck.ts) they are the same
    // event, and the copy delivered first is kept, taking the archived copy's arrival number (schema.ts RENUMBER_KEPT).
    const usesOld = event('uses-old', 'DescribeInstances', '2024-05-01T10:06:00Z', session('Dev', 'x', 'ASIAOLDKEY'));
    const usesNew = event('uses-new', 'DescribeInstances', '2024-05-01T10:07:00Z', session('Dev', 'x', 'ASIANEWKEY'));
    const { archive, folder, add } = await followed({ [delivered('20240501T1200', 'late')]: [assume('twice', '2024-05-01T10:00:00Z', 'Dev', 'x', 'ASIAOLDKEY'), usesOld, usesNew] });
    expect((await chainOf(archive, folder, 'uses-old')).end).toBe('iam-user');
    expect((await chainOf(archive, folder, 'uses-new')).end).toBe('missing');
    await add(delivered('20240501T1005', 'early'), [assume('twice', '2024-05-01T10:00:00Z', 'Dev', 'x', 'ASIANEWKEY')]);
    expect(recordRef((await archived(archive, 'twice')).row).file).toContain('early');
    expect((await chainOf(archive, folder, 'uses-new')).end).toBe('iam-user');
    expect((await chainOf(archive, folder, 'uses-old')).end).toBe('missing');
  });

  it('reads the issuing events once for a chain walked again, and builds its index once', async () => {
    const act = event('act', 'TerminateInstances', '2024-05-01T10:06:00Z', session('Admin', 'hop', 'ASIAAGAIN'));
    const issuer = assume('issuer', '2024-05-01T10:00:00Z', 'Admin', 'hop', 'ASIAAGAIN');
    const opened = await followed({ [delivered('20240501T1010', 'a')]: [act, issuer] });
    const { archive, statements } = recordingStatements(opened.archive);
    const event_ = await archived(archive, 'act');
    statements.length = 0;
    const first = await archiveChain(archive, event_);
    // The issuing events are read by ranges of tt_seq (keyClusters.ts): one such statement per read.
    const readsFirst = statements.filter((sql) => sql.includes('tt_seq BETWEEN ')).length;
    const again = await archiveChain(archive, event_);
    expect(formatChain(again)).toBe(formatChain(first));
    expect(first.end).toBe('iam-user');
    expect(readsFirst).toBeGreaterThan(0);
    expect(statements.filter((sql) => sql.includes('tt_seq BETWEEN ')).length).toBe(readsFirst);
    expect(statements.filter((sql) => sql.includes("json_extract_string(responseelements, '$.credentials.accessKeyId')")).length).toBe(1);
  });
});

describe.skipIf(!datasetsPresent)('the session chain on an archive of the shared datasets, its issuing events imported last', () => {
  it("equals the folder dashboard's chain for every linked session, with the index built before the issuing events came", async () => {
    const store = await loadInMemory(DATASETS);
    const expected = new Map<string, Chain>();
    for (const row of store.log()) {
      if (!hasSession(row)) continue;
      const chain = await findChain(row, store, (ref) => readRecord(ref));
      if (chain.links.some((link) => link.kind === 'issuer')) expected.set(row.id, chain);
    }
    const issuingFiles = new Set([...expected.values()].flatMap((chain) => chain.links.filter((link) => link.kind === 'issuer').map((link) => recordRef(link.row!).file)));
    const scratch = tempFolder('trailtop-chain-halves-');
    const archive = await openArchive(join(scratch.dir, 'halves.duckdb'));
    cleanups.push(() => scratch.remove(), () => archive.close());
    const { files } = await listFolder(DATASETS);
    await importFolder(archive, DATASETS, { paths: files.filter((file) => !issuingFiles.has(file)) });
    // Every session walked once: the index is built and the answers remembered, none linked yet.
    let linkedBefore = 0;
    for await (const page of eachEvent(archive, null)) {
      for (const event of page) if (hasSession(event.row) && (await archiveChain(archive, event)).links.some((link) => link.kind === 'issuer')) linkedBefore++;
    }
    await importFolder(archive, DATASETS);
    let compared = 0;
    for await (const page of eachEvent(archive, null)) {
      for (const event of page) {
        const chain = expected.get(event.row.id);
        if (!chain) continue;
        expect(formatChain(await archiveChain(archive, event)), event.row.id).toBe(formatChain(chain));
        compared++;
      }
    }
    expect(compared).toBe(expected.size);
    expect(compared).toBeGreaterThan(5);
    expect(linkedBefore).toBeLessThan(compared);
  }, 180_000);
});
