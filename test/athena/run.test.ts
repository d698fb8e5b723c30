import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  type GetQueryExecutionCommandOutput,
  type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaCancelled, AthenaError, runAthenaQuery, type AthenaProgress } from '../../src/athena/run.js';
import { recordFromRow } from '../../src/athena/records.js';
import { SELECT_COLUMNS } from '../../src/athena/statement.js';
import { CLOUDTRAIL_TABLE } from '../../src/query/sql/cloudtrailTable.js';
import { normalize } from '../../src/model/normalize.js';
import { RecordBatch } from '../../src/model/recordBatch.js';

/** Responses as Athena sends them (shapes recorded from the API reference's examples, values made up). */
const QUERY_ID = 'c2a3f1e4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const TARGET = { database: 'default', workgroup: 'primary', output: 's3://results-bucket/trailtop/' };

function execution(state: string, bytes: number, reason?: string): GetQueryExecutionCommandOutput {
  return {
    $metadata: { httpStatusCode: 200 },
    QueryExecution: {
      QueryExecutionId: QUERY_ID,
      Query: 'SELECT ...',
      StatementType: 'DML',
      Status: { State: state as 'RUNNING', ...(reason ? { StateChangeReason: reason } : {}) },
      Statistics: { DataScannedInBytes: bytes, EngineExecutionTimeInMillis: 1200 },
      WorkGroup: 'primary',
    },
  };
}

const COLUMNS = ['eventtime', 'eventid', 'eventname', 'useridentity', 'requestparameters', 'readonly'];
const varchar = (values: (string | null)[]) => ({ Data: values.map((v) => (v === null ? {} : { VarCharValue: v })) });

function resultsPage(rows: (string | null)[][], next?: string, header = false): GetQueryResultsCommandOutput {
  return {
    $metadata: { httpStatusCode: 200 },
    UpdateCount: 0,
    ResultSet: {
      Rows: [...(header ? [varchar(COLUMNS)] : []), ...rows.map(varchar)],
      ResultSetMetadata: { ColumnInfo: COLUMNS.map((Name) => ({ Name, Type: 'varchar', CatalogName: 'hive', SchemaName: '', TableName: '', Label: Name })) },
    },
    ...(next ? { NextToken: next } : {}),
  };
}

const identity = '{"type":"AssumedRole","principalid":"AROAEXAMPLE:ci","arn":"arn:aws:sts::111122223333:assumed-role/Deploy/ci","accountid":"111122223333","invokedby":null,"accesskeyid":"ASIAEXAMPLE","username":null,"onbehalfof":null,"sessioncontext":{"attributes":{"mfaauthenticated":"false","creationdate":"2024-03-05T11:00:00Z"},"sessionissuer":{"type":"Role","principalid":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/Deploy","accountid":"111122223333","username":"Deploy"},"ec2roledelivery":null,"webidfederationdata":null}}';
const row = (k: number) => ['2024-03-05T12:00:0' + (k % 10) + 'Z', `id-${k}`, 'GetObject', identity, '{"bucketName":"logs"}', 'true'];

const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());

function fakeTime() {
  const sleeps: number[] = [];
  let clock = 0;
  return {
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
  };
}

