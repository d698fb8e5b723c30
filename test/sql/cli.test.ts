import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOf, type TestArchive } from '../archive/helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');

function trailtop(args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
  return spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
}

describe('trailtop sql', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    const records = ['alice', 'bob', "o'brien"].flatMap((user, u) =>
      [0, 1, 2].map((k) => ({
        eventID: `${u}-${k}`,
        eventTime: `2024-03-0${k + 1}T10:00:00Z`,
        eventName: k === 0 ? 'DeleteBucket' : 'GetObject',
        eventSource: 's3.amazonaws.com',
        awsRegion: k === 2 ? 'eu-west-1' : 'us-east-1',
        errorCode: k === 1 ? 'AccessDenied' : undefined,
        userIdentity: { type: 'IAMUser', userName: user },
      })),
    );
    archive = await archiveOf(records);
  });
  afterAll(() => archive?.close());

  it('prints DuckDB SQL that runs on the archive and selects what the query means', async () => {
    const run = trailtop(['sql', '--dialect', 'duckdb', "user:o'brien -error:* source:s3"]);
    expect(run.status).toBe(0);
    const sql = run.stdout.trim().replace(/;$/, '');
    const rows = (await archive.archive.connection.runAndReadAll(sql)).getRowObjects();
    expect(rows.map((r) => r.eventid)).toEqual(['2-2', '2-0']);
  });

  it('reads --table in the subquery a text-column path term makes too (archive schema 8), never events', async () => {
    const connection = archive.archive.connection;
    await connection.run('CREATE SCHEMA IF NOT EXISTS copied');
    await connection.run(`CREATE OR REPLACE TABLE copied.ev AS SELECT * FROM events WHERE eventid <> '0-0'`);
    const run = trailtop(['sql', '--dialect', 'duckdb', '--table', 'copied.ev', 'userIdentity.userName:alice']);
    expect(run.status).toBe(0);
    const sql = run.stdout.trim().replace(/;$/, '');
    expect(sql).toContain('tt_seq IN (SELECT tt_seq FROM "copied"."ev" WHERE');
    expect(sql).not.toMatch(/\bevents\b/);
    const rows = (await connection.runAndReadAll(sql)).getRowObjects();
    expect(rows.map((r) => r.eventid)).toEqual(['0-2', '0-1']);
  });

  it('prints the Athena statement with partition predicates from region: and time terms', () => {
    const run = trailtop(['sql', '--dialect', 'athena', '--table', 'trails.cloudtrail_logs', 'region:eu-west-1 from:2024-03-02 to:2024-03-03 name:Delete*']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('FROM "trails"."cloudtrail_logs"');
    expect(run.stdout).toContain(`WHERE region IN ('eu-west-1')\n  AND "timestamp" >= '2024/03/02'\n  AND "timestamp" <= '2024/03/04'`);
    expect(run.stdout).toContain("try(from_iso8601_timestamp(eventtime)) >= from_iso8601_timestamp('2024-03-02T00:00:00.000Z')");
    const single = trailtop(['sql', '--dialect', 'athena', '--partitions', 'timestamp', 'region:eu-west-1']);
    expect(single.stdout).not.toContain('region IN');
  });

  it('orders the archive statement as the dashboard does (time, then arrival), not by eventid', async () => {
    const run = trailtop(['sql', '--dialect', 'duckdb', 'user:alice']);
    expect(run.stdout).toContain('ORDER BY tt_time DESC NULLS LAST, tt_seq ASC');
    const rows = (await archive.archive.connection.runAndReadAll(run.stdout.trim().replace(/;$/, ''))).getRowObjects();
    expect(rows.map((r) => r.eventid)).toEqual(['0-2', '0-1', '0-0']);
  });

  it('writes no time bound, partition or timestamp, past what a four-digit year holds', () => {
    const late = trailtop(['sql', '--dialect', 'athena', 'from:2024-03-02 to:9999-12-31']);
    expect(late.status).toBe(0);
    expect(late.stdout).toContain(`"timestamp" >= '2024/03/02'`);
    expect(late.stdout).not.toMatch(/\+0?10000|"timestamp" <=/);
    expect(late.stdout).toContain("from_iso8601_timestamp('9999-12-31T23:59:59.999Z')");
    const early = trailtop(['sql', '--dialect', 'athena', 'since:99999999d']);
    expect(early.status).toBe(0);
    expect(early.stdout).not.toMatch(/"timestamp"|from_iso8601_timestamp\('-/);
    expect(early.stdout).toContain('try(from_iso8601_timestamp(eventtime)) IS NOT NULL');
  });

  it('refuses an Athena statement longer than Athena takes, saying why', () => {
    const words = Array.from({ length: 45 }, (_, k) => `word${k}`).join(' ');
    const run = trailtop(['sql', '--dialect', 'athena', words]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/the SQL is [\d,]+ bytes, over the 262,144 Athena takes/);
    expect(trailtop(['sql', '--dialect', 'athena', words.split(' ').slice(0, 10).join(' ')]).status).toBe(0);
  });

  it("says when a dotted path may miss values in a list on AWS's table, and only then", () => {
    const nested = trailtop(['sql', '--dialect', 'athena', 'requestParameters.ipPermissions.items.ipRanges.items.cidrIp:0.0.0.0/0']);
    expect(nested.status).toBe(0);
    expect(nested.stderr).toContain('does not look inside a list on its way (requestParameters.ipPermissions.items.ipRanges.items.cidrIp)');
    expect(trailtop(['sql', '--dialect', 'athena', 'requestParameters.bucketName:x']).stderr).toBe('');
    expect(trailtop(['sql', '--dialect', 'duckdb', 'requestParameters.a.b:x']).stderr).toBe('');
    expect(trailtop(['sql', '--dialect', 'duckdb', '--schema', 'cloudtrail', 'requestParameters.a.b:x']).stderr).toContain('does not look inside a list');
  });

  it("writes DuckDB SQL for AWS's newer columns with no note: a trailtop archive has them (schema 9)", () => {
    const tls = trailtop(['sql', '--dialect', 'duckdb', '--schema', 'cloudtrail', 'tlsDetails.tlsVersion:TLSv1.2 addendum:* sessionCredentialFromConsole:true']);
    expect(tls.status).toBe(0);
    expect(tls.stdout).toContain("lower(tlsdetails.tlsversion) = 'tlsv1.2'");
    // Was: "note: a trailtop archive has no column for tlsDetails.tlsVersion, addendum (AWS's table does) ...".
    expect(tls.stderr).toBe('');
    expect(trailtop(['sql', '--dialect', 'athena', 'tlsDetails.tlsVersion:TLSv1.2']).stderr).toBe('');
    expect(trailtop(['sql', '--dialect', 'duckdb', 'tlsDetails.tlsVersion:TLSv1.2']).stderr).toBe('');
    expect(trailtop(['sql', '--dialect', 'duckdb', '--schema', 'cloudtrail', 'userIdentity.sessionContext.sessionIssuer.userName:x']).stderr).toBe('');
  });

  it('refuses what it cannot write, with exit 2', () => {
    expect(trailtop(['sql', 'name:x']).status).toBe(2);
    // Was "sql needs --dialect athena or --dialect duckdb", as if none had been given.
    const mysql = trailtop(['sql', '--dialect', 'mysql', 'name:x']);
    expect(mysql.status).toBe(2);
    expect(mysql.stdout).toBe('');
    expect(mysql.stderr).toBe("trailtop: 'mysql' is not a known --dialect (known: athena, duckdb)\n");
    // Was FROM "" with exit 0.
    const noTable = trailtop(['sql', '--dialect', 'duckdb', '--table', '', 'name:x']);
    expect(noTable.status).toBe(2);
    expect(noTable.stderr).toContain('--table needs a table name');
    const bad = trailtop(['sql', '--dialect', 'athena', 'noSuchColumn.x:1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('cannot write this query as SQL: noSuchColumn is not a column of the Athena CloudTrail table');
  });

  it("--ddl prints the Athena CREATE TABLE with the table, location, regions and start day given", () => {
    const run = trailtop(['sql', '--ddl', '--table', 'trails.ct', '--location', 's3://my-trail/AWSLogs/444455556666/CloudTrail/', '--regions', 'eu-west-1, us-east-1', '--start', '2025/01/31']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^CREATE EXTERNAL TABLE trails\.ct \(\n/);
    expect(run.stdout).toContain("'projection.region.values'='eu-west-1,us-east-1'");
    expect(run.stdout).toContain("'projection.timestamp.range'='2025/01/31,NOW'");
    expect(run.stdout).toContain("'storage.location.template'='s3://my-trail/AWSLogs/444455556666/CloudTrail/${region}/${timestamp}'");
    expect(run.stdout.endsWith(');\n')).toBe(true);
    const single = trailtop(['sql', '--ddl', '--partitions', 'timestamp', '--location', 's3://b/AWSLogs/1/CloudTrail/eu-west-1']);
    expect(single.stdout).toContain('PARTITIONED BY (`timestamp` STRING)');
    expect(single.stdout).toContain("'storage.location.template'='s3://b/AWSLogs/1/CloudTrail/eu-west-1/${timestamp}'");
  });

  // AWS's single-region table sits on one region's folder; the CloudTrail/ prefix printed without --location
  // projected CloudTrail/2024/01/01/, a folder CloudTrail never writes: a table that reads nothing.
  it('--ddl --partitions timestamp without --location puts the placeholder on one region folder, as AWS writes it', () => {
    const single = trailtop(['sql', '--ddl', '--partitions', 'timestamp']);
    expect(single.status).toBe(0);
    expect(single.stdout).toContain("LOCATION 's3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/'");
    expect(single.stdout).toContain("'storage.location.template'='s3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/${timestamp}'");
    const both = trailtop(['sql', '--ddl']);
    expect(both.stdout).toContain("'storage.location.template'='s3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/${region}/${timestamp}'");
    const help = trailtop(['sql', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("with --partitions timestamp, one region's folder (default: that prefix and us-east-1/)");
  });

  it('--ddl refuses a query, another dialect, and values that would bend the statement; its options need --ddl', () => {
    const cases: [string[], string][] = [
      [['sql', '--ddl', 'name:x'], 'trailtop: --ddl prints the table, not a query: drop the QUERY'],
      [['sql', '--ddl', '--dialect', 'duckdb'], 'trailtop: --ddl prints Athena DDL: drop --dialect or use --dialect athena'],
      [['sql', '--ddl', '--location', "s3://b/x'y"], 'trailtop: the location cannot hold quotes, backslashes or control characters'],
      [['sql', '--ddl', '--table', 'a-b'], "trailtop: 'a-b' is not a table name Athena takes: letters, digits and underscores, optionally database.table"],
      [['sql', '--ddl', '--start', 'yesterday'], "trailtop: 'yesterday' is not a start day (yyyy/MM/dd)"],
      [['sql', '--dialect', 'athena', '--location', 's3://b/', 'name:x'], 'trailtop: --location goes with --ddl (it describes the table, not a query)'],
    ];
    for (const [args, message] of cases) {
      const run = trailtop(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.split('\n')[0]).toBe(message);
    }
  });

  // `sql --dialect athena --table 'x y'` printed FROM "x y" (exit 0) for Athena to fail on, where `sql --ddl` refused the
  // same name: the table a query reads is the one the DDL makes, so both refuse it with the same line, as `athena` does.
  it.each(['x y', 'a-b', 'x"; DROP TABLE t; --', 'cat.db.t', 'db.'])('--table %j is refused alike by --ddl, --dialect athena and athena (exit 2)', (table) => {
    const said = `trailtop: '${table}' is not a table name Athena takes: letters, digits and underscores, optionally database.table`;
    for (const args of [
      ['sql', '--ddl', '--table', table],
      ['sql', '--dialect', 'athena', '--table', table, 'name:x'],
      ['athena', '--database', 'd', '--table', table, '--workgroup', 'w', '--print-sql', 'name:x'],
    ]) {
      const run = trailtop(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`${said}\n`);
    }
  });

  it('--table db.t, _t and MyTable are taken by --ddl and --dialect athena alike; duckdb quotes any name, a quote doubled', () => {
    for (const [table, from] of [['db.t', '"db"."t"'], ['_t', '"_t"'], ['MyTable', '"MyTable"']]) {
      expect(trailtop(['sql', '--ddl', '--table', table!]).status).toBe(0);
      const run = trailtop(['sql', '--dialect', 'athena', '--table', table!, 'name:x']);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain(`\nFROM ${from}\n`);
    }
    // DuckDB takes any name in double quotes: the quote inside is doubled, so the name stays one identifier.
    const duck = trailtop(['sql', '--dialect', 'duckdb', '--table', 'x"; DROP TABLE t; --', 'name:x']);
    expect(duck.status, duck.stderr).toBe(0);
    expect(duck.stdout).toContain('\nFROM "x""; DROP TABLE t; --"\n');
  });

  // Was DuckDB's "Cannot open database ... in read-only mode" with exit 1, where scan --db says what to do.
  it('--db with no archive there is a one-line usage error (exit 2) naming how to create it', () => {
    const missing = trailtop(['sql', '--dialect', 'duckdb', '--db', join(ROOT, 'no-such-archive.duckdb'), 'name:x']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no archive at');
    expect(missing.stderr).toContain("create one with 'trailtop archive DIR --db FILE'");
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
  it("needs a QUERY (a forgotten one is not 'every event', on Athena every day of the trail); '' asks for every event", () => {
    for (const args of [['sql', '--dialect', 'duckdb'], ['athena', '--database', 'd', '--table', 't', '--workgroup', 'w']]) {
      const run = trailtop(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`${args[0]} needs a QUERY, quoted as one argument ('' for every event)`);
      expect(run.stdout).toBe('');
    }
    const all = trailtop(['sql', '--dialect', 'duckdb', '']);
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('WHERE true');
  });
  it('--partitions with --dialect duckdb is refused, not dropped unsaid (DuckDB has no partition predicates)', () => {
    for (const partitions of ['region', '']) {
      const run = trailtop(['sql', '--dialect', 'duckdb', '--partitions', partitions, 'name:x']);
      expect(run.status, partitions).toBe(2);
      expect(run.stderr).toContain("--partitions names the Athena table's partition columns: drop it with --dialect duckdb");
      expect(run.stdout).toBe('');
    }
  });
  it('--ddl --regions without a region partition is refused, not dropped unsaid', () => {
    for (const partitions of ['timestamp', '']) {
      const run = trailtop(['sql', '--ddl', '--partitions', partitions, '--regions', 'eu-west-1']);
      expect(run.status, partitions).toBe(2);
      expect(run.stderr).toContain('the table has no region partition (add region to --partitions)');
    }
    const withRegion = trailtop(['sql', '--ddl', '--partitions', 'region', '--regions', 'eu-west-1']);
    expect(withRegion.status).toBe(0);
    expect(withRegion.stdout).toContain("'projection.region.values'='eu-west-1'");
  });
});

// A pivot writes a value's ESC as \u{1b} (the query bar stays printable); pasted into `trailtop sql`,
// the SQL printed it raw: `lower(tt_name) = 'a<ESC>[2jb'` cleared the screen of whoever ran it.
describe('trailtop sql prints no control character a query value holds', () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf([
      { eventID: 'esc', eventTime: '2024-03-01T10:00:00Z', eventName: 'Get\u001b[2J\u202eObject', eventSource: 's3.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'alice' } },
      { eventID: 'plain', eventTime: '2024-03-01T10:00:00Z', eventName: 'Get[2JObject', eventSource: 's3.amazonaws.com', userIdentity: { type: 'IAMUser', userName: 'alice' } },
    ]);
  });
  afterAll(() => archive?.close());

  it('joins them in as chr(N), and the SQL still selects the exact value', async () => {
    for (const query of ['name:"Get\\u{1b}[2J\\u{202e}Object"', 'name:"get\\u{1b}"*']) {
      const run = trailtop(['sql', '--dialect', 'duckdb', query]);
      expect(run.status, query).toBe(0);
      expect(run.stdout, query).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(run.stdout, query).toContain('chr(27)');
      const rows = (await archive.archive.connection.runAndReadAll(run.stdout.trim().replace(/;$/, ''))).getRowObjects();
      expect(rows.map((r) => r.eventid), query).toEqual(['esc']);
    }
    const athena = trailtop(['sql', '--dialect', 'athena', 'name:"Get\\u{1b}[2J"']);
    expect(athena.status).toBe(0);
    expect(athena.stdout).not.toContain('\u001b');
  });

  it('refuses a --table holding one (exit 2), on sql and athena, printing no SQL', () => {
    for (const args of [
      ['sql', '--dialect', 'duckdb', '--table', 'ev\u001b[2Jents', 'name:x'],
      ['sql', '--dialect', 'athena', '--table', 'cloudtrail\u202elogs', 'name:x'],
      ['athena', '--database', 'd', '--table', 't\u001b]0;x\u0007', '--workgroup', 'w', '--print-sql', 'name:x'],
    ]) {
      const run = trailtop(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^trailtop: --table .*: a table name cannot hold control, bidi or invisible characters\n/);
      expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e]/);
    }
  });
});
