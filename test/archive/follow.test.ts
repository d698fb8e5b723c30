/**
 * `trailtop DIR --db FILE` without a terminal: the archive follows DIR
 * (archive/follow.ts) and the dashboard's list (ArchiveSession, the same
 * calls the --db dashboard makes) shows a file dropped into DIR.
 */
import { appendFileSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/db.js';
import { ArchiveFollower, type FollowStatus } from '../../src/archive/follow.js';
import { ArchiveSession } from '../../src/archive/session.js';
import { UNDECODABLE_FILE_REASON } from '../../src/ingest/undecodableNames.js';
import { followLabel } from '../../src/ui/archive/followLabel.js';
import { recordsJson, tempFolder } from '../support/files.js';

function event(id: string, at: string, name = 'GetObject'): object {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: at,
    eventName: name,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice' },
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Resolves with the follower's status once `test` holds for it (the follower says so after each import). */
function until(follower: ArchiveFollower, test: (status: FollowStatus) => boolean): Promise<FollowStatus> {
  return new Promise((resolve) => {
    if (test(follower.current)) return resolve(follower.current);
    const stop = follower.subscribe((status) => {
      if (!test(status)) return;
      stop();
      resolve(status);
    });
  });
}

async function listNames(session: ArchiveSession): Promise<{ total: number; names: string[] }> {
  const list = await session.list(null, 'newest', 10);
  const names: string[] = [];
  for (let k = 0; k < list.total; k++) names.push(list.at(k)?.row.name ?? '?');
  return { total: list.total, names };
}

/** An archive following a new `logs` folder that `prepare` fills first; watching once its first import is done. */
async function following(prepare: (logs: string) => void = () => undefined): Promise<{ logs: string; session: ArchiveSession; follower: ArchiveFollower }> {
  const scratch = tempFolder('trailtop-follow-');
  cleanups.push(scratch.remove);
  const logs = join(scratch.dir, 'logs');
  mkdirSync(logs);
  prepare(logs);
  const archive = await openArchive(join(scratch.dir, 'trail.duckdb'));
  const session = new ArchiveSession(archive);
  cleanups.unshift(() => session.close());
  const follower = await ArchiveFollower.start(archive, logs, { settleMs: 50 });
  cleanups.unshift(() => follower.close());
  await until(follower, (s) => s.phase === 'watching');
  return { logs, session, follower };
}

describe('the archive follows its folder (trailtop DIR --db FILE)', () => {
  it('imports what is there, then each new file; the list shows it, newest first', async () => {
    const { logs, session, follower } = await following((logs) => {
      mkdirSync(join(logs, '2024', '03'), { recursive: true });
      writeFileSync(join(logs, '2024', '03', 'a.json'), recordsJson([event('a1', '2024-03-05T10:00:00Z'), event('a2', '2024-03-05T10:01:00Z')]));
    });
    expect(await listNames(session)).toEqual({ total: 2, names: ['GetObject', 'GetObject'] });

    const heard: boolean[] = [];
    follower.subscribe((_s, committed) => heard.push(committed));
    // A new file in an existing folder, and one in a folder that appears after the watch started.
    writeFileSync(join(logs, '2024', '03', 'b.json'), recordsJson([event('b1', '2024-03-06T09:00:00Z', 'DeleteBucket')]));
    await until(follower, (s) => s.eventsAdded === 3);
    expect(heard).toContain(true);
    expect((await listNames(session)).names[0]).toBe('DeleteBucket');

    mkdirSync(join(logs, '2024', '04'));
    writeFileSync(join(logs, '2024', '04', 'c.json'), recordsJson([event('c1', '2024-04-01T00:00:00Z', 'PutBucketPolicy'), event('a1', '2024-03-05T10:00:00Z')]));
    await until(follower, (s) => s.eventsAdded === 4);
    await follower.idle();
    // a1 again in c.json: still one row for it.
    expect(await listNames(session)).toEqual({ total: 4, names: ['PutBucketPolicy', 'DeleteBucket', 'GetObject', 'GetObject'] });
  }, 30_000);

  it('reports a bad file as scan does, and imports a file written in two steps whole', async () => {
    const { logs, session, follower } = await following();

    writeFileSync(join(logs, 'broken.json'), '{"Records": [ {"eventID": "x"');
    const status = await until(follower, (s) => s.bad.length > 0);
    expect(status.bad[0]!.path).toBe(join(logs, 'broken.json'));
    expect(status.bad[0]!.reason).toMatch(/JSON|end/i);

    // Half a file, then the rest: imported again when it changes, one row per event.
    const whole = recordsJson([event('d1', '2024-03-07T00:00:00Z'), event('d2', '2024-03-07T00:00:01Z')]);
    writeFileSync(join(logs, 'slow.json'), whole.slice(0, whole.length / 2));
    await new Promise((resolve) => setTimeout(resolve, 400));
    writeFileSync(join(logs, 'slow.json'), whole);
    await until(follower, (s) => s.eventsAdded === 2);
    await follower.idle();
    expect((await listNames(session)).total).toBe(2);
    // Nothing written into the log folder.
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(logs).sort()).toEqual(['broken.json', 'slow.json']);
  }, 30_000);

  // The header's `! N bad files` counted a file written in two steps for good once it was whole, and a file
  // broken twice twice (the folder dashboard's count drops a fixed file).
  it('no longer counts a bad file once it is read whole, and counts one bad twice once', async () => {
    const { logs, follower } = await following();
    const broken = join(logs, 'broken.json');
    writeFileSync(broken, '{"Records": [ {"eventID": "x"');
    await until(follower, (s) => s.bad.length === 1);
    writeFileSync(broken, '{"Records": [ {"eventID": "x", "eventTime": "2024-03-07T00:00:');
    await until(follower, (s) => s.bad.some((file) => /byte 6\d/.test(file.reason)));
    await follower.idle();
    expect(follower.current.bad.map((file) => file.path)).toEqual([broken]);

    writeFileSync(broken, recordsJson([event('x', '2024-03-07T00:00:00Z')]));
    const status = await until(follower, (s) => s.eventsAdded === 1);
    expect(status.bad).toEqual([]);
  }, 30_000);

  // Node names a file whose name is not UTF-8 with U+FFFD, a name that opens nothing: the import of that path
  // found no file and said nothing, so a file dropped in under such a name was never imported nor reported.
  it('reports a file made with a name not valid UTF-8, once, and imports it once renamed', async () => {
    const { logs, follower } = await following();
    const latin1 = Buffer.concat([Buffer.from(logs + '/'), Buffer.from('caf\xe9.json', 'latin1')]);
    writeFileSync(latin1, recordsJson([event('c1', '2024-03-05T10:00:00Z')]));
    const status = await until(follower, (s) => s.bad.length > 0);
    expect(status.bad).toEqual([{ path: join(logs, 'caf\uFFFD.json'), reason: UNDECODABLE_FILE_REASON }]);
    writeFileSync(join(logs, 'other.json'), recordsJson([event('o1', '2024-03-05T10:01:00Z')]));
    await until(follower, (s) => s.eventsAdded === 1);
    expect(follower.current.bad).toEqual(status.bad);

    renameSync(latin1, join(logs, 'cafe.json'));
    const renamed = await until(follower, (s) => s.eventsAdded === 2);
    await follower.idle();
    expect(renamed.bad).toEqual([]);
    expect(follower.current.bad).toEqual([]);
  }, 30_000);

  it('says the folder is gone when it is deleted, and keeps what it imported', async () => {
    const { logs, session, follower } = await following((logs) => writeFileSync(join(logs, 'a.json'), recordsJson([event('a1', '2024-03-05T10:00:00Z')])));
    expect(followLabel(follower.current)).toBe('watching');

    const { rmSync } = await import('node:fs');
    rmSync(logs, { recursive: true, force: true });
    const status = await until(follower, (s) => s.folderGone);
    expect(followLabel(status)).toBe('folder gone');
    expect((await listNames(session)).total).toBe(1);
  }, 30_000);
});

describe('the archive follows a single log FILE (trailtop FILE --db ARCHIVE)', () => {
  // The watch took folders only: a FILE root was never watched, so the header said `following` and nothing came in.
  it('imports the lines appended to it, through a link too, and never its siblings', async () => {
    const scratch = tempFolder('trailtop-follow-file-');
    cleanups.push(scratch.remove);
    const file = join(scratch.dir, 'trail.jsonl');
    writeFileSync(file, `${JSON.stringify(event('f1', '2024-03-05T10:00:00Z'))}\n`);
    const link = join(scratch.dir, 'current.jsonl');
    symlinkSync(file, link);
    const archive = await openArchive(join(scratch.dir, 'trail.duckdb'));
    const session = new ArchiveSession(archive);
    cleanups.unshift(() => session.close());
    const follower = await ArchiveFollower.start(archive, link, { settleMs: 50 });
    cleanups.unshift(() => follower.close());
    await until(follower, (s) => s.phase === 'watching');
    expect((await listNames(session)).total).toBe(1);
    writeFileSync(join(scratch.dir, 'sibling.json'), recordsJson([event('s1', '2024-03-05T11:00:00Z', 'Sibling')]));
    appendFileSync(file, `${JSON.stringify(event('f2', '2024-03-05T10:05:00Z', 'Appended'))}\n`);
    await until(follower, (s) => s.eventsAdded === 2);
    await follower.idle();
    expect(await listNames(session)).toEqual({ total: 2, names: ['Appended', 'GetObject'] });
  }, 15_000);
});
