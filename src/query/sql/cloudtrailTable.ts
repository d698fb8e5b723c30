/**
 * AWS's documented Athena table for CloudTrail ("Create the table for
 * CloudTrail logs in Athena using partition projection", Athena user guide),
 * described once: the query compiler's `cloudtrail` schema (schema.ts) reads
 * its columns and struct fields from here, `trailtop athena` selects and reads
 * back its columns (athena/statement.ts, athena/records.ts), and
 * `trailtop sql --ddl` prints the CREATE TABLE from it, which the README
 * quotes word for word (a test compares them). A column added here is
 * declared, queried and read back at once, so the three cannot drift.
 *
 * The record keys CloudTrail writes and this table lacks (managementEvent,
 * insightDetails, eventContext) are not columns: terms on them are refused
 * on Athena (schema.ts) rather than answered as "no value".
 */

/** What a column or struct field holds. */
export type TableType =
  /** Text: a record string (or a boolean, as readonly, as its text). */
  | { readonly kind: 'string' }
  /** A JSON object kept as its JSON text in a STRING column (read with json_extract_scalar). */
  | { readonly kind: 'json' }
  | { readonly kind: 'struct'; readonly fields: readonly TableField[] }
  | { readonly kind: 'array'; readonly of: { readonly kind: 'struct'; readonly fields: readonly TableField[] } }
  /** map<string,string>: the record's own keys, kept as they are. */
  | { readonly kind: 'map' };

export interface TableField {
  /** The column or field name in the table (lowercase, as Hive stores it). */
  readonly name: string;
  /** The record's key for it (CloudTrail's spelling). */
  readonly key: string;
  readonly type: TableType;
}

const STRING: TableType = { kind: 'string' };
const JSON_TEXT: TableType = { kind: 'json' };

/** A field whose name is its record key lowercased (every field of AWS's table is). */
const field = (key: string, type: TableType = STRING): TableField => ({ name: key.toLowerCase(), key, type });
const struct = (...fields: TableField[]): TableType => ({ kind: 'struct', fields });

/** useridentity, as AWS declares it (no sourceIdentity, credentialId, inScopeOf ...: the JsonSerDe drops what is not declared). */
export const USER_IDENTITY: TableField = field(
  'userIdentity',
  struct(
    field('type'),
    field('principalId'),
    field('arn'),
    field('accountId'),
    field('invokedBy'),
    field('accessKeyId'),
    field('userName'),
    field('onBehalfOf', struct(field('userId'), field('identityStoreArn'))),
    field(
      'sessionContext',
      struct(
        field('attributes', struct(field('mfaAuthenticated'), field('creationDate'))),
        field('sessionIssuer', struct(field('type'), field('principalId'), field('arn'), field('accountId'), field('userName'))),
        field('ec2RoleDelivery'),
        field('webIdFederationData', struct(field('federatedProvider'), field('attributes', { kind: 'map' }))),
      ),
    ),
  ),
);

/** The table's columns in AWS's order. */
export const CLOUDTRAIL_TABLE: readonly TableField[] = [
  field('eventVersion'),
  USER_IDENTITY,
  field('eventTime'),
  field('eventSource'),
  field('eventName'),
  field('awsRegion'),
  field('sourceIPAddress'),
  field('userAgent'),
  field('errorCode'),
  field('errorMessage'),
  field('requestParameters', JSON_TEXT),
  field('responseElements', JSON_TEXT),
  field('additionalEventData', JSON_TEXT),
  field('requestID'),
  field('eventID'),
  field('readOnly'),
  field('resources', { kind: 'array', of: { kind: 'struct', fields: [field('ARN'), field('accountId'), field('type')] } }),
  field('eventType'),
  field('apiVersion'),
  field('recipientAccountId'),
  field('serviceEventDetails', JSON_TEXT),
  field('sharedEventID'),
  field('vpcEndpointId'),
  field('vpcEndpointAccountId'),
  field('eventCategory'),
  field('addendum', struct(field('reason'), field('updatedFields'), field('originalRequestID'), field('originalEventID'))),
  // The string "true" in records, present only when true.
  field('sessionCredentialFromConsole'),
  // An object in records ({type, deviceId, ...}); AWS's DDL keeps it as JSON text.
  field('edgeDeviceDetails', JSON_TEXT),
  field('tlsDetails', struct(field('tlsVersion'), field('cipherSuite'), field('clientProvidedHostHeader'))),
];

