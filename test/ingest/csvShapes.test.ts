/** The CSV shapes of cloudtrail.md 3: CloudTrail Lake saved results, Athena result CSVs, the console's "Download CSV". */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clearRecordCache, readEventFile, readRecord } from '../../src/ingest/read.js';
import { parseCsv } from '../../src/ingest/csv/parse.js';
import { parseStructText } from '../../src/ingest/csv/athenaStruct.js';
import { USER_IDENTITY } from '../../src/query/sql/cloudtrailTable.js';
import { isLossy, recordRef } from '../../src/model/recordBatch.js';
import { packRows, unpackRows } from '../../src/ingest/rowCodec.js';
import { loadFolder } from '../../src/ingest/scanFolder.js';
import { EventStore } from '../../src/store/eventStore.js';
import { compileFilter } from '../../src/commands/args.js';
import { Vocabulary } from '../../src/query/index.js';
import { csvCells } from '../../src/export/csv.js';
import { event, tempDir, write } from './helpers.js';

const CONSOLE_HEADER = 'Event name,Event time,User name,Event source,Resource type,Resource name,AWS access key,AWS region,Error code,Event ID,Read-only,Source IP address';

const consoleCsv = [
  CONSOLE_HEADER,
  'ConsoleLogin,2024-03-05T14:21:00Z,alice,signin.amazonaws.com,,,,us-east-1,Failed authentication,11111111-1111-4111-8111-111111111111,false,198.51.100.7',
  'ConsoleLogin,2024-03-05T14:22:00Z,bob,signin.amazonaws.com,,,,us-east-1,,22222222-2222-4222-8222-222222222222,false,198.51.100.8',
  'PutObject,2024-03-05T14:23:00Z,carol,s3.amazonaws.com,AWS::S3::Bucket,"my,bucket",AKIAEXAMPLE,eu-west-1,AccessDenied,33333333-3333-4333-8333-333333333333,false,203.0.113.9',
].join('\r\n');

const ATHENA_IDENTITY =
  '{type=IAMUser, principalid=AIDAEXAMPLE, arn=arn:aws:iam::111122223333:user/alice, accountid=111122223333, invokedby=null, accesskeyid=AKIAEXAMPLE, username=alice, onbehalfof=null, sessioncontext={attributes={mfaauthenticated=false, creationdate=2024-03-05T14:00:00Z}, sessionissuer=null, ec2roledelivery=null, webidfederationdata=null}}';

function athenaCsv(identity = ATHENA_IDENTITY): string {
  const header = ['eventversion', 'useridentity', 'eventtime', 'eventsource', 'eventname', 'awsregion', 'sourceipaddress', 'errorcode', 'requestparameters', 'eventid', 'readonly', 'resources'];
  const row = [
    '1.08',
    identity,
    '2024-03-05T14:21:00Z',
    'iam.amazonaws.com',
    'CreateUser',
    'us-east-1',
    '192.0.2.1',
    '',
    '{"userName":"mallory"}',
    'aaaaaaaa-1111-4111-8111-111111111111',
    'false',
    '[{arn=arn:aws:iam::111122223333:user/mallory, accountid=111122223333, type=AWS::IAM::User}]',
  ];
  const quote = (cell: string) => `"${cell.replace(/"/g, '""')}"`;
  return `${header.map(quote).join(',')}\n${row.map(quote).join(',')}\n`;
}

