/**
 * AWS's Athena CloudTrail table, described once (src/query/sql/cloudtrailTable.ts): the DDL
 * `sql --ddl` prints is the README's, every column and field it declares is one the compiler
 * reads, every column the compiler writes is one it declares, and the terms on the newer
 * columns (tlsdetails, addendum, ...) answer on a DuckDB table laid out by it as the archive
 * (the in-memory answer, test/archive/differential.test.ts) does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryNode } from '../../src/query/ast.js';
import { FIELDS, RECORD_KEYS } from '../../src/query/fields.js';
import { parseQuery } from '../../src/query/parse.js';
import { CLOUDTRAIL_TABLE, cloudtrailDdl, DDL_DEFAULTS, DdlError, type TableField, type TableType } from '../../src/query/sql/cloudtrailTable.js';
import { compileWhere, SqlCompileError } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { tableRecord } from '../support/tableRecords.js';
import { duckdbType } from '../../src/archive/laterColumns.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Record keys CloudTrail writes that AWS's table has no column for (cloudtrail.md §1.1): refused on Athena. */
const NOT_IN_TABLE = ['managementEvent', 'eventContext', 'insightDetails'];

/** Every path the table declares, as [record path, type]: columns, struct fields at any depth. */
function declaredPaths(fields: readonly TableField[] = CLOUDTRAIL_TABLE, prefix: string[] = []): [string[], TableType][] {
  return fields.flatMap((field): [string[], TableType][] => {
    const path = [...prefix, field.key];
    const inner = field.type.kind === 'struct' ? declaredPaths(field.type.fields, path) : field.type.kind === 'array' ? declaredPaths(field.type.of.fields, path) : [];
    return [[path, field.type], ...inner];
  });
}

const term = (path: readonly string[], value: string | null): QueryNode => {
  const segments = (value ?? '').toLowerCase().split('*');
  return {
    kind: 'field',
    ref: { kind: 'path', path },
    match: value === null ? { kind: 'exists' } : { kind: 'glob', pattern: { segments, glob: segments.length > 1 } },
  };
};

function parse(text: string): QueryNode {
  const parsed = parseQuery(text, { now: Date.UTC(2024, 2, 5), deepTerms: true });
  if (!parsed.ok) throw new Error(`${text}: ${parsed.error.message}`);
  return parsed.ast;
}

/** The README's DDL: the ```sql block of "Bigger than memory". */
function readmeDdl(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.startsWith('CREATE EXTERNAL TABLE'));
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

