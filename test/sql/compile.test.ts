import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldRef, QueryNode, ValueMatch } from '../../src/query/ast.js';
import { FIELDS } from '../../src/query/fields.js';
import { compileWhere, SqlCompileError } from '../../src/query/sql/index.js';
import { archiveOf, type TestArchive } from '../archive/helpers.js';
import { searchWithoutEdgeLookarounds } from '../../src/query/sql/compile.js';
import { int, pick, rng } from '../support/random.js';

/** `name:Get*` as the parser would give it: lowercase runs between stars. */
function glob(text: string): ValueMatch {
  const segments = text.toLowerCase().split('*');
  return { kind: 'glob', pattern: { segments, glob: segments.length > 1 } };
}
const summary = (name: string, match: ValueMatch): QueryNode => ({ kind: 'field', ref: { kind: 'summary', name }, match });
const path = (dotted: string, match: ValueMatch): QueryNode => ({ kind: 'field', ref: { kind: 'path', path: dotted.split('.') } as FieldRef, match });
const word = (text: string, fuzzy = false): QueryNode => ({ kind: 'word', text, segments: text.toLowerCase().split('*'), fuzzy });
const not = (child: QueryNode): QueryNode => ({ kind: 'not', child });
const and = (...children: QueryNode[]): QueryNode => ({ kind: 'and', children });

/** Hostile values: quotes, backslashes, comment and statement ends, LIKE wildcards, Unicode. */
const HOSTILE = [
  "o'brien",
  "'; DROP TABLE events; --",
  'back\\slash',
  '\\',
  "it''s",
  '-- not a comment',
  'semi;colon',
  '100%_done',
  'Ünïcødé ☃ 𝄞',
  '"double"',
  '*/ /*',
  // A NUL is joined in as chr(0) (dialect.ts literal): kept, and never inside the quotes.
  "nul\u0000'; DROP TABLE events; --",
  '\u0000',
  // Terminal controls are joined in as chr(N) too, so printed SQL stays printable (and still names the value).
  "esc\u001b[2J\u001b]0;title\u0007'; DROP TABLE events; --",
  'csi\u009b31m\r\nline',
  'bidi\u202egpj.exe\u2028',
];

function record(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventID: id,
    eventTime: '2024-03-05T12:00:00Z',
    eventName: 'GetObject',
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIPAddress: '10.0.1.7',
    userAgent: 'aws-cli',
    userIdentity: { type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333' },
    requestParameters: { bucketName: 'logs', key: 'a/b' },
    readOnly: true,
    eventType: 'AwsApiCall',
    eventCategory: 'Management',
    recipientAccountId: '111122223333',
    ...overrides,
  };
}