/** The table's column for a record key, or undefined when the table has none. */
export function tableColumn(key: string): TableField | undefined {
  return CLOUDTRAIL_TABLE.find((column) => column.key === key);
}

/** Record keys of the table's columns of one kind, as [key, column]. */
export function columnsOfKind(kind: TableType['kind']): [string, string][] {
  return CLOUDTRAIL_TABLE.filter((column) => column.type.kind === kind).map((column) => [column.key, column.name]);
}

// ---------------------------------------------------------------- the DDL

/** The partition columns trailtop knows (athena/statement.ts prunes by them). */
export type PartitionColumn = 'region' | 'timestamp';

export interface DdlOptions {
  /** Table name, optionally `database.table`: letters, digits and underscores. */
  table: string;
  /** s3:// prefix above the region folders (with a region partition) or the date folders (without). */
  location: string;
  partitions: readonly PartitionColumn[];
  /** Values of the region partition's enum projection. */
  regions: readonly string[];
  /** First day of the timestamp projection, yyyy/MM/dd. */
  start: string;
}

/** The README's placeholders (AWS's documentation bucket and account). */
export const DDL_DEFAULTS: DdlOptions = {
  table: 'cloudtrail_logs',
  location: 's3://amzn-s3-demo-bucket/AWSLogs/111122223333/CloudTrail/',
  partitions: ['region', 'timestamp'],
  regions: ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1'],
  start: '2024/01/01',
};

/**
 * The placeholder location for a table with these partitions. AWS's single-region table (timestamp alone)
 * sits on one region's folder: the CloudTrail/ prefix there would project `CloudTrail/2024/01/01/`, a
 * folder CloudTrail never writes, and the table would read nothing.
 */
export function defaultDdlLocation(partitions: readonly PartitionColumn[]): string {
  if (partitions.includes('timestamp') && !partitions.includes('region')) return `${DDL_DEFAULTS.location}${DDL_DEFAULTS.regions[0]}/`;
  return DDL_DEFAULTS.location;
}

export class DdlError extends Error {}

/** A struct type on one line when it holds no struct and fits, else one field a line (as AWS writes it). */
const ONE_LINE = 100;

function typeText(type: TableType, indent: string): string {
  switch (type.kind) {
    case 'string':
    case 'json':
      return 'STRING';
    case 'map':
      return 'MAP<STRING,STRING>';
    case 'array':
      return `ARRAY<${typeText(type.of, indent)}>`;
    case 'struct': {
      const flat = type.fields.every((f) => f.type.kind === 'string' || f.type.kind === 'json');
      const line = `STRUCT<${type.fields.map((f) => `${f.name}: ${typeText(f.type, '')}`).join(', ')}>`;
      if (flat && indent.length + line.length <= ONE_LINE) return line;
      const inner = indent + '    ';
      return `STRUCT<\n${type.fields.map((f) => `${inner}${f.name}: ${typeText(f.type, inner)}`).join(',\n')}>`;
    }
  }
}

/**
 * A DdlError for a name Athena has no table by: underscores are the only other characters it takes
 * in database and table names. The one rule for the table `sql --ddl` creates and the one
 * `sql --dialect athena` and `athena` query, so a name the DDL refuses is not quoted into a query.
 */
export function checkAthenaTableName(name: string): void {
  const parts = name.split('.');
  if (parts.length > 2 || parts.some((part) => !/^[A-Za-z0-9_]+$/.test(part))) {
    throw new DdlError(`'${name}' is not a table name Athena takes: letters, digits and underscores, optionally database.table`);
  }
}