describe('the DDL', () => {
  it('is the README block, word for word (sql --ddl prints it)', () => {
    expect(readmeDdl()).toBe(`${cloudtrailDdl(DDL_DEFAULTS)}\n`);
    if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does)');
    const run = spawnSync(process.execPath, [join(ROOT, 'bin/trailtop.js'), 'sql', '--ddl'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(readmeDdl());
  });

  it("declares AWS's documented columns and fields (the review's: clientprovidedhostheader, vpcendpointaccountid, addendum, ...)", () => {
    const ddl = cloudtrailDdl(DDL_DEFAULTS);
    expect(ddl).toContain('tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>');
    expect(ddl).not.toContain('clienthostheader');
    expect(ddl).toMatch(/ {4}vpcendpointaccountid STRING,\n/);
    expect(ddl).toContain('addendum STRUCT<\n        reason: STRING,\n        updatedfields: STRING,\n        originalrequestid: STRING,\n        originaleventid: STRING>,');
    expect(ddl).toMatch(/ {4}sessioncredentialfromconsole STRING,\n {4}edgedevicedetails STRING,\n/);
    expect(ddl).toContain('webidfederationdata: STRUCT<\n                federatedprovider: STRING,\n                attributes: MAP<STRING,STRING>>>>,');
    // AWS's column order, then trailtop's region partition before AWS's timestamp one.
    const columns = [...ddl.matchAll(/^ {4}([a-z0-9]+) /gm)].map((m) => m[1]);
    expect(columns).toEqual(CLOUDTRAIL_TABLE.map((c) => c.name));
    expect(columns.slice(-6)).toEqual(['vpcendpointaccountid', 'eventcategory', 'addendum', 'sessioncredentialfromconsole', 'edgedevicedetails', 'tlsdetails']);
    expect(ddl).toContain('PARTITIONED BY (region STRING, `timestamp` STRING)');
  });

  it('is valid Hive DDL: lowercase names, balanced STRUCT<...>, the SerDe and formats', () => {
    const ddl = cloudtrailDdl(DDL_DEFAULTS);
    const body = ddl.slice(0, ddl.indexOf('\n)'));
    for (const [, name] of body.matchAll(/([A-Za-z0-9_]+):/g)) expect(name).toBe(name!.toLowerCase());
    expect((body.match(/</g) ?? []).length).toBe((body.match(/>/g) ?? []).length);
    expect(ddl).toContain("ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\nSTORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\nOUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'");
    expect(ddl.endsWith(');')).toBe(true);
  });

  it("takes the table, location, regions and start day, and AWS's single-region layout", () => {
    const ddl = cloudtrailDdl({ table: 'Trails.ct', location: 's3://my-trail/AWSLogs/o-abc/444455556666/CloudTrail', partitions: ['region', 'timestamp'], regions: ['eu-west-1'], start: '2025/02/28' });
    expect(ddl).toMatch(/^CREATE EXTERNAL TABLE trails\.ct \(/);
    expect(ddl).toContain("LOCATION 's3://my-trail/AWSLogs/o-abc/444455556666/CloudTrail/'");
    expect(ddl).toContain("'projection.region.values'='eu-west-1'");
    expect(ddl).toContain("'projection.timestamp.range'='2025/02/28,NOW'");
    expect(ddl).toContain("'storage.location.template'='s3://my-trail/AWSLogs/o-abc/444455556666/CloudTrail/${region}/${timestamp}'");
    const single = cloudtrailDdl({ ...DDL_DEFAULTS, location: 's3://b/AWSLogs/1/CloudTrail/eu-west-1/', partitions: ['timestamp'] });
    expect(single).toContain('PARTITIONED BY (`timestamp` STRING)');
    expect(single).not.toContain('projection.region');
    expect(single).toContain("'storage.location.template'='s3://b/AWSLogs/1/CloudTrail/eu-west-1/${timestamp}'");
    const none = cloudtrailDdl({ ...DDL_DEFAULTS, partitions: [] });
    expect(none).not.toContain('PARTITIONED BY');
    expect(none).not.toContain('TBLPROPERTIES');
  });

  it('refuses what would bend the statement: quotes in the location, odd table names, bad regions and days', () => {
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, location: "s3://b/'); DROP TABLE x; --" })).toThrow(DdlError);
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, location: 'https://b/' })).toThrow(/s3:\/\//);
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, table: 'logs; DROP TABLE x' })).toThrow(/not a table name/);
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, table: 'a.b.c' })).toThrow(/not a table name/);
    expect(cloudtrailDdl({ ...DDL_DEFAULTS, table: '_logs' })).toMatch(/^CREATE EXTERNAL TABLE `_logs` \(/);
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, regions: ["eu-west-1'"] })).toThrow(/not a region/);
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, regions: [] })).toThrow(/at least one region/);
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, start: '2024-01-01' })).toThrow(/start day/);
  });

  it('refuses region lists and start days that name no folder: a typo, a region twice, a day that does not exist', () => {
    for (const region of ['x', 'eu-west', 'euwest1', 'eu--west-1', 'eu-west-1-']) {
      expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, regions: ['us-east-1', region] }), region).toThrow(`'${region}' is not a region code`);
    }
    expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, regions: ['eu-west-1', 'us-east-1', 'eu-west-1'] })).toThrow('region eu-west-1 is listed twice');
    const regions = ['us-east-1', 'ap-southeast-5', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1', 'eu-isoe-west-1', 'eusc-de-east-1'];
    expect(cloudtrailDdl({ ...DDL_DEFAULTS, regions })).toContain(`'projection.region.values'='${regions.join(',')}'`);
    for (const start of ['2024/02/30', '2023/02/29', '2024/04/31', '2024/13/01', '2024/00/10', '2024/01/00']) {
      expect(() => cloudtrailDdl({ ...DDL_DEFAULTS, start }), start).toThrow(`'${start}' is not a start day`);
    }
    expect(cloudtrailDdl({ ...DDL_DEFAULTS, start: '2024/02/29' })).toContain("'projection.timestamp.range'='2024/02/29,NOW'");
  });
});