describe('console "Download CSV"', () => {
  it('reads each row as a lossy event, headers in any case and order, with a BOM, CRLF and quoted commas', async () => {
    const dir = tempDir();
    const [head, ...rows] = consoleCsv.split('\r\n');
    // Columns reversed and case changed: matching is by name, not position.
    const flip = (line: string) => parseCsv(line, 1000).records[0]!.fields.reverse().map((c) => `"${c}"`).join(',');
    const text = `\ufeff${flip(head!.toUpperCase())}\r\n${rows.map(flip).join('\r\n')}\r\n`;
    const read = await readEventFile(write(dir, 'event_history.csv', text));
    expect(read.shape).toBe('console-csv');
    expect(read.reason).toBe('');
    expect(read.rows).toHaveLength(3);
    const [login, , put] = read.rows;
    expect(login!.name).toBe('ConsoleLogin');
    expect(login!.time).toBe(Date.UTC(2024, 2, 5, 14, 21));
    expect(login!.actor).toBe('alice');
    expect(login!.errorCode).toBe('Failed authentication');
    expect(login!.readOnly).toBe(false);
    expect(login!.sourceIp).toBe('198.51.100.7');
    expect(login!.region).toBe('us-east-1');
    expect(login!.id).toBe('11111111-1111-4111-8111-111111111111');
    expect(put!.resources).toEqual([{ type: 'AWS::S3::Bucket', name: 'my,bucket', arn: '', accountId: '' }]);
    expect(put!.accessKey).toBe('AKIAEXAMPLE');
    expect(read.rows.every(isLossy)).toBe(true);
    const record = await readRecord(recordRef(put!));
    expect(record).toMatchObject({ eventName: 'PutObject', eventTime: '2024-03-05T14:23:00Z', userIdentity: { userName: 'carol', accessKeyId: 'AKIAEXAMPLE' }, readOnly: false });
  });

  it('keeps unknown columns aside, out of the record fields normalize reads', async () => {
    const dir = tempDir();
    const text = 'Event name,Event time,Risk score,__proto__,awsRegion\nDeleteTrail,2024-03-05T14:21:00Z,high,x,us-east-1\n';
    const read = await readEventFile(write(dir, 'x.csv', text));
    expect(read.shape).toBe('console-csv');
    expect(read.rows[0]!.name).toBe('DeleteTrail');
    // awsRegion is the console's "AWS region" without its space: matched, not kept aside.
    expect(read.rows[0]!.region).toBe('us-east-1');
    clearRecordCache();
    const record = await readRecord(recordRef(read.rows[0]!));
    expect({ ...(record?.csvColumns as object) }).toEqual({ 'Risk score': 'high', ['__proto__']: 'x' });
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('Athena result CSV', () => {
  it('reads the struct text of useridentity and resources, and JSON columns', async () => {
    const dir = tempDir();
    const read = await readEventFile(write(dir, 'athena.csv.gz', gzipSync(athenaCsv())));
    expect(read.shape).toBe('athena-csv');
    const row = read.rows[0]!;
    expect(row.actor).toBe('alice');
    expect(row.principalArn).toBe('arn:aws:iam::111122223333:user/alice');
    expect(row.identityType).toBe('IAMUser');
    expect(row.accessKey).toBe('AKIAEXAMPLE');
    expect(row.resources.map((r) => r.arn)).toContain('arn:aws:iam::111122223333:user/mallory');
    expect(isLossy(row)).toBe(true);
    const record = await readRecord(recordRef(row));
    expect(record).toMatchObject({ requestParameters: { userName: 'mallory' }, userIdentity: { sessionContext: { attributes: { mfaAuthenticated: 'false' } } } });
  });

  it('reads the nested session issuer of an assumed role, and several resources', async () => {
    const role =
      '{type=AssumedRole, principalid=AROAEXAMPLE:bob, arn=arn:aws:sts::111122223333:assumed-role/Admin/bob, accountid=111122223333, invokedby=null, accesskeyid=ASIAEXAMPLE, username=null, onbehalfof=null, sessioncontext={attributes={mfaauthenticated=true, creationdate=2024-03-05T14:00:00Z}, sessionissuer={type=Role, principalid=AROAEXAMPLE, arn=arn:aws:iam::111122223333:role/Admin, accountid=111122223333, username=Admin}, ec2roledelivery=null, webidfederationdata={federatedprovider=null, attributes={a=b, c=d}}}}';
    const identity = parseStructText(role, USER_IDENTITY.type) as Record<string, unknown>;
    expect(identity).toMatchObject({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/bob', username: null, sessioncontext: { sessionissuer: { arn: 'arn:aws:iam::111122223333:role/Admin', username: 'Admin' } } });
    // A map's keys are the record's own text: left out, the rest stands.
    expect((identity.sessioncontext as Record<string, unknown>).webidfederationdata).toEqual({ federatedprovider: null });
    const dir = tempDir();
    const text = athenaCsv(role).replace(
      '[{arn=arn:aws:iam::111122223333:user/mallory, accountid=111122223333, type=AWS::IAM::User}]',
      '[{arn=arn:aws:s3:::b1, accountid=null, type=AWS::S3::Bucket}, {arn=arn:aws:s3:::b2/k, accountid=null, type=AWS::S3::Object}]',
    );
    const row = (await readEventFile(write(dir, 'role.csv', text))).rows[0]!;
    expect(row.actor).toBe('Admin/bob');
    expect(row.resources.map((r) => r.arn)).toEqual(expect.arrayContaining(['arn:aws:s3:::b1', 'arn:aws:s3:::b2/k']));
  });

  it('leaves out a struct whose value holds ", name=" rather than split it wrongly', async () => {
    const hostile = ATHENA_IDENTITY.replace('username=alice', 'username=eve, arn=arn:aws:iam::111122223333:user/admin');
    expect(parseStructText(hostile, USER_IDENTITY.type)).toBeNull();
    const dir = tempDir();
    const read = await readEventFile(write(dir, 'athena.csv', athenaCsv(hostile)));
    expect(read.shape).toBe('athena-csv');
    expect(read.rows[0]!.principalArn).toBe('');
    expect(read.rows[0]!.actor).toBe('');
    expect(read.rows[0]!.name).toBe('CreateUser');
  });
});

describe('CloudTrail Lake saved results', () => {
  const lakeDir = 'AWSLogs/111122223333/CloudTrail-Lake/Query/2024/03/05/q-1';

  it('reads eventjson as the exact record, and other columns as a lossy one with the Lake time', async () => {
    const dir = tempDir();
    const full = JSON.stringify(event('lake-1', { eventName: 'StopLogging' }));
    const withJson = `eventTime,eventName,eventjson\n2024-03-05 14:21:00.000,StopLogging,"${full.replace(/"/g, '""')}"\n`;
    const exact = await readEventFile(write(dir, `${lakeDir}/result_1.csv.gz`, gzipSync(withJson)));
    expect(exact.shape).toBe('lake-csv');
    expect(exact.rows[0]!.id).toBe('lake-1');
    expect(exact.rows[0]!.actor).toBe('alice');
    expect(isLossy(exact.rows[0]!)).toBe(false);
    const columns = await readEventFile(write(dir, `${lakeDir}/result_2.csv`, 'eventTime,eventName,eventSource\n2024-03-05 14:21:00.000,StopLogging,cloudtrail.amazonaws.com\n'));
    expect(columns.shape).toBe('lake-csv');
    expect(columns.rows[0]!.time).toBe(Date.UTC(2024, 2, 5, 14, 21));
    expect(isLossy(columns.rows[0]!)).toBe(true);
    const sign = await readEventFile(write(dir, `${lakeDir}/result_sign.json`, '{"hashSignature":"ab","queryCompleteTime":"2024-03-05 14:22:00.000","files":[]}'));
    expect(sign.shape).toBe('digest');
    // By content too, wherever it lies.
    expect((await readEventFile(write(dir, 'elsewhere/sign.json', '{"hashSignature":"ab","publicKeyFingerprint":"cd"}'))).shape).toBe('digest');
  });
});

describe('bad and other CSV', () => {
  it('skips a CSV without CloudTrail columns as not-cloudtrail, with a reason', async () => {
    const dir = tempDir();
    const read = await readEventFile(write(dir, 'sales.csv', 'region,amount\nnorth,3\n'));
    expect(read.shape).toBe('not-cloudtrail');
    expect(read.reason).toMatch(/CSV file whose header names no CloudTrail columns/);
  });

  it('reports ragged rows and unreadable times per row, an unterminated quote per file', async () => {
    const dir = tempDir();
    const text = 'eventtime,eventname,eventsource\n2024-03-05T14:21:00Z,A,s\n2024-03-05T14:21:00Z,B\nyesterday,C,s\n2024-03-05T14:21:00Z,"D,s\n';
    const read = await readEventFile(write(dir, 'r.csv', text));
    expect(read.shape).toBe('athena-csv');
    expect(read.rows.map((r) => r.name)).toEqual(['A', 'C']);
    expect(read.skippedRecords).toBe(1);
    expect(read.reason).toMatch(/line 5: a quoted field is never closed/);
    expect(read.reason).toMatch(/1 row was skipped for a wrong number of cells \(first at line 3: 2 cells, the header has 3\)/);
    expect(read.reason).toMatch(/1 row has an event time that is not a readable time \(first at line 4\)/);
    const broken = await readEventFile(write(dir, 'b.csv', 'eventtime,eventname\n"2024\n'));
    expect(broken.shape).toBe('bad');
    expect(broken.reason).toMatch(/^invalid CSV: line 2/);
  });

  it('reports a CSV over the whole-read size as bad, not half read or skipped', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 200 }, (_, k) => `2024-03-05T14:21:00Z,Name${k},s`).join('\n');
    const read = await readEventFile(write(dir, 'big.csv', `eventtime,eventname,eventsource\n${rows}\n`), { streamThreshold: 1024 });
    expect(read.shape).toBe('bad');
    expect(read.reason).toMatch(/a CloudTrail CSV export of \d+ bytes, over the 1024 bytes a CSV is read whole/);
    // Gzipped, small on disk but past the threshold once inflated: the same, never an empty file.
    const gz = await readEventFile(write(dir, 'big.csv.gz', gzipSync(`eventtime,eventname,eventsource\n${rows}\n`)), { streamThreshold: 1024 });
    expect(gz.shape).toBe('bad');
    expect(gz.reason).toMatch(/a CloudTrail CSV export of \d+ bytes \(gzip\), over the 1024 bytes a CSV is read whole/);
    // Larger than the threshold on disk too.
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, k) => (k * 7919) % 251));
    const big = await readEventFile(write(dir, 'big2.csv.gz', Buffer.concat([gzipSync(`eventtime,eventname,eventsource\n${rows}\n`), gzipSync(noise)])), { streamThreshold: 1024 });
    expect(big.shape).toBe('bad');
  });

  it('reads a big CSV whose cells hold deep brackets, and keeps a too-deep JSON cell as text', async () => {
    const dir = tempDir();
    const deep = '['.repeat(3000);
    const filler = Array.from({ length: 120_000 }, (_, k) => `2024-03-05T14:21:00Z,Name${k},s,{}`).join('\n');
    const text = `eventtime,eventname,eventsource,requestparameters\n2024-03-05T14:21:00Z,Deep,s,${deep}\n${filler}\n`;
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    const read = await readEventFile(write(dir, 'deep.csv', text));
    expect(read.shape).toBe('athena-csv');
    expect(read.rows).toHaveLength(120_001);
    const record = await readRecord(recordRef(read.rows[0]!));
    expect(record?.requestParameters).toBe(deep);
  });

  it('parses RFC 4180 quoting: commas, doubled quotes and line breaks inside quotes', () => {
    const parsed = parseCsv('a,"b,c","say ""hi""","two\r\nlines"\r\nx,,"",z', 100);
    expect(parsed.error).toBe('');
    expect(parsed.records.map((r) => r.fields)).toEqual([
      ['a', 'b,c', 'say "hi"', 'two\r\nlines'],
      ['x', '', '', 'z'],
    ]);
    expect(parsed.records[1]!.line).toBe(3);
    expect(parseCsv('"a"b', 100).error).toMatch(/text after a closing quote/);
    expect(parseCsv(`"${'x'.repeat(200)}"`, 100).error).toMatch(/longer than 100/);
  });
});

