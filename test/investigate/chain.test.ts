import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runChain, formatChain } from '../../src/commands/chain.js';
import { findChain, pickIssue, type Chain } from '../../src/investigate/chain.js';
import { isUsableAccessKey } from '../../src/model/accessKey.js';
import { chainLines } from '../../src/ui/investigate/chainLines.js';
import { readRecord } from '../../src/ingest/read.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { recordsJson, tempFolder } from '../support/files.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

const ACCOUNT = '111122223333';
let n = 0;

function event(name: string, time: string, userIdentity: object, extra: object = {}): Record<string, unknown> {
  n++;
  return {
    eventVersion: '1.08',
    eventID: `ev-${n}-${name}`,
    eventTime: time,
    eventSource: name.startsWith('Assume') || name.startsWith('Get') ? 'sts.amazonaws.com' : 'ec2.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: `198.51.100.${n}`,
    userAgent: 'aws-cli/2',
    recipientAccountId: ACCOUNT,
    userIdentity,
    ...extra,
  };
}

const alice = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, accessKeyId: 'AKIAALICE', userName: 'alice', principalId: 'AIDAALICE' };

function session(role: string, name: string, key: string, sourceIdentity = ''): object {
  return {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}`,
    accountId: ACCOUNT,
    accessKeyId: key,
    principalId: `AROA${role}:${name}`,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, userName: role }, ...(sourceIdentity ? { sourceIdentity } : {}) },
  };
}

function assume(time: string, caller: object, role: string, name: string, key: string, extra: object = {}, eventName = 'AssumeRole'): Record<string, unknown> {
  return event(eventName, time, caller, {
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}`, roleSessionName: name, ...extra },
    responseElements: { credentials: { accessKeyId: key, expiration: 'x' }, assumedRoleUser: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${name}` } },
  });
}

async function chainFor(records: Array<Record<string, unknown>>, eventId: string): Promise<Chain> {
  const folder = tempFolder('trailtop-chain-');
  cleanups.push(folder.remove);
  // Two files, so issuing events are read back from a file other than the event's.
  writeFileSync(join(folder.dir, 'a.json'), recordsJson(records.slice(0, Math.ceil(records.length / 2))));
  writeFileSync(join(folder.dir, 'b.json'), recordsJson(records.slice(Math.ceil(records.length / 2))));
  const store = new EventStore(0);
  await loadFolder(folder.dir, store);
  return findChain(store.get(eventId)!, store, (ref) => readRecord(ref));
}

describe('who is behind this session', () => {
  it('follows role chaining back to the IAM user, with each issuing event', async () => {
    const first = assume('2024-05-01T10:00:00Z', alice, 'Dev', 'alice-dev', 'ASIAFIRST');
    const second = assume('2024-05-01T10:05:00Z', session('Dev', 'alice-dev', 'ASIAFIRST'), 'Admin', 'hop', 'ASIASECOND');
    const act = event('TerminateInstances', '2024-05-01T10:06:00Z', session('Admin', 'hop', 'ASIASECOND'));
    const chain = await chainFor([act, second, first, event('DescribeInstances', '2024-05-01T09:00:00Z', alice)], act['eventID'] as string);
    expect(chain.end).toBe('iam-user');
    expect(chain.links.map((l) => [l.kind, l.row?.id, l.identity.accessKey])).toEqual([
      ['event', act['eventID'], 'ASIASECOND'],
      ['issuer', second['eventID'], 'ASIAFIRST'],
      ['issuer', first['eventID'], 'AKIAALICE'],
    ]);
    expect(chain.summary).toBe(`Started by arn:aws:iam::${ACCOUNT}:user/alice (an IAM user with a long-term key)`);
    expect(chain.links[1]!.note).toContain('AssumeRole arn:aws:iam::111122223333:role/Admin as hop issued ASIASECOND');
    expect(formatChain(chain)).toContain('from 198.51.100.');
  });

  it('the details name each issuing event once: on its link\'s label, not again in its note', async () => {
    const first = assume('2024-05-01T10:00:00Z', alice, 'Dev', 'alice-dev', 'ASIAFIRST');
    const act = event('TerminateInstances', '2024-05-01T10:06:00Z', session('Dev', 'alice-dev', 'ASIAFIRST'));
    const lines = chainLines({ status: 'done', chain: await chainFor([act, first], act['eventID'] as string) }, 'utc');
    const at = lines.findIndex((line) => line.label === '2 AssumeRole');
    expect(at).toBeGreaterThan(0);
    expect(lines[at]!.value).not.toContain('AssumeRole');
    expect(lines[at + 1]).toMatchObject({ label: '', value: `issued ASIAFIRST for arn:aws:iam::${ACCOUNT}:role/Dev as alice-dev` });
    expect(lines.filter((line) => line.value.includes('AssumeRole'))).toEqual([]);
  });

  it('ends at a SAML identity and at a web identity', async () => {
    const saml = { type: 'SAMLUser', principalId: 'okta:bob@example.com', userName: 'bob@example.com', identityProvider: `arn:aws:iam::${ACCOUNT}:saml-provider/Okta` };
    const bySaml = assume('2024-05-01T10:00:00Z', saml, 'Ops', 'bob@example.com', 'ASIASAML', {}, 'AssumeRoleWithSAML');
    const act = event('PutObject', '2024-05-01T10:01:00Z', session('Ops', 'bob@example.com', 'ASIASAML'));
    let chain = await chainFor([act, bySaml], act['eventID'] as string);
    expect(chain.end).toBe('saml');
    expect(chain.summary).toBe(`Started by bob@example.com at arn:aws:iam::${ACCOUNT}:saml-provider/Okta (a SAML identity)`);

    const web = { type: 'WebIdentityUser', principalId: 'token.actions.githubusercontent.com:sub', userName: 'repo:acme/app:ref:refs/heads/main', identityProvider: 'token.actions.githubusercontent.com' };
    const byWeb = assume('2024-05-01T10:00:00Z', web, 'Deploy', 'gha', 'ASIAWEB', {}, 'AssumeRoleWithWebIdentity');
    const act2 = event('UpdateFunctionCode', '2024-05-01T10:02:00Z', session('Deploy', 'gha', 'ASIAWEB'));
    chain = await chainFor([act2, byWeb], act2['eventID'] as string);
    expect(chain.end).toBe('web-identity');
    expect(chain.links[1]!.identity.identityProvider).toBe('token.actions.githubusercontent.com');
  });

  it('says plainly when the issuing event is not on disk, and follows the source identity when set', async () => {
    const act = event('GetSecretValue', '2024-05-01T10:06:00Z', session('Reader', 'i-0abc', 'ASIANOWHERE'));
    let chain = await chainFor([act], act['eventID'] as string);
    expect(chain.end).toBe('missing');
    expect(chain.links.at(-1)!.kind).toBe('missing');
    expect(chain.links.at(-1)!.note).toBe(`the event that issued ASIANOWHERE is not in these logs (session of arn:aws:iam::${ACCOUNT}:role/Reader as i-0abc)`);
    expect(chain.summary).toBe('Chain ends at an issuing event that is not in these logs');

    // The first hop set a source identity; the middle hop's event is lost, the source identity still leads to alice.
    const first = assume('2024-05-01T10:00:00Z', alice, 'Dev', 'alice-dev', 'ASIAFIRST', { sourceIdentity: 'alice' });
    const act2 = event('DeleteBucket', '2024-05-01T10:06:00Z', session('Admin', 'hop', 'ASIALOSTHOP', 'alice'));
    chain = await chainFor([act2, first], act2['eventID'] as string);
    expect(chain.links.map((l) => l.kind)).toEqual(['event', 'missing', 'source-identity']);
    expect(chain.end).toBe('iam-user');
    expect(chain.links[2]!.note).toMatch(/^matched by source identity alice, not by key/);

    // A session with that source identity started only after the use cannot be behind it: the chain stops at the missing link.
    const after = assume('2024-05-01T12:00:00Z', alice, 'Dev', 'later', 'ASIALATER', { sourceIdentity: 'alice' });
    chain = await chainFor([act2, after], act2['eventID'] as string);
    expect(chain.links.map((l) => l.kind)).toEqual(['event', 'missing']);
    expect(chain.end).toBe('missing');
  });

  it('a key issued twice: the latest issue before the use is followed, and the note says so', async () => {
    const early = assume('2024-05-01T09:00:00Z', alice, 'Dev', 'one', 'ASIATWICE');
    const bob = { ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/bob`, userName: 'bob', accessKeyId: 'AKIABOB' };
    const late = assume('2024-05-01T11:00:00Z', bob, 'Dev', 'two', 'ASIATWICE');
    const use1 = event('ListBuckets', '2024-05-01T10:00:00Z', session('Dev', 'one', 'ASIATWICE'));
    const use2 = event('ListBuckets', '2024-05-01T12:00:00Z', session('Dev', 'two', 'ASIATWICE'));
    let chain = await chainFor([use1, use2, early, late], use1['eventID'] as string);
    expect(chain.links[1]!.row!.id).toBe(early['eventID']);
    expect(chain.links[1]!.note).toContain('key issued by 2 events');
    chain = await chainFor([use1, use2, early, late], use2['eventID'] as string);
    expect(chain.links[1]!.identity.userName).toBe('bob');
    // Used before any issue (clock skew beyond 5 minutes): the earliest issue.
    expect(pickIssue([{ row: { time: 2e9 } }, { row: { time: 1e9 } }] as never, 0).row.time).toBe(1e9);
  });

  it('a key whose only issue is after its use (beyond clock skew) is linked, and the note says the times disagree', async () => {
    const late = assume('2024-05-01T11:00:00Z', alice, 'Dev', 'one', 'ASIALATE');
    const use = event('ListBuckets', '2024-05-01T10:00:00Z', session('Dev', 'one', 'ASIALATE'));
    const chain = await chainFor([use, late], use['eventID'] as string);
    expect(chain.links[1]!.row!.id).toBe(late['eventID']);
    expect(chain.links[1]!.note).toMatch(/issued ASIALATE \(issued 60 min after this use: the times disagree\)$/);
    // Within the skew it is an ordinary link.
    const skewed = assume('2024-05-01T10:02:00Z', alice, 'Dev', 'two', 'ASIASKEW');
    const use2 = event('ListBuckets', '2024-05-01T10:00:00Z', session('Dev', 'two', 'ASIASKEW'));
    expect((await chainFor([use2, skewed], use2['eventID'] as string)).links[1]!.note).not.toContain('disagree');
  });

  it('an event with a long-term key has no session to follow; a failed AssumeRole issued nothing', async () => {
    const plain = event('DescribeInstances', '2024-05-01T09:00:00Z', alice);
    const failed = event('AssumeRole', '2024-05-01T09:00:00Z', alice, { errorCode: 'AccessDenied', requestParameters: { roleArn: 'x' } });
    const chain = await chainFor([plain, failed], plain['eventID'] as string);
    expect(chain.links).toHaveLength(1);
    expect(chain.end).toBe('iam-user');
  });

  it("an IAM user's or root's own session without its issuing event ends at that user, not at a missing link", async () => {
    // A console session: type IAMUser with an ASIA key, as CloudTrail writes actions taken in the console.
    const consoleAlice = { ...alice, accessKeyId: 'ASIACONSOLE', sessionContext: { attributes: { mfaAuthenticated: 'true' } } };
    const act = event('StopInstances', '2024-05-01T10:00:00Z', consoleAlice, { sessionCredentialFromConsole: 'true' });
    let chain = await chainFor([act], act['eventID'] as string);
    expect(chain.end).toBe('iam-user');
    expect(chain.links.map((l) => l.kind)).toEqual(['event', 'missing']);
    expect(chain.links[1]!.note).toBe('the event that issued ASIACONSOLE is not in these logs');
    expect(chain.summary).toBe(
      `Started by arn:aws:iam::${ACCOUNT}:user/alice (an IAM user in a session of its own; the event that issued it (a console sign-in or GetSessionToken) is not in these logs)`,
    );
    const root = { type: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, accessKeyId: 'ASIAROOT', principalId: ACCOUNT };
    const rootAct = event('DeleteTrail', '2024-05-01T10:00:00Z', root);
    chain = await chainFor([rootAct], rootAct['eventID'] as string);
    expect(chain.end).toBe('root');
    // With its GetSessionToken on disk, the chain still goes through it to the long-term key.
    const token = event('GetSessionToken', '2024-05-01T09:00:00Z', alice, { responseElements: { credentials: { accessKeyId: 'ASIACONSOLE' } } });
    chain = await chainFor([act, token], act['eventID'] as string);
    expect(chain.links.map((l) => [l.kind, l.row?.name])).toEqual([['event', 'StopInstances'], ['issuer', 'GetSessionToken']]);
    expect(chain.summary).toBe(`Started by arn:aws:iam::${ACCOUNT}:user/alice (an IAM user with a long-term key)`);
  });

  it('an event without any access key is not said to have used a long-term key', async () => {
    // As in aws-docs-examples: a ConsoleLogin by an IAM user (password, no key) and an Insights event (no userIdentity).
    const { accessKeyId: _unused, ...anaya } = { ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/anaya`, userName: 'anaya' };
    const login = event('ConsoleLogin', '2024-05-01T09:00:00Z', anaya);
    const insight: Record<string, unknown> = { ...event('CompleteLifecycleAction', '2024-05-01T09:00:00Z', {}), userIdentity: undefined, eventType: 'AwsCloudTrailInsight' };
    let chain = await chainFor([login, insight], login['eventID'] as string);
    expect(chain.end).toBe('iam-user');
    expect(chain.summary).toBe(`Started by arn:aws:iam::${ACCOUNT}:user/anaya (an IAM user; the record has no access key (a console sign-in uses a password))`);
    chain = await chainFor([login, insight], insight['eventID'] as string);
    expect(chain.end).toBe('not-temporary');
    expect(chain.summary).toBe('Chain ends at no caller: the record has no user identity');
  });
});

describe('masked access keys (AKIA****, as the traildiscover data set writes every key)', () => {
  const MASKED = 'ASIA****************';
  const bob = { ...alice, arn: `arn:aws:iam::${ACCOUNT}:user/bob`, userName: 'bob', accessKeyId: 'AKIABOB', principalId: 'AIDABOB' };

  it('isUsableAccessKey: a key with a character no key has, or one character repeated, is masked; real and short keys are keys', () => {
    for (const masked of ['AKIA****************', MASKED, 'ASIA…', 'AKIA XXXX', 'AKIAXXXXXXXXXXXXXXXX', 'ASIA0000000000000000', '']) expect(isUsableAccessKey(masked), masked).toBe(false);
    for (const key of ['AKIAIOSFODNN7EXAMPLE', 'ASIANQQHHS551LWULIWD', 'ASIAFIRST', 'AKIAALICE', 'userIdentityAccessKeyId1']) expect(isUsableAccessKey(key), key).toBe(true);
  });

  it('two sessions whose keys are masked alike are not linked, and the chain says why', async () => {
    // alice's AssumeRole issued a key masked in the log; bob's unrelated session later used a key masked the same way.
    const alices = assume('2024-05-01T10:00:00Z', alice, 'Dev', 'alice-dev', MASKED);
    const bobs = event('TerminateInstances', '2024-05-01T10:30:00Z', session('Ops', 'bob-ops', MASKED));
    const chain = await chainFor([bobs, alices, event('DescribeInstances', '2024-05-01T09:00:00Z', bob)], bobs['eventID'] as string);
    expect(chain.links.map((l) => [l.kind, l.row?.id ?? null])).toEqual([
      ['event', bobs['eventID']],
      ['missing', null],
    ]);
    expect(chain.end).toBe('missing');
    expect(chain.summary).toBe(`Chain ends at a masked access key (${MASKED}): its issuing event cannot be looked up`);
    expect(chain.links[1]!.note).toBe(
      `the access key ${MASKED} is masked, not a real key: the event that issued it cannot be looked up, and nothing is linked by it (session of arn:aws:iam::${ACCOUNT}:role/Ops as bob-ops)`,
    );
    expect(formatChain(chain)).toContain(`key ${MASKED} (masked)`);
  });

  it('a source identity still links across masked keys, the issuing note says the key is masked, and a walk back to a linked event ends', async () => {
    const first = assume('2024-05-01T10:00:00Z', alice, 'Dev', 'alice-dev', MASKED, { sourceIdentity: 'alice' });
    const act = event('TerminateInstances', '2024-05-01T10:06:00Z', session('Dev', 'alice-dev', MASKED, 'alice'));
    let chain = await chainFor([act, first], act['eventID'] as string);
    expect(chain.links.map((l) => [l.kind, l.row?.id ?? null])).toEqual([
      ['event', act['eventID']],
      ['missing', null],
      ['source-identity', first['eventID']],
    ]);
    expect(chain.end).toBe('iam-user');
    expect(chain.links[2]!.note).toContain(`issued ${MASKED} (masked: nothing is linked by it)`);
    // The AssumeRole itself made by a masked session with that source identity: it matches only itself, already on the chain.
    const chained = assume('2024-05-01T10:00:00Z', session('Dev', 'x', MASKED, 'alice'), 'Admin', 'hop', MASKED, { sourceIdentity: 'alice' });
    const use = event('TerminateInstances', '2024-05-01T10:06:00Z', session('Admin', 'hop', MASKED, 'alice'));
    chain = await chainFor([use, chained], use['eventID'] as string);
    expect(chain.links.map((l) => l.kind)).toEqual(['event', 'missing', 'source-identity', 'missing']);
    expect(chain.end).toBe('loop');
  });

  it('the details pivot on a masked key\'s link by its event, not by the key (key: would list every masked session)', async () => {
    const alices = assume('2024-05-01T10:00:00Z', alice, 'Dev', 'alice-dev', MASKED, { sourceIdentity: 'alice' });
    const act = event('TerminateInstances', '2024-05-01T10:06:00Z', session('Dev', 'alice-dev', MASKED, 'alice'));
    const chain = await chainFor([act, alices], act['eventID'] as string);
    const pivots = chainLines({ status: 'done', chain }, 'utc').filter((line) => line.pivot).map((line) => line.pivot);
    expect(pivots).toEqual([
      { field: 'id', value: act['eventID'] },
      { field: 'key', value: 'AKIAALICE' },
    ]);
    expect(chainLines({ status: 'done', chain }, 'utc')[1]!.value).toContain(`key ${MASKED} (masked)`);
  });
});

describe('on the stratus-red-team detonations', () => {
  const DIR = '../shared/datasets/stratus-red-team';
  async function chainOf(eventId: string): Promise<Chain> {
    const store = new EventStore(0);
    await loadFolder(DIR, store);
    return findChain(store.get(eventId)!, store, (ref) => readRecord(ref));
  }

  it('GetPasswordData by the attack role leads to the AssumeRole by IAM user christophe', async () => {
    const chain = await chainOf('f1e17321-830c-4761-854c-158258e915b6');
    expect(chain.end).toBe('iam-user');
    expect(chain.links.map((l) => [l.kind, l.row?.id, l.identity.accessKey])).toEqual([
      ['event', 'f1e17321-830c-4761-854c-158258e915b6', 'ASIANQQHHS551LWULIWD'],
      ['issuer', 'fd179e25-9f1a-406c-8d7d-62f9d4938ef6', 'AKIAWOGXN38MFN92ING5'],
    ]);
    expect(chain.links[1]!.identity.arn).toBe('arn:aws:iam::457448411975:user/christophe');
    expect(chain.links[1]!.row!.sourceIp).toBe('200.249.253.51');
  });

  it('a federated user leads to GetFederationToken; stolen instance credentials have no issuer on disk', async () => {
    let chain = await chainOf('91529247-c4c4-4793-afc8-d70bbcfe9d19');
    expect(chain.links.map((l) => l.row?.name)).toEqual(['GetCallerIdentity', 'GetFederationToken']);
    expect(chain.links[1]!.identity.arn).toBe('arn:aws:iam::742491224508:user/stratus-red-team-user-federation-user');
    chain = await chainOf('b379479b-05c9-4c3c-af4b-cbd43acf29e1');
    expect(chain.end).toBe('missing');
    expect(chain.links[1]!.note).toContain('the event that issued ASIAP5CT9NN8EYVU1FXV is not in these logs (session of arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role');
  });

  it('trailtop chain prints it, and exits 1 for an unknown event', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const errWrite = process.stderr.write.bind(process.stderr);
    // As a stream does, the callback is called once the chunk is written: chain waits for it (a closed pipe is a quiet 0).
    process.stdout.write = ((chunk: string, ...rest: unknown[]) => {
      out.push(chunk);
      (rest.find((arg) => typeof arg === 'function') as (() => void) | undefined)?.();
      return true;
    }) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await runChain([DIR, 'f1e17321-830c-4761-854c-158258e915b6', '--json'])).toBe(0);
      expect(await runChain([DIR, 'no-such-event'])).toBe(1);
      expect(await runChain(['--help'])).toBe(0);
      expect(out.pop()).toContain('Usage: trailtop chain DIR|FILE EVENT_ID [--json]');
    } finally {
      process.stdout.write = write;
      process.stderr.write = errWrite;
    }
    const { USAGE } = await import('../../src/cli.js');
    expect(USAGE).toContain('trailtop chain DIR EVENT_ID [--json]');
    const json = JSON.parse(out.join('')) as { end: string; links: Array<{ eventId: string }> };
    expect(json.end).toBe('iam-user');
    expect(json.links[1]!.eventId).toBe('fd179e25-9f1a-406c-8d7d-62f9d4938ef6');
  });
});