describe('the compiler and the DDL: one table', () => {
  it('accepts every column and field the DDL declares (a struct or a map: :*, a text: any value)', () => {
    for (const [path, type] of declaredPaths()) {
      for (const options of [{ dialect: 'athena' as const }, { dialect: 'duckdb' as const, schema: 'cloudtrail' as const }]) {
        const inArray = path.length > 1 && CLOUDTRAIL_TABLE.find((c) => c.key === path[0])?.type.kind === 'array';
        const leaf = type.kind === 'string' || type.kind === 'json';
        // The array column itself is read through its fields only (resources.ARN ...), as before.
        if (type.kind === 'array') continue;
        expect(() => compileWhere(term(path, null), options), `${path.join('.')}:* (${options.dialect})`).not.toThrow();
        if (leaf || inArray) expect(compileWhere(term(path, 'x'), options), `${path.join('.')}:x (${options.dialect})`).not.toBe('false');
      }
    }
  });

  it('refuses, with the table named, exactly the record keys the table lacks', () => {
    const declared = new Set(CLOUDTRAIL_TABLE.map((c) => c.key));
    expect([...RECORD_KEYS].filter((key) => !declared.has(key)).sort()).toEqual([...NOT_IN_TABLE].sort());
    for (const key of NOT_IN_TABLE) {
      expect(() => compileWhere(term([key], null), { dialect: 'athena' })).toThrow(`${key} is not a column of the Athena CloudTrail table`);
    }
    // A record field the DDL does not declare (tlsDetails.keyExchange, cloudtrail.md §1.1) is refused too.
    expect(() => compileWhere(term(['tlsDetails', 'keyExchange'], 'x'), { dialect: 'athena' })).toThrow("tlsDetails.keyExchange is not a field of the Athena table's tlsdetails");
  });

  describe('writes only columns the DDL declares (DuckDB binds every statement against an empty table made from it)', () => {
    let instance: DuckDBInstance;
    let connection: DuckDBConnection;
    beforeAll(async () => {
      instance = await DuckDBInstance.create(':memory:');
      connection = await instance.connect();
      await connection.run(`CREATE TABLE ct (${CLOUDTRAIL_TABLE.map((c) => `${c.name} ${duckdbType(c.type)}`).join(', ')})`);
    });
    afterAll(() => {
      connection?.closeSync();
      instance?.closeSync();
    });

    it('for every summary field, word, time, params: and declared path', async () => {
      const queries: QueryNode[] = [
        ...FIELDS.filter((f) => f.kind === 'text').map((f): QueryNode => ({ kind: 'field', ref: { kind: 'summary', name: f.name }, match: { kind: 'exists' } })),
        ...FIELDS.filter((f) => f.kind === 'text').map((f) => parse(`${f.name}:x*`)),
        parse('alice readonly:true since:2024-03-01 until:2024-03-04 error:*'),
        parse('params:*bucket*'),
        parse('ip:10.0.0.0/8'),
        ...declaredPaths()
          .filter(([, type]) => type.kind !== 'array')
          .flatMap(([path, type]) => [term(path, null), ...(type.kind === 'map' ? [term([...path, 'aud'], 'x')] : [term(path, 'x*')])]),
      ];
      let bound = 0;
      for (const ast of queries) {
        let sql: string;
        try {
          sql = compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' });
        } catch (error) {
          if (error instanceof SqlCompileError) continue;
          throw error;
        }
        await connection.runAndReadAll(`SELECT count(*) FROM ct WHERE ${sql}`);
        bound++;
      }
      expect(bound).toBeGreaterThan(60);
    });
  });
});


/** A record's value as the table's column holds it: what Athena's JsonSerDe reads from a trail file. */
function columnValue(type: TableType, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'json':
      return JSON.stringify(value);
    case 'map':
      return typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) : null;
    case 'array':
      return Array.isArray(value) ? value.map((v) => columnValue(type.of, v)) : null;
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) return null;
      const object = value as Record<string, unknown>;
      return Object.fromEntries(type.fields.map((f) => [f.name, columnValue(f.type, object[f.key])]));
    }
  }
}

const record = tableRecord;