describe('CSV events in the rest of trailtop', () => {
  it('keep the lossy mark through the worker row codec', async () => {
    const dir = tempDir();
    const read = await readEventFile(write(dir, 'e.csv', consoleCsv));
    const rows = unpackRows(packRows(read.rows), (s) => s);
    expect(rows.map(isLossy)).toEqual([true, true, true]);
  });

  it('load from a folder and answer a query such as name:ConsoleLogin error:*', async () => {
    const dir = tempDir();
    write(dir, 'console.csv', consoleCsv);
    write(dir, 'athena.csv', athenaCsv());
    write(dir, 'notes.csv', 'a,b\n1,2\n');
    const store = new EventStore();
    await loadFolder(dir, store);
    expect(store.rows()).toHaveLength(4);
    const progress = store.progress;
    expect(progress.shapes).toMatchObject({ 'console-csv': 1, 'athena-csv': 1 });
    const query = compileFilter('name:ConsoleLogin error:*', new Vocabulary())!;
    expect(store.rows().filter((row) => query.test(row)).map((row) => row.actor)).toEqual(['alice']);
  });

  it('neutralise a formula-looking cell and terminal escapes when exported again as CSV', async () => {
    const dir = tempDir();
    const text = `${CONSOLE_HEADER}\n"=cmd|' /C calc'!A0",2024-03-05T14:21:00Z,"\u001b]2;pwned\u0007eve",s3.amazonaws.com,,,,us-east-1,,44444444-4444-4444-8444-444444444444,true,192.0.2.1\n`;
    const read = await readEventFile(write(dir, 'h.csv', text));
    const cells = csvCells(read.rows[0]!, false);
    expect(cells.some((cell) => cell.startsWith('='))).toBe(false);
    expect(cells.some((cell) => cell.includes('cmd|'))).toBe(true);
    expect(cells.join('')).not.toMatch(/\u001b/);
  });
});