describe('runAthenaQuery', () => {
  it('starts, polls with growing delays while QUEUED and RUNNING, then pages through every result', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED', 0))
      .resolvesOnce(execution('RUNNING', 10_485_760))
      .resolvesOnce(execution('RUNNING', 52_428_800))
      .resolves(execution('SUCCEEDED', 73_400_320));
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce(resultsPage([row(0), row(1)], 'token-2', true))
      .resolvesOnce(resultsPage([row(2)], 'token-3'))
      .resolvesOnce(resultsPage([row(3)]));
    const time = fakeTime();
    const progress: AthenaProgress[] = [];
    const result = await runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, { ...time, onProgress: (p) => progress.push(p) });
    const ids: (string | null)[] = [];
    for await (const page of result.pages()) ids.push(...page.map((r) => r.eventid ?? null));
    expect(ids).toEqual(['id-0', 'id-1', 'id-2', 'id-3']);
    expect(result.bytesScanned).toBe(73_400_320);
    expect(progress.map((p) => p.state)).toEqual(['QUEUED', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    expect(progress.map((p) => p.bytesScanned)).toEqual([0, 10_485_760, 52_428_800, 73_400_320]);
    expect(time.sleeps).toEqual([500, 750, 1125]);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    expect(start).toEqual({
      QueryString: 'SELECT 1',
      QueryExecutionContext: { Database: 'default' },
      WorkGroup: 'primary',
      ResultConfiguration: { OutputLocation: 's3://results-bucket/trailtop/' },
    });
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'token-2', 'token-3']);
  });

  it('reports a FAILED query with Athena\'s reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena.on(GetQueryExecutionCommand).resolves(execution('FAILED', 0, "COLUMN_NOT_FOUND: line 3:7: Column 'region' cannot be resolved"));
    const run = runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, fakeTime());
    await expect(run).rejects.toThrow(AthenaError);
    await expect(run).rejects.toThrow("the query failed: COLUMN_NOT_FOUND: line 3:7: Column 'region' cannot be resolved");
  });

  it('reports a CANCELLED query (someone stopped it in the console)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena.on(GetQueryExecutionCommand).resolvesOnce(execution('RUNNING', 0)).resolves(execution('CANCELLED', 1024));
    await expect(runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, fakeTime())).rejects.toThrow(AthenaCancelled);
  });

  it('retries throttled calls with backoff and carries on', async () => {
    athena.on(StartQueryExecutionCommand).rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} })).resolves({ QueryExecutionId: QUERY_ID });
    athena
      .on(GetQueryExecutionCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves(execution('SUCCEEDED', 2048));
    athena.on(GetQueryResultsCommand).resolves(resultsPage([row(0)], undefined, true));
    const time = fakeTime();
    const result = await runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, time);
    expect(time.sleeps).toEqual([250, 250, 500]);
    expect(result.bytesScanned).toBe(2048);
  });

  it('gives up on throttling after the retries, with a clear error', async () => {
    athena.on(StartQueryExecutionCommand).rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await expect(runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, { ...fakeTime(), retries: 2 })).rejects.toThrow(
      'TooManyRequestsException: Rate exceeded',
    );
  });

  it('explains a missing credential and a missing permission', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    await expect(runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, fakeTime())).rejects.toThrow(/^no AWS credentials (found: set AWS_PROFILE|from profile)/);
    athena.reset();
    athena.on(StartQueryExecutionCommand).rejects(
      Object.assign(new Error('User: arn:aws:iam::111122223333:user/bob is not authorized to perform: athena:StartQueryExecution'), { name: 'AccessDeniedException' }),
    );
    await expect(runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, fakeTime())).rejects.toThrow(/^permission denied: User: .* athena:StartQueryExecution/);
  });

  it('explains a network failure (no DNS, no route, refused) as one line naming the host, like the other errors', async () => {
    // As the SDK throws it with no network (recorded from a real run): Node's own error, after the SDK's retries.
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND athena.eu-west-1.amazonaws.com'), {
      code: 'ENOTFOUND',
      errno: -3008,
      syscall: 'getaddrinfo',
      hostname: 'athena.eu-west-1.amazonaws.com',
      $metadata: { attempts: 3, totalRetryDelay: 89 },
    });
    athena.on(StartQueryExecutionCommand).rejects(offline);
    const run = runAthenaQuery(new AthenaClient({ region: 'eu-west-1' }), 'SELECT 1', TARGET, fakeTime());
    await expect(run).rejects.toThrow(AthenaError);
    await expect(run).rejects.toThrow(
      /^cannot reach Athena at athena\.eu-west-1\.amazonaws\.com \(getaddrinfo ENOTFOUND\): check the network and the region$/,
    );
    athena.reset();
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED', syscall: 'connect', address: '10.0.0.1', port: 443 });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena.on(GetQueryExecutionCommand).rejects(refused);
    await expect(runAthenaQuery(new AthenaClient({ region: 'eu-west-1' }), 'SELECT 1', TARGET, fakeTime())).rejects.toThrow(
      'cannot reach Athena at 10.0.0.1:443 (connect ECONNREFUSED): check the network and the region',
    );
  });

  it('stops the query on Athena when interrupted', async () => {
    const controller = new AbortController();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: QUERY_ID });
    athena.on(GetQueryExecutionCommand).callsFake(() => {
      controller.abort();
      return execution('RUNNING', 0);
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    await expect(runAthenaQuery(new AthenaClient({ region: 'us-east-1' }), 'SELECT 1', TARGET, { ...fakeTime(), signal: controller.signal })).rejects.toThrow(AthenaCancelled);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({ QueryExecutionId: QUERY_ID });
  });
});