describe('the newer columns on a table laid out by the DDL (DuckDB, schema cloudtrail) answer as the archive does', () => {
  const records = [
    record('tls12', { tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: 's3.eu-west-1.amazonaws.com' } }),
    record('tls13', { tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: "o'brien.example", keyExchange: 'x25519' } }),
    record('late', { addendum: { reason: 'DELIVERY_DELAY' } }),
    record('updated', { addendum: { reason: 'UPDATED_DATA', updatedFields: 'requestParameters', originalRequestID: 'req-0', originalEventID: 'evt-0' } }),
    record('vpce', { eventType: 'AwsVpceEvent', eventCategory: 'NetworkActivity', vpcEndpointId: 'vpce-0abc', vpcEndpointAccountId: '444455556666' }),
    record('console', { sessionCredentialFromConsole: 'true' }),
    record('outpost', { edgeDeviceDetails: { type: 'outposts', deviceId: 'op-0123456789', attributes: { rack: 'r1' } } }),
    record('webid', {
      userIdentity: {
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:app:123',
        userName: '123',
        sessionContext: { webIdFederationData: { federatedProvider: 'accounts.google.com', attributes: { aud: 'app', sub: '123' } } },
      },
    }),
    record('plain'),
  ];
  const cases: [string, string[]][] = [
    ['tlsDetails.tlsVersion:TLSv1.2', ['tls12']],
    ['tlsDetails.tlsVersion:TLSv1.*', ['tls12', 'tls13']],
    ['tlsDetails.clientProvidedHostHeader:s3.*', ['tls12']],
    ["tlsDetails.clientProvidedHostHeader:\"o'brien.example\"", ['tls13']],
    ['tlsDetails.cipherSuite:*AES_128*', ['tls13']],
    ['tlsDetails:*', ['tls12', 'tls13']],
    ['-tlsDetails:* eventType:AwsApiCall', ['console', 'late', 'outpost', 'plain', 'updated', 'webid']],
    ['addendum.reason:DELIVERY_DELAY', ['late']],
    ['addendum.updatedFields:requestParameters addendum.originalEventID:evt-0 addendum.originalRequestID:req-0', ['updated']],
    ['addendum:*', ['late', 'updated']],
    ['vpcEndpointAccountId:444455556666', ['vpce']],
    ['vpcEndpointAccountId:*', ['vpce']],
    ['sessionCredentialFromConsole:true', ['console']],
    ['edgeDeviceDetails.deviceId:op-*', ['outpost']],
    ['edgeDeviceDetails.attributes.rack:r1', ['outpost']],
    ['edgeDeviceDetails:*', ['outpost']],
    ['userIdentity.sessionContext.webIdFederationData.federatedProvider:accounts.google.com', ['webid']],
    ['userIdentity.sessionContext.webIdFederationData.attributes.aud:app', ['webid']],
    ['userIdentity.sessionContext.webIdFederationData.attributes.sub:1*', ['webid']],
    ['userIdentity.sessionContext.webIdFederationData.attributes.nope:*', []],
    ['userIdentity.sessionContext.webIdFederationData.attributes.aud.x:*', []],
  ];

  let scratch: string;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  let archive: TestArchive;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'trailtop-ddl-'));
    const file = join(scratch, 'rows.jsonl');
    const rows = records.map((r) => Object.fromEntries(CLOUDTRAIL_TABLE.map((c) => [c.name, columnValue(c.type, r[c.key])])));
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n'));
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    const columns = `{${CLOUDTRAIL_TABLE.map((c) => `'${c.name}': '${duckdbType(c.type)}'`).join(', ')}}`;
    await connection.run(`CREATE TABLE ct AS SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = ${columns})`);
    archive = await archiveOf(records);
  });
  afterAll(async () => {
    connection?.closeSync();
    instance?.closeSync();
    await archive?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('runs on a trailtop archive too: every declared path binds there (schema 9: the archive has every column and field)', async () => {
    const lacking: string[] = [];
    let bound = 0;
    for (const [path, type] of declaredPaths()) {
      if (type.kind === 'array') continue;
      const tests = [term(path, null), ...(type.kind === 'map' ? [term([...path, 'aud'], 'x')] : type.kind === 'struct' ? [] : [term(path, 'x*')])];
      for (const ast of tests) {
        try {
          await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' }));
          bound++;
        } catch (error) {
          lacking.push(`${path.join('.')}: ${String(error).split('\n')[0]}`);
        }
      }
    }
    expect(lacking).toEqual([]);
    expect(bound).toBeGreaterThan(60);
  });

  it.each(cases)('%s', async (text, want) => {
    const ast = parse(text);
    const sql = compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' });
    const rows = (await connection.runAndReadAll(`SELECT eventid FROM ct WHERE ${sql} ORDER BY eventid`)).getRows().map((r) => String(r[0]));
    expect(rows).toEqual(want);
    // The archive answers from the record as memory does (differential.test.ts): the same events.
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(want);
    // And the statement written for AWS's table, run on the archive's own columns, too.
    expect(await archive.ids(sql)).toEqual(want);
  });
});