/** A table name as Hive DDL takes it; a DdlError for one it does not. */
function tableName(name: string): string {
  checkAthenaTableName(name);
  const parts = name.split('.');
  // Athena stores names lowercase; one starting with an underscore or a digit needs backquotes.
  return parts.map((part) => part.toLowerCase()).map((part) => (/^[a-z]/.test(part) ? part : `\`${part}\``)).join('.');
}

/** The text of a TBLPROPERTIES or LOCATION literal: no quote, backslash or control character can end or bend it. */
function plainLiteral(what: string, value: string): string {
  if (/['\\\u0000-\u001f\u007f]/.test(value)) throw new DdlError(`${what} cannot hold quotes, backslashes or control characters`);
  return value;
}

/** An AWS region code: us-east-1, ap-southeast-5, us-gov-west-1, cn-north-1, us-isob-east-1, eusc-de-east-1 (the European Sovereign Cloud). */
const REGION_CODE = /^[a-z]{2,4}(?:-[a-z]+){1,2}-\d{1,2}$/;

/** yyyy/MM/dd naming a day that exists: Date.parse rolls 2024/02/31 over to March 2, which Athena's projection refuses. */
function isCalendarDay(text: string): boolean {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** CREATE EXTERNAL TABLE for AWS's CloudTrail table with partition projection. */
export function cloudtrailDdl(options: DdlOptions): string {
  const table = tableName(options.table);
  if (!options.location.startsWith('s3://') || options.location.length <= 's3://'.length) throw new DdlError('the location must be an s3:// prefix');
  const location = plainLiteral('the location', options.location.endsWith('/') ? options.location : `${options.location}/`);
  // The projection lists the region folders to read: a typo (`eu-west`, `euwest1`) or a name typed twice would make
  // Athena read a folder that is not there, in silence. Shape only: a list of regions would refuse the next new one.
  const seen = new Set<string>();
  for (const region of options.regions) {
    if (!REGION_CODE.test(region)) throw new DdlError(`'${region}' is not a region code (such as eu-west-1)`);
    if (seen.has(region)) throw new DdlError(`region ${region} is listed twice`);
    seen.add(region);
  }
  if (!isCalendarDay(options.start)) throw new DdlError(`'${options.start}' is not a start day (yyyy/MM/dd)`);
  const partitions = ['region', 'timestamp'].filter((p) => options.partitions.includes(p as PartitionColumn)) as PartitionColumn[];
  if (partitions.includes('region') && options.regions.length === 0) throw new DdlError('a region partition needs at least one region');

  const lines = [`CREATE EXTERNAL TABLE ${table} (`];
  lines.push(CLOUDTRAIL_TABLE.map((column) => `    ${column.name} ${typeText(column.type, '    ')}`).join(',\n'));
  lines.push(')');
  // `timestamp` is a reserved word in Hive DDL.
  if (partitions.length > 0) lines.push(`PARTITIONED BY (${partitions.map((p) => (p === 'timestamp' ? '`timestamp` STRING' : `${p} STRING`)).join(', ')})`);
  lines.push(
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION '${location}'`,
  );
  if (partitions.length === 0) return `${lines.join('\n')};`;
  const properties: [string, string][] = [['projection.enabled', 'true']];
  if (partitions.includes('region')) properties.push(['projection.region.type', 'enum'], ['projection.region.values', options.regions.join(',')]);
  if (partitions.includes('timestamp')) {
    properties.push(
      ['projection.timestamp.type', 'date'],
      ['projection.timestamp.format', 'yyyy/MM/dd'],
      ['projection.timestamp.range', `${options.start},NOW`],
      ['projection.timestamp.interval', '1'],
      ['projection.timestamp.interval.unit', 'DAYS'],
    );
  }
  properties.push(['storage.location.template', `${location}${partitions.map((p) => `\${${p}}`).join('/')}`]);
  lines.push('TBLPROPERTIES (', properties.map(([k, v]) => `  '${k}'='${v}'`).join(',\n'), ');');
  return lines.join('\n');
}