describe('SQL golden output', () => {
  it('writes an exact match, a glob and a negation for both dialects', () => {
    const ast = and(summary('name', glob('Delete*')), not(summary('error', { kind: 'exists' })), summary('region', glob('eu-west-1')));
    expect(compileWhere(ast, { dialect: 'duckdb' })).toBe(
      "(coalesce((tt_name <> '' AND lower(tt_name) LIKE 'delete%' ESCAPE '\\'), false) AND (NOT (coalesce(errorcode <> '', false) OR coalesce((tt_name = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND coalesce(errormessage, '') <> ''), false))) AND coalesce((awsregion <> '' AND lower(awsregion) = 'eu-west-1'), false))",
    );
    expect(compileWhere(ast, { dialect: 'athena' })).toBe(
      "(coalesce((eventname <> '' AND lower(eventname) LIKE 'delete%' ESCAPE '\\'), false) AND (NOT (coalesce(errorcode <> '', false) OR coalesce((eventname = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND (coalesce(errormessage, '') <> '' OR coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure', false))), false))) AND coalesce((awsregion <> '' AND lower(awsregion) = 'eu-west-1'), false))",
    );
  });

  // error:VALUE tests what the Error code column shows (model/failure.ts errorLabel): a failed sign-in, which has no
  // errorCode, by its errorMessage ('Failure' when AWS's table has none: normalize gives it that). It read errorcode alone.
  it('writes error:VALUE as the errorCode or a failed console sign-in\'s errorMessage, on both tables', () => {
    const ast = summary('error', glob('Failed authentication'));
    expect(compileWhere(ast, { dialect: 'duckdb' })).toBe(
      "(coalesce((errorcode <> '' AND lower(errorcode) = 'failed authentication'), false) OR (coalesce((tt_name = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND coalesce(errormessage, '') <> ''), false) AND coalesce((errormessage <> '' AND lower(errormessage) = 'failed authentication'), false)))",
    );
    expect(compileWhere(ast, { dialect: 'athena' })).toBe(
      "(coalesce((errorcode <> '' AND lower(errorcode) = 'failed authentication'), false) OR (coalesce((eventname = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND (coalesce(errormessage, '') <> '' OR coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure', false))), false) AND coalesce((coalesce(nullif(errormessage, ''), 'Failure') <> '' AND lower(coalesce(nullif(errormessage, ''), 'Failure')) = 'failed authentication'), false)))",
    );
    expect(compileWhere(summary('error', glob('Failed*')), { dialect: 'duckdb', schema: 'cloudtrail' })).toBe(
      "(coalesce((errorcode <> '' AND lower(errorcode) LIKE 'failed%' ESCAPE '\\'), false) OR (coalesce((eventname = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND (coalesce(errormessage, '') <> '' OR coalesce(json_extract_string(responseelements, '$.ConsoleLogin') = 'Failure', false))), false) AND coalesce((coalesce(nullif(errormessage, ''), 'Failure') <> '' AND lower(coalesce(nullif(errormessage, ''), 'Failure')) LIKE 'failed%' ESCAPE '\\'), false)))",
    );
  });

  it("searches a failed console sign-in's errorMessage with plain words, as its Error code column shows it, on both tables", () => {
    const label = (text: string, schema: 'archive' | 'cloudtrail', dialect: 'duckdb' | 'athena', start: string) => {
      const sql = compileWhere(word(text), { dialect, schema });
      return sql.slice(sql.indexOf(start), sql.indexOf(' END', sql.indexOf(start)) + 4);
    };
    // One run: the errorCode and the failed sign-in's label are two values, each tested alone.
    expect(compileWhere(word('authentication'), { dialect: 'duckdb' })).toContain("coalesce(contains(lower(errorcode), 'authentication'), false)");
    expect(label('authentication', 'archive', 'duckdb', 'CASE WHEN coalesce((tt_name')).toBe(
      "CASE WHEN coalesce((tt_name = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND coalesce(errormessage, '') <> ''), false) THEN errormessage END",
    );
    expect(label('authentication', 'cloudtrail', 'athena', 'CASE WHEN coalesce((eventname')).toBe(
      "CASE WHEN coalesce((eventname = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND (coalesce(errormessage, '') <> '' OR coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure', false))), false) THEN coalesce(nullif(errormessage, ''), 'Failure') END",
    );
    // Runs in order: one line of the joined text.
    expect(label('fail*auth', 'archive', 'duckdb', 'CASE WHEN coalesce(errorcode')).toBe(
      "CASE WHEN coalesce(errorcode, '') <> '' THEN errorcode WHEN coalesce((tt_name = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND coalesce(errormessage, '') <> ''), false) THEN errormessage END",
    );
    expect(label('fail*auth', 'cloudtrail', 'athena', 'CASE WHEN coalesce(errorcode')).toBe(
      "CASE WHEN coalesce(errorcode, '') <> '' THEN errorcode WHEN coalesce((eventname = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND (coalesce(errormessage, '') <> '' OR coalesce(json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure', false))), false) THEN coalesce(nullif(errormessage, ''), 'Failure') END",
    );
  });

  // A plain word searched every row's values joined and lowercased as one text (lower(concat_ws(...))): 47.6 s to
  // the first page of `assumerole` on 10M archived events. One run is inside one value: each value is tested alone.
  it('writes a plain word as a test of each search value, without building the joined text', () => {
    const sql = compileWhere(word('AssumeRole'), { dialect: 'duckdb' });
    expect(sql).not.toContain('concat_ws');
    expect(sql).toBe(
      "(coalesce(contains(lower(tt_name), 'assumerole'), false) OR coalesce(contains(lower(tt_source), 'assumerole'), false) OR " +
        "coalesce(contains(lower(tt_actor), 'assumerole'), false) OR coalesce(contains(lower(sourceipaddress), 'assumerole'), false) OR " +
        "coalesce(contains(lower(awsregion), 'assumerole'), false) OR coalesce(contains(lower(tt_accesskey), 'assumerole'), false) OR " +
        "coalesce(contains(lower(errorcode), 'assumerole'), false) OR " +
        "coalesce(contains(lower(CASE WHEN coalesce((tt_name = 'ConsoleLogin' AND coalesce(errorcode, '') = '' AND coalesce(errormessage, '') <> ''), false) THEN errormessage END), 'assumerole'), false) OR " +
        // tt_users (lowercased, escaped, every user name among its lines) first: joining the list is the dearer test.
        "(coalesce(contains(tt_users, 'assumerole'), false) AND coalesce(contains(lower(array_to_string(tt_usernames, chr(10))), 'assumerole'), false)) OR " +
        "coalesce(len(list_filter(tt_resources, lambda r: (coalesce(contains(lower(r.name), 'assumerole'), false) OR coalesce(contains(lower(r.arn), 'assumerole'), false)))) > 0, false))",
    );
    expect(compileWhere(word('assumerole'), { dialect: 'athena' })).not.toContain('concat_ws');
    // A run of ASCII digits and signs is in the value as it is: no lower() (an IP's scan, ~40% less).
    expect(compileWhere(word('10.0.3.7'), { dialect: 'duckdb' })).toContain("coalesce(contains(sourceipaddress, '10.0.3.7'), false)");
    expect(compileWhere(word('10.0.3.7'), { dialect: 'duckdb' })).not.toContain('lower(');
    expect(compileWhere(word('a10'), { dialect: 'duckdb' })).toContain("coalesce(contains(lower(sourceipaddress), 'a10'), false)");
    // A backslash is escaped as tt_users holds it; a sigma folds the final one, in tt_users too.
    expect(compileWhere(word('a\\b'), { dialect: 'duckdb' })).toContain("contains(tt_users, 'a\\\\b')");
    expect(compileWhere(word('οδοσ'), { dialect: 'duckdb' })).toContain("contains(replace(tt_users, 'ς', 'σ'), 'οδοσ')");
    // Runs in order, or a line break, need the joined text: only where each run (without one) lies in some value.
    const runs = compileWhere(word('get*object'), { dialect: 'duckdb' });
    expect(runs.indexOf("contains(lower(tt_name), 'get')")).toBeLessThan(runs.indexOf('concat_ws'));
    expect(runs.indexOf("contains(lower(tt_name), 'object')")).toBeLessThan(runs.indexOf('concat_ws'));
    expect(runs).toContain("LIKE '%get%object%', false)");
    expect(compileWhere(word('get\nbob'), { dialect: 'duckdb' })).toMatch(/^coalesce\(lower\(concat_ws\(.*\) LIKE \('%get' \|\| chr\(10\) \|\| 'bob%'\), false\)$/);
  });

  it("writes Sigma's |fieldref as one path's folded values against another's, in both dialects", () => {
    const compare = (position: 'equals' | 'contains' | 'startswith' | 'endswith'): QueryNode => ({
      kind: 'compare',
      left: { kind: 'path', path: ['userIdentity', 'arn'] },
      right: { kind: 'path', path: ['userIdentity', 'userName'] },
      position,
    });
    const arn = "replace(lower(useridentity.arn), 'ς', 'σ')";
    const name = "replace(lower(useridentity.username), 'ς', 'σ')";
    expect(compileWhere(compare('equals'), { dialect: 'athena' })).toBe(`coalesce(coalesce(${arn} = ${name}, false), false)`);
    expect(compileWhere(compare('contains'), { dialect: 'duckdb', schema: 'cloudtrail' })).toBe(`coalesce(coalesce(strpos(${arn}, ${name}) > 0, false), false)`);
    expect(compileWhere(compare('startswith'), { dialect: 'athena' })).toBe(`coalesce(coalesce(strpos(${arn}, ${name}) = 1, false), false)`);
    expect(compileWhere(compare('endswith'), { dialect: 'athena' })).toBe(
      `coalesce(coalesce((length(${name}) <= length(${arn}) AND substr(${arn}, length(${arn}) - length(${name}) + 1) = ${name}), false), false)`,
    );
  });

  it('writes source: with its long form and type: with its AWS:: prefix', () => {
    expect(compileWhere(summary('source', glob('iam')), { dialect: 'athena' })).toBe(
      "coalesce((eventsource <> '' AND lower(eventsource) IN ('iam', 'iam.amazonaws.com')), false)",
    );
    expect(compileWhere(summary('type', glob('s3::bucket')), { dialect: 'duckdb' })).toContain("lower(x1) IN ('s3::bucket', 'aws::s3::bucket')");
  });

  it('writes time ranges as epoch ms on the archive and ISO timestamps on Athena', () => {
    const time: QueryNode = { kind: 'time', min: Date.UTC(2024, 2, 5, 3), max: Infinity, relative: false };
    expect(compileWhere(time, { dialect: 'duckdb' })).toBe('coalesce(tt_time >= 1709607600000, false)');
    expect(compileWhere(time, { dialect: 'athena' })).toBe(
      "coalesce(try(from_iso8601_timestamp(eventtime)) >= from_iso8601_timestamp('2024-03-05T03:00:00.000Z'), false)",
    );
  });

  it('writes arrays with any_match on Athena and list_filter on DuckDB', () => {
    const ast = summary('resource', glob('my-bucket'));
    expect(compileWhere(ast, { dialect: 'athena' })).toMatch(/^\(coalesce\(any_match\(transform\(resources, r -> /);
    expect(compileWhere(ast, { dialect: 'duckdb' })).toMatch(/^\(coalesce\(len\(list_filter\(list_transform\(tt_resources, lambda r: r\.name\)/);
  });

  it('writes dotted paths into the JSON columns with json_extract_scalar on Athena', () => {
    expect(compileWhere(path('requestParameters.bucketName', glob('logs')), { dialect: 'athena' })).toBe(
      "(coalesce(lower(coalesce(json_extract_scalar(requestparameters, '$[\"bucketName\"]'), nullif(nullif(json_format(json_extract(requestparameters, '$[\"bucketName\"]')), 'null'), '[]'))) = 'logs', false) OR " +
        "coalesce(any_match(transform(filter(TRY_CAST(json_extract(requestparameters, '$[\"bucketName\"]') AS ARRAY(JSON)), e1 -> json_extract_scalar(e1, '$') IS NOT NULL), e1 -> json_extract_scalar(e1, '$')), x2 -> coalesce(lower(x2) = 'logs', false)), false))",
    );
    expect(compileWhere(path('userIdentity.sessionContext.sessionIssuer.userName', { kind: 'exists' }), { dialect: 'athena' })).toBe(
      'coalesce(useridentity.sessioncontext.sessionissuer.username IS NOT NULL, false)',
    );
  });

  it("reads a JSON leaf on AWS's table as the archive does: JSON null and an empty list are no value, a list's elements are values", () => {
    const sql = compileWhere(path('requestParameters.tagKeys', glob('owner')), { dialect: 'athena' });
    expect(sql).toContain(`nullif(nullif(json_format(json_extract(requestparameters, '$["tagKeys"]')), 'null'), '[]')`);
    expect(sql).toContain(`transform(filter(TRY_CAST(json_extract(requestparameters, '$["tagKeys"]') AS ARRAY(JSON)), e1 -> json_extract_scalar(e1, '$') IS NOT NULL), e1 -> json_extract_scalar(e1, '$'))`);
  });

  it("walks useridentity by its DDL: a field past a text has no value, a struct answers only :*, an unknown field is refused", () => {
    expect(compileWhere(path('userIdentity.userName.type', { kind: 'exists' }), { dialect: 'athena' })).toBe('false');
    expect(compileWhere(path('userIdentity.sessionContext', { kind: 'exists' }), { dialect: 'athena' })).toBe('coalesce(useridentity.sessioncontext IS NOT NULL, false)');
    expect(() => compileWhere(path('userIdentity', glob('*alice*')), { dialect: 'athena' })).toThrow(/struct in the Athena table/);
    expect(() => compileWhere(path('userIdentity.sessionContext.sessionIssuer', glob('x')), { dialect: 'athena' })).toThrow(/struct in the Athena table/);
    expect(() => compileWhere(path('userIdentity.attributes.mfaAuthenticated', glob('true')), { dialect: 'athena' })).toThrow(/userIdentity.attributes is not a field/);
    expect(() => compileWhere(path('userIdentity.toString', { kind: 'exists' }), { dialect: 'athena' })).toThrow(/not a field/);
  });

  it("writes the columns and fields of AWS's DDL that came after useridentity: structs by field, edgedevicedetails as JSON, a map by key", () => {
    const athena = (node: QueryNode): string => compileWhere(node, { dialect: 'athena' });
    expect(athena(path('tlsDetails.tlsVersion', glob('TLSv1.2')))).toBe("coalesce(lower(tlsdetails.tlsversion) = 'tlsv1.2', false)");
    expect(athena(path('tlsDetails.clientProvidedHostHeader', glob('*.amazonaws.com')))).toBe(
      "coalesce(lower(tlsdetails.clientprovidedhostheader) LIKE '%.amazonaws.com' ESCAPE '\\', false)",
    );
    expect(athena(path('tlsDetails', { kind: 'exists' }))).toBe('coalesce(tlsdetails IS NOT NULL, false)');
    expect(() => athena(path('tlsDetails', glob('x')))).toThrow(/tlsDetails is a struct in the Athena table/);
    expect(athena(path('vpcEndpointAccountId', glob('111122223333')))).toBe("coalesce(lower(vpcendpointaccountid) = '111122223333', false)");
    expect(athena(path('addendum.reason', glob('DELIVERY_DELAY')))).toBe("coalesce(lower(addendum.reason) = 'delivery_delay', false)");
    expect(athena(path('addendum.originalEventID', { kind: 'exists' }))).toBe('coalesce(addendum.originaleventid IS NOT NULL, false)');
    expect(athena(path('sessionCredentialFromConsole', glob('true')))).toBe("coalesce(lower(sessioncredentialfromconsole) = 'true', false)");
    expect(athena(path('edgeDeviceDetails.deviceId', glob('op-1')))).toBe(
      "(coalesce(lower(coalesce(json_extract_scalar(edgedevicedetails, '$[\"deviceId\"]'), nullif(nullif(json_format(json_extract(edgedevicedetails, '$[\"deviceId\"]')), 'null'), '[]'))) = 'op-1', false) OR " +
        "coalesce(any_match(transform(filter(TRY_CAST(json_extract(edgedevicedetails, '$[\"deviceId\"]') AS ARRAY(JSON)), e1 -> json_extract_scalar(e1, '$') IS NOT NULL), e1 -> json_extract_scalar(e1, '$')), x2 -> coalesce(lower(x2) = 'op-1', false)), false))",
    );
    expect(athena(path('userIdentity.sessionContext.webIdFederationData.federatedProvider', glob('accounts.google.com')))).toBe(
      "coalesce(lower(useridentity.sessioncontext.webidfederationdata.federatedprovider) = 'accounts.google.com', false)",
    );
    expect(athena(path('userIdentity.sessionContext.webIdFederationData.attributes.aud', glob('app')))).toBe(
      "coalesce(lower(element_at(useridentity.sessioncontext.webidfederationdata.attributes, 'aud')) = 'app', false)",
    );
    expect(compileWhere(path('userIdentity.sessionContext.webIdFederationData.attributes.aud', glob('app')), { dialect: 'duckdb', schema: 'cloudtrail' })).toBe(
      "coalesce(lower(useridentity.sessioncontext.webidfederationdata.attributes['aud']) = 'app', false)",
    );
    expect(() => athena(path('userIdentity.sessionContext.webIdFederationData.attributes', glob('x')))).toThrow(/is a map in the Athena table/);
    expect(athena(path('userIdentity.sessionContext.webIdFederationData.attributes.aud.x', { kind: 'exists' }))).toBe('false');
  });

  it('keeps hostile map keys and values of the newer columns inside literals', () => {
    for (const value of HOSTILE) {
      const sql = compileWhere(and(path(`userIdentity.sessionContext.webIdFederationData.attributes`, { kind: 'exists' }), { kind: 'field', ref: { kind: 'path', path: ['userIdentity', 'sessionContext', 'webIdFederationData', 'attributes', value] }, match: glob(value) }, path('tlsDetails.clientProvidedHostHeader', glob(value))), { dialect: 'athena' });
      const left = sql.replace(/'(?:[^']|'')*'/g, "''");
      expect(left).not.toMatch(/DROP|;|--|brien/);
      expect(sql).not.toContain('\u0000');
      expect((sql.match(/'/g) ?? []).length % 2).toBe(0);
    }
  });

  it('refuses, with a reason, what the Athena table has no column for', () => {
    expect(() => compileWhere(path('nosuchField.x', { kind: 'exists' }), { dialect: 'athena' })).toThrow(SqlCompileError);
    expect(() => compileWhere(summary('name', glob('x')), { dialect: 'athena', schema: 'archive' })).toThrow(/DuckDB only/);
  });

  it('writes fuzzy words as IN lists of the values the vocabulary resolved', () => {
    const sql = compileWhere(word('assumrole', true), {
      dialect: 'athena',
      fuzzy: () => new Map([['name', ['AssumeRole', 'AssumeRoleWithSAML']]]),
    });
    expect(sql).toContain("coalesce(eventname IN ('AssumeRole', 'AssumeRoleWithSAML'), false)");
  });
});

describe('SQL for every field', () => {
  it('has a column for every text field of the field table, in both tables', () => {
    for (const field of FIELDS) {
      if (field.kind !== 'text') continue;
      for (const options of [{ dialect: 'duckdb' as const }, { dialect: 'athena' as const }, { dialect: 'duckdb' as const, schema: 'cloudtrail' as const }]) {
        expect(() => compileWhere(summary(field.name, glob('x')), options), `${field.name} (${options.dialect})`).not.toThrow();
      }
    }
  });
});

describe('SQL injection: every value is a literal', () => {
  /** The SQL with every string literal removed: what is left is what the engine runs as code. */
  const code = (sql: string): string => sql.replace(/'(?:[^']|'')*'/g, "''");

  for (const dialect of ['duckdb', 'athena'] as const) {
    it(`keeps hostile values inside literals (${dialect})`, () => {
      for (const value of HOSTILE) {
        const asts = [
          summary('user', glob(value)),
          summary('name', glob(`*${value}*`)),
          path('requestParameters.key', glob(value)),
          path('edgeDeviceDetails.deviceId', glob(value)),
          path('addendum.reason', glob(value)),
          word(value),
          summary('ip', { kind: 'regex', source: value.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'), flags: 'i' }),
        ];
        for (const ast of asts) {
          const sql = compileWhere(ast, { dialect, fuzzy: () => new Map([['name', [value]]]) });
          const left = code(sql);
          expect(left).not.toContain('DROP');
          expect(left).not.toContain(';');
          expect(left).not.toContain('--');
          expect(left).not.toContain('brien');
          expect(sql).not.toContain('\u0000');
          // `trailtop sql` prints this: no control or bidi character may reach the terminal.
          expect(sql).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2028\u2029]/);
          // Every quote belongs to a literal: an odd count would mean one escaped out.
          expect((sql.match(/'/g) ?? []).length % 2).toBe(0);
        }
      }
    });
  }

  describe('on DuckDB for real', () => {
    let archive: TestArchive;
    beforeAll(async () => {
      const records = HOSTILE.map((value, k) =>
        record(`hostile-${k}`, {
          eventName: value,
          userIdentity: { type: 'IAMUser', userName: value, arn: `arn:aws:iam::111122223333:user/${value}` },
          requestParameters: { key: value },
        }),
      );
      records.push(record('plain', { eventName: 'GetObject' }));
      archive = await archiveOf(records);
    });
    afterAll(() => archive?.close());

    for (const schema of ['archive', 'cloudtrail'] as const) {
      it(`finds exactly the record holding each hostile value (${schema})`, async () => {
        for (const [k, value] of HOSTILE.entries()) {
          const want = [`hostile-${k}`];
          expect(await archive.ids(compileWhere(summary('user', glob(value)), { dialect: 'duckdb', schema }))).toEqual(want);
          expect(await archive.ids(compileWhere(summary('name', glob(value)), { dialect: 'duckdb', schema }))).toEqual(want);
          expect(await archive.ids(compileWhere(path('requestParameters.key', glob(value)), { dialect: 'duckdb', schema }))).toEqual(want);
        }
        // The table is still there and whole.
        expect(await archive.ids('true')).toHaveLength(HOSTILE.length + 1);
      });
    }

    // A fuzzy word's meanings were an IN list, inside a lambda over tt_usernames: `assumerole` meant ~1,100 session
    // ARNs on the 1M high-card archive, 4 s of its scan. Many values are now a set DuckDB hashes, the lists joined by tt_seq.
    it("finds a fuzzy word's many meanings, hostile ones too, by a hashed set and a join on tt_seq", async () => {
      const filler = Array.from({ length: 40 }, (_, k) => `filler-${k}`);
      for (const [k, value] of HOSTILE.entries()) {
        for (const field of ['user', 'name']) {
          const sql = compileWhere(word('zzzz', true), { dialect: 'duckdb', fuzzy: () => new Map([[field, [...filler, value]]]) });
          expect(sql).toContain('(SELECT unnest([');
          if (field === 'user') expect(sql).toContain('tt_seq IN (SELECT tt_seq FROM (SELECT tt_seq, unnest(tt_usernames) AS v FROM events) WHERE v IN (SELECT unnest([');
          expect(await archive.ids(sql)).toEqual([`hostile-${k}`]);
        }
      }
      // A few values stay an IN list, which DuckDB tests in the scan.
      expect(compileWhere(word('zzzz', true), { dialect: 'duckdb', fuzzy: () => new Map([['name', ['GetObject']]]) })).toContain("tt_name IN ('GetObject')");
    });

    it('treats % and _ in values as plain characters, not LIKE wildcards', async () => {
      expect(await archive.ids(compileWhere(summary('name', glob('100%_*')), { dialect: 'duckdb' }))).toEqual([`hostile-${HOSTILE.indexOf('100%_done')}`]);
      expect(await archive.ids(compileWhere(summary('name', glob('1_0*')), { dialect: 'duckdb' }))).toEqual([]);
      expect(await archive.ids(compileWhere(word('0%_d'), { dialect: 'duckdb' }))).toEqual([`hostile-${HOSTILE.indexOf('100%_done')}`]);
    });
  });
});

describe("JSON leaves and userIdentity paths on DuckDB for real: AWS's table logic answers as the archive does", () => {
  let archive: TestArchive;
  beforeAll(async () => {
    archive = await archiveOf([
      record('null-x', { requestParameters: { x: null, tagKeys: ['Owner', 'Env'], n: 5 } }),
      record('text-null', { requestParameters: { x: 'null', tagKeys: [] } }),
      record('nested', { requestParameters: { tagKeys: [['Owner'], { k: 'Owner' }, null, 7] } }),
      record('none', { requestParameters: undefined }),
      record('assumed', {
        userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/r/s', sessionContext: { sessionIssuer: { userName: 'r' } } },
      }),
    ]);
  });
  afterAll(() => archive?.close());

  const cases: [QueryNode, string[]][] = [
    [path('requestParameters.x', { kind: 'exists' }), ['text-null']],
    [path('requestParameters.x', glob('null')), ['text-null']],
    [not(path('requestParameters.x', { kind: 'exists' })), ['assumed', 'nested', 'none', 'null-x']],
    [path('requestParameters.tagKeys', glob('owner')), ['null-x']],
    [path('requestParameters.tagKeys', glob('7')), ['nested']],
    [path('requestParameters.tagKeys', glob('*env*')), ['null-x']],
    // An empty list is no value (ast.ts): not even its text '[]'.
    [path('requestParameters.tagKeys', glob('[]')), []],
    [path('requestParameters.tagKeys', glob('*')), ['nested', 'null-x']],
    [path('requestParameters.tagKeys', { kind: 'exists' }), ['nested', 'null-x']],
    [not(path('requestParameters.tagKeys', { kind: 'exists' })), ['assumed', 'none', 'text-null']],
    [path('requestParameters.tagKeys', glob('[*')), ['nested', 'null-x']],
    [path('requestParameters.n', glob('5')), ['null-x']],
    [path('userIdentity.sessionContext', { kind: 'exists' }), ['assumed']],
    [path('userIdentity.sessionContext.sessionIssuer.userName', glob('r')), ['assumed']],
    [path('userIdentity.userName.type', { kind: 'exists' }), []],
  ];
  it.each(cases.map(([ast, want]) => [JSON.stringify(ast), ast, want] as const))('%s', async (_label, ast, want) => {
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'archive' }))).toEqual(want);
    expect(await archive.ids(compileWhere(ast, { dialect: 'duckdb', schema: 'cloudtrail' }))).toEqual(want);
  });
});

describe('regexes DuckDB (RE2) runs without lookaround', () => {
  it("Sigma's edge rewrite ((?<=.)X, X(?=.)) is spelt .X and X., the same search (seeded random patterns and texts)", () => {
    expect(searchWithoutEdgeLookarounds('(?<=.):assumed-role/aws:(?=.)')).toBe('.:assumed-role/aws:.');
    expect(searchWithoutEdgeLookarounds('a(?=b)')).toBe('a(?=b)');
    const random = rng(20);
    const atoms = ['a', 'b', ':', '.', 'a+', 'b?', '[ab]', '\\n', 'x*', '(ab|b)'];
    const chars = ['a', 'b', ':', 'x', '\n', ' '];
    let differ = 0;
    for (let round = 0; round < 2000; round++) {
      let core = '';
      for (let k = int(random, 1, 4); k > 0; k--) core += pick(random, atoms);
      const lead = random() < 0.6;
      const trail = random() < 0.6;
      const source = `${lead ? '(?<=.)' : ''}${core}${trail ? '(?=.)' : ''}`;
      const rewritten = searchWithoutEdgeLookarounds(source);
      if (lead || trail) expect(rewritten).not.toMatch(/\(\?<?[=!]/);
      const flags = random() < 0.3 ? 's' : '';
      for (let t = 0; t < 10; t++) {
        let text = '';
        for (let k = int(random, 0, 8); k > 0; k--) text += pick(random, chars);
        const a = new RegExp(source, flags).test(text);
        expect(new RegExp(rewritten, flags).test(text), `/${source}/ vs /${rewritten}/ on ${JSON.stringify(text)}`).toBe(a);
        if (a !== new RegExp(core, flags).test(text)) differ++;
      }
    }
    // The lookarounds do change answers (a match needs a character before or after): the check is not vacuous.
    expect(differ).toBeGreaterThan(50);
  });
});
