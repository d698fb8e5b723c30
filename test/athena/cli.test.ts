import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runAthena } from '../../src/commands/athena.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('trailtop athena', () => {
  const athena = mockClient(AthenaClient);
  afterEach(() => {
    athena.reset();
    vi.restoreAllMocks();
  });

  it('sends the query with partition predicates and prints the events it pages through', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 5_242_880 } } });
    const columns = ['eventtime', 'eventname', 'eventid', 'sourceipaddress', 'errorcode', 'useridentity'];
    const meta = { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) };
    const data = (values: string[]) => ({ Data: values.map((VarCharValue) => ({ VarCharValue })) });
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({ ResultSet: { Rows: [data(columns), data(['2024-03-05T12:00:00Z', 'DeleteBucket', 'e1', '203.0.113.9', 'AccessDenied', '{"type":"IAMUser","username":"mallory\\u001b[31m"}'])], ResultSetMetadata: meta }, NextToken: 'n2' })
      .resolvesOnce({ ResultSet: { Rows: [data(['2024-03-05T11:00:00Z', 'GetObject', 'e2', '10.0.0.1', '', '{"type":"Root"}'])], ResultSetMetadata: meta } });
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const code = await runAthena(
      ['--database', 'trails', '--table', 'cloudtrail_logs', '--workgroup', 'primary', 'region:eu-west-1 from:2024-03-05 error:*'],
      { sleep: async () => undefined },
    );
    expect(code).toBe(0);
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!;
    expect(sql).toContain(`region IN ('eu-west-1')`);
    expect(sql).toContain(`"timestamp" >= '2024/03/05'`);
    expect(sql).toContain('FROM "cloudtrail_logs"');
    const lines = out.join('').split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/DeleteBucket {2}mallory.*203\.0\.113\.9 {2}AccessDenied/);
    expect(out.join('')).not.toContain('\u001b');
    expect(lines[1]).toMatch(/GetObject {2}root {2}10\.0\.0\.1$/);
    expect(err.join('')).toContain('2 events; Athena scanned 5 MiB (query q-1)');
    // Bounded by from:, so no note about reading every day.
    expect(err.join('')).not.toContain('every day');
  });

  // `trailtop athena ... | head` printed Node's "Unhandled 'error' event ... write EPIPE" stack once head left.
  it('stops at a reader gone (quiet exit 0) or a full disk (one line, exit 1), fetching no more pages', async () => {
    for (const [code, exit] of [['EPIPE', 0], ['ENOSPC', 1]] as const) {
      athena.reset();
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
      athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-3', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } } });
      const meta = { ColumnInfo: [{ Name: 'eventid', Type: 'varchar' }, { Name: 'eventname', Type: 'varchar' }] };
      const row = (id: string) => ({ Data: [{ VarCharValue: id }, { VarCharValue: 'GetObject' }] });
      athena
        .on(GetQueryResultsCommand)
        .resolvesOnce({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'eventid' }, { VarCharValue: 'eventname' }] }, row('p1')], ResultSetMetadata: meta }, NextToken: 'n2' })
        // Later pages come over the network: the failed write is told meanwhile.
        .callsFakeOnce(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return { ResultSet: { Rows: [row('p2')], ResultSetMetadata: meta }, NextToken: 'n3' };
        })
        .resolvesOnce({ ResultSet: { Rows: [row('p3')], ResultSetMetadata: meta } });
      const out: string[] = [];
      const err: string[] = [];
      let failed = false;
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        out.push(String(chunk));
        // As a pipe or a device does: the failed write is told as an 'error' event, after the call.
        if (!failed) {
          failed = true;
          process.nextTick(() => process.stdout.emit('error', Object.assign(new Error(`${code}: write failed`), { code })));
        }
        return true;
      });
      vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
      const args = ['--database', 'd', '--table', 't', '--workgroup', 'w', '--format', 'jsonl', 'name:GetObject since:7d'];
      expect(await runAthena(args, { sleep: async () => undefined }), code).toBe(exit);
      expect(out.join(''), code).toContain('p1');
      expect(out.join(''), code).not.toContain('p2');
      expect(athena.commandCalls(GetQueryResultsCommand).length, code).toBeLessThan(3);
      expect(err.join(''), code).toBe(code === 'EPIPE' ? '' : 'trailtop: cannot write the results: ENOSPC: write failed\n');
      vi.restoreAllMocks();
    }
  });

  it('says, once Athena has the query, that one without since:/from: reads every day of the trail (once, retries too)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q-2', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } } });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'eventid' }] }], ResultSetMetadata: { ColumnInfo: [{ Name: 'eventid', Type: 'varchar' }] } } });
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const args = ['--database', 'trails', '--table', 't', '--workgroup', 'primary'];
    expect(await runAthena([...args, 'error:AccessDenied'], { sleep: async () => undefined })).toBe(0);
    expect(err[0]).toMatch(/^trailtop: note: no since: or from: applies to the whole query, so Athena reads every day/);
    err.length = 0;
    expect(await runAthena([...args, '--partitions', 'region', 'error:AccessDenied'], { sleep: async () => undefined })).toBe(0);
    expect(err.join('')).not.toContain('every day');
  });

  it('refuses an empty --catalog and an --output with no bucket before contacting Athena (an empty catalog fell back to the default unsaid)', async () => {
    const base = ['--database', 'd', '--table', 't', '--workgroup', 'w'];
    await expect(runAthena([...base, '--catalog', '', 'name:x'])).rejects.toThrow(/--catalog needs a catalog name/);
    await expect(runAthena([...base, '--catalog', '  ', 'name:x'])).rejects.toThrow(/--catalog needs a catalog name/);
    await expect(runAthena([...base, '--output', 's3://', 'name:x'])).rejects.toThrow(/--output must be an s3:\/\/ location with a bucket/);
    await expect(runAthena([...base, '--output', 's3:///x/', 'name:x'])).rejects.toThrow(/with a bucket/);
    expect(athena.calls()).toHaveLength(0);
  });

  it('refuses a query before contacting Athena when it has a term the table cannot answer', async () => {
    await expect(runAthena(['--database', 'd', '--table', 't', '--workgroup', 'w', 'noSuchKey.x:1'])).rejects.toThrow(/cannot run this query on Athena/);
    expect(athena.calls()).toHaveLength(0);
  });

  it('on a table made from an older DDL (no vpcendpointaccountid ...): sends the statement again without that column, and says so once', async () => {
    const notFound = (column: string) => ({
      QueryExecution: { QueryExecutionId: 'q', Status: { State: 'FAILED' as const, StateChangeReason: `COLUMN_NOT_FOUND: line 1:262: Column '${column}' cannot be resolved or requester is not authorized to access requested resources` } },
    });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(notFound('vpcendpointaccountid'))
      .resolvesOnce(notFound('addendum'))
      .resolves({ QueryExecution: { QueryExecutionId: 'q', Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 1024 } } });
    const columns = ['eventtime', 'eventname', 'eventid'];
    const data = (values: string[]) => ({ Data: values.map((VarCharValue) => ({ VarCharValue })) });
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [data(columns), data(['2024-03-05T12:00:00Z', 'GetObject', 'e1'])], ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: 'varchar' })) } } });
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const code = await runAthena(['--database', 'd', '--table', 't', '--workgroup', 'w', 'name:GetObject since:7d'], { sleep: async () => undefined });
    expect(code).toBe(0);
    const sent = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString!.split('\nFROM')[0]!);
    expect(sent).toHaveLength(3);
    expect(sent[0]).toContain(', vpcendpointaccountid, ');
    expect(sent[1]).not.toContain('vpcendpointaccountid');
    expect(sent[1]).toContain('AS addendum');
    expect(sent[2]).not.toMatch(/vpcendpointaccountid|addendum/);
    expect(sent[2]).toContain('AS tlsdetails');
    expect(err.filter((line) => line.includes('note:'))).toEqual([
      "trailtop: note: the table has no vpcendpointaccountid column, so events come without it (it was made from an older DDL: 'trailtop sql --ddl' prints AWS's current table; dropping this external table leaves the logs in S3)\n",
      "trailtop: note: the table has no addendum column, so events come without it (it was made from an older DDL: 'trailtop sql --ddl' prints AWS's current table; dropping this external table leaves the logs in S3)\n",
    ]);
    expect(err.join('')).toContain('1 event; Athena scanned');
  });

  it('on such a table, a query that reads the missing column fails once more, saying why (exit 1); other failures are not retried', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: 'q', Status: { State: 'FAILED', StateChangeReason: "COLUMN_NOT_FOUND: line 3:7: Column 'vpcendpointaccountid' cannot be resolved" } },
    });
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const code = await runAthena(['--database', 'd', '--table', 't', '--workgroup', 'w', 'vpcEndpointAccountId:444455556666'], { sleep: async () => undefined });
    expect(code).toBe(1);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
    expect(err.at(-1)).toBe(
      "trailtop: the query failed: COLUMN_NOT_FOUND: line 3:7: Column 'vpcendpointaccountid' cannot be resolved (the query reads vpcendpointaccountid, which this table lacks: it was made from an older DDL: 'trailtop sql --ddl' prints AWS's current table; dropping this external table leaves the logs in S3) (query q)\n",
    );
    athena.reset();
    // A column that is not one of AWS's table (a partition the table does not have): Athena's own reason, one query.
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { QueryExecutionId: 'q', Status: { State: 'FAILED', StateChangeReason: "COLUMN_NOT_FOUND: line 3:7: Column 'region' cannot be resolved" } } });
    expect(await runAthena(['--database', 'd', '--table', 't', '--workgroup', 'w', 'region:eu-west-1'], { sleep: async () => undefined })).toBe(1);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(err.at(-1)).toBe("trailtop: the query failed: COLUMN_NOT_FOUND: line 3:7: Column 'region' cannot be resolved (query q)\n");
  });

  it('with no network: one line naming the host Athena was not reached at, exit 1 (was "trailtop: Error: getaddrinfo ENOTFOUND ...")', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND athena.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname: 'athena.eu-west-1.amazonaws.com' }));
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
    const code = await runAthena(['--database', 'd', '--table', 't', '--workgroup', 'w', 'error:* since:7d'], { client: new AthenaClient({ region: 'eu-west-1' }), sleep: async () => undefined });
    expect(code).toBe(1);
    expect(out.join('')).toBe('');
    expect(err.join('')).toBe('trailtop: cannot reach Athena at athena.eu-west-1.amazonaws.com (getaddrinfo ENOTFOUND): check the network and the region\n');
  });

  it('without credentials: a clear message and exit 1, no stack trace, nothing contacted', () => {
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const home = mkdtempSync(join(tmpdir(), 'trailtop-nocreds-'));
    try {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: home,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(home, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
      };
      const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'athena', '--database', 'd', '--table', 't', '--workgroup', 'w', 'error:*'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe('trailtop: no AWS credentials found: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run aws sso login / aws configure');
      const noRegion = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'athena', '--database', 'd', '--table', 't', '--workgroup', 'w', 'error:*'], { env: { ...env, AWS_REGION: undefined }, encoding: 'utf8', timeout: 60_000 });
      expect(noRegion.status).toBe(1);
      expect(noRegion.stderr.trim()).toBe('trailtop: no AWS region: set AWS_REGION (or a region in your AWS profile)');
      const badRegion = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'athena', '--database', 'd', '--table', 't', '--workgroup', 'w', 'error:*'], { env: { ...env, AWS_REGION: '' }, encoding: 'utf8', timeout: 60_000 });
      expect(badRegion.status).toBe(1);
      expect(badRegion.stderr).toMatch(/^trailtop: the AWS region is not valid/);
      // Was "set AWS_PROFILE" while AWS_PROFILE was set: the named profile is what is missing.
      const ghost = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'athena', '--database', 'd', '--table', 't', '--workgroup', 'w', 'error:*'], { env: { ...env, AWS_PROFILE: 'ghost\u001b[2J' }, encoding: 'utf8', timeout: 60_000 });
      expect(ghost.status).toBe(1);
      expect(ghost.stderr.trim()).toBe("trailtop: no AWS credentials from profile 'ghost\\x1b[2J' (AWS_PROFILE): check that it exists and has credentials, or run aws sso login --profile ghost\\x1b[2J");
      // A profile that is not there has no region either: it said only "set AWS_REGION".
      const ghostNoRegion = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'athena', '--database', 'd', '--table', 't', '--workgroup', 'w', 'error:*'], { env: { ...env, AWS_REGION: undefined, AWS_PROFILE: 'nope' }, encoding: 'utf8', timeout: 60_000 });
      expect(ghostNoRegion.status).toBe(1);
      expect(ghostNoRegion.stderr.trim()).toBe("trailtop: no AWS region from profile 'nope' (AWS_PROFILE): check that it exists and sets a region, or set AWS_REGION");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