describe('recordFromRow', () => {
  it('rebuilds a CloudTrail record that normalize reads like the original', () => {
    const values = row(7);
    const record = recordFromRow(Object.fromEntries(COLUMNS.map((c, k) => [c, values[k]!])));
    expect(record.requestParameters).toEqual({ bucketName: 'logs' });
    expect(record.readOnly).toBe(true);
    const normalized = normalize(record, new RecordBatch('athena:test'), 0);
    expect(normalized.actor).toBe('Deploy/ci');
    expect(normalized.accessKey).toBe('ASIAEXAMPLE');
    expect(normalized.id).toBe('id-7');
    expect(normalized.name).toBe('GetObject');
  });

  it("selects every column of AWS's table and reads the newer ones back with CloudTrail's keys (tlsDetails, addendum, edgeDeviceDetails ...)", () => {
    expect(SELECT_COLUMNS.map((c) => c.replace(/^json_format\(CAST\((\w+) AS JSON\)\) AS \1$/, '$1'))).toEqual(CLOUDTRAIL_TABLE.map((c) => c.name));
    expect(SELECT_COLUMNS).toContain('json_format(CAST(tlsdetails AS JSON)) AS tlsdetails');
    expect(SELECT_COLUMNS).toContain('edgedevicedetails');
    const record = recordFromRow({
      eventid: 'e-1',
      readonly: 'false',
      vpcendpointaccountid: '444455556666',
      sessioncredentialfromconsole: 'true',
      edgedevicedetails: '{"type":"outposts","deviceId":"op-1"}',
      addendum: '{"reason":"UPDATED_DATA","updatedfields":"requestParameters","originalrequestid":null,"originaleventid":"e-0"}',
      tlsdetails: '{"tlsversion":"TLSv1.3","ciphersuite":"TLS_AES_128_GCM_SHA256","clientprovidedhostheader":"athena.eu-west-1.amazonaws.com"}',
      useridentity:
        '{"type":"WebIdentityUser","principalid":"accounts.google.com:app:1","sessioncontext":{"webidfederationdata":{"federatedprovider":"accounts.google.com","attributes":{"accounts.google.com:aud":"app","type":"x"}}}}',
      resources: '[{"arn":"arn:aws:s3:::logs","accountid":null,"type":"AWS::S3::Bucket"},null]',
    });
    expect(record).toEqual({
      eventID: 'e-1',
      readOnly: false,
      vpcEndpointAccountId: '444455556666',
      sessionCredentialFromConsole: 'true',
      edgeDeviceDetails: { type: 'outposts', deviceId: 'op-1' },
      addendum: { reason: 'UPDATED_DATA', updatedFields: 'requestParameters', originalEventID: 'e-0' },
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'athena.eu-west-1.amazonaws.com' },
      userIdentity: {
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:app:1',
        // A map's keys are the record's own: kept as they are.
        sessionContext: { webIdFederationData: { federatedProvider: 'accounts.google.com', attributes: { 'accounts.google.com:aud': 'app', type: 'x' } } },
      },
      resources: [{ ARN: 'arn:aws:s3:::logs', type: 'AWS::S3::Bucket' }],
    });
  });
});
