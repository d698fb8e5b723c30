import { buildSearchText } from '../../src/model/searchText.js';
import type { EventRow, ResourceRef } from '../../src/model/types.js';
import { pick } from '../support/random.js';
import { eventRow, type RowFields } from '../support/rows.js';

/** The text plain words are matched against: the model's own definition, so tests see what real rows give. */
export function searchText(row: EventRow): string {
  return buildSearchText(row);
}

export function resource(type: string, name: string, arn = '', accountId = ''): ResourceRef {
  return { type, name, arn, accountId };
}

let counter = 0;

/** A complete EventRow with every field set. */
export function makeRow(fields: RowFields = {}): EventRow {
  counter++;
  return eventRow({
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    accessKey: 'AKIAEXAMPLE0000ALICE',
    userAgent: 'aws-cli/2.13.5',
    readOnly: true,
    requestId: `req-${counter}`,
    ref: { file: 'test.json', index: counter },
    ...fields,
  });
}

/** An assumed-role row the way the reader fills one (actor Role/session, names role + session). */
export function assumedRoleRow(role: string, session: string, fields: RowFields = {}): EventRow {
  return makeRow({
    actor: `${role}/${session}`,
    identityType: 'AssumedRole',
    principalArn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
    userNames: [role, session],
    accessKey: 'ASIAEXAMPLE00SESSION',
    ...fields,
  });
}

/** A small deterministic PRNG so random tests are reproducible. */
export { rng as seededRandom } from '../support/random.js';

const NAMES = ['GetObject', 'PutObject', 'AssumeRole', 'AssumeRoleWithSAML', 'ConsoleLogin', 'RunInstances', 'DeleteBucket', 'ListBuckets', 'CreateUser', 'DescribeInstances'];
const SOURCES = ['s3.amazonaws.com', 'sts.amazonaws.com', 'signin.amazonaws.com', 'ec2.amazonaws.com', 'iam.amazonaws.com'];
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const ERRORS = ['', '', '', 'AccessDenied', 'Client.UnauthorizedOperation', 'NoSuchBucket'];
const USERS = ['alice', 'bob', 'Carol'];
const ROLES = ['Admin', 'ReadOnly', 'deploy-role'];
const SESSIONS = ['alice', 'ci-job', 'i-0abc123'];
const BUCKETS = ['my-bucket', 'logs', 'Backups'];

/** A random but plausible row; every field varies a little. */
export function randomRow(random: () => number): EventRow {
  const assumed = random() < 0.4;
  const root = !assumed && random() < 0.1;
  const user = pick(random, USERS);
  const role = pick(random, ROLES);
  const session = pick(random, SESSIONS);
  const bucket = pick(random, BUCKETS);
  const resources =
    random() < 0.5
      ? [resource('AWS::S3::Bucket', bucket, `arn:aws:s3:::${bucket}`)]
      : random() < 0.5
        ? [resource('AWS::S3::Object', `${bucket}/key${Math.floor(random() * 3)}`, random() < 0.5 ? `arn:aws:s3:::${bucket}/` : `arn:aws:s3:::${bucket}/key1`)]
        : [resource('AWS::EC2::Instance', `i-0${Math.floor(random() * 5)}`, '')];
  const timeBase = Date.UTC(2024, 2, 5, 0, 0, 0);
  const fields: RowFields = {
    time: random() < 0.03 ? Number.NaN : timeBase + Math.floor(random() * 10) * 3_600_000,
    name: pick(random, NAMES),
    source: pick(random, SOURCES),
    region: pick(random, REGIONS),
    errorCode: pick(random, ERRORS),
    readOnly: random() < 0.1 ? null : random() < 0.5,
    category: random() < 0.7 ? 'Management' : 'Data',
    eventType: random() < 0.9 ? 'AwsApiCall' : 'AwsConsoleSignIn',
    sourceIp: `10.0.${Math.floor(random() * 3)}.${Math.floor(random() * 3)}`,
    account: random() < 0.8 ? '111122223333' : '444455556666',
    recipientAccount: random() < 0.9 ? '111122223333' : '777788889999',
    accessKey: random() < 0.5 ? 'AKIAEXAMPLE0000ALICE' : random() < 0.5 ? 'ASIAEXAMPLE00SESSION' : '',
    resources,
  };
  if (assumed) return assumedRoleRow(role, session, fields);
  if (root) {
    return makeRow({ ...fields, actor: 'root', identityType: 'Root', principalArn: 'arn:aws:iam::111122223333:root', userNames: ['root'] });
  }
  return makeRow({ ...fields, actor: user, userNames: [user], principalArn: `arn:aws:iam::111122223333:user/${user}` });
}
