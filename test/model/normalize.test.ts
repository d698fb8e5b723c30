import { describe, expect, it } from 'vitest';
import { actorLabel, userNamesOf } from '../../src/model/actor.js';
import { booleanOf, contentId, normalize, normalizeLookupEvent, parseEventTime } from '../../src/model/normalize.js';
import { nameFromArn, resourcesOf } from '../../src/model/resources.js';
import { buildSearchText } from '../../src/model/searchText.js';
import { RecordBatch, rowInsight, timeRawOf } from '../../src/model/recordBatch.js';
import type { RecordRef } from '../../src/model/types.js';
import { plainRow } from '../support/rows.js';

const ref = { file: '/logs/a.json', index: 3 };

/** normalize's batch and index arguments for a record at `where`, in a batch of its own. */
function at(where: RecordRef): [RecordBatch, number] {
  return [new RecordBatch(where.file), where.index];
}

const assumed = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLE:MySession',
  arn: 'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySession',
  accountId: '123456789012',
  accessKeyId: 'ASIAEXAMPLE',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLE',
      arn: 'arn:aws:iam::123456789012:role/RoleToBeAssumed',
      accountId: '123456789012',
      userName: 'RoleToBeAssumed',
    },
  },
};

describe('actor label (cloudtrail.md 1.2)', () => {
  it('IAMUser is its userName', () => {
    expect(actorLabel({ type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::1:user/alice' })).toBe('alice');
  });
  it('AssumedRole is issuer/session from the session issuer and the last ARN segment', () => {
    expect(actorLabel(assumed)).toBe('RoleToBeAssumed/MySession');
  });
  it('AssumedRole without a session issuer takes the role from the ARN', () => {
    expect(actorLabel({ type: 'AssumedRole', arn: 'arn:aws:sts::1:assumed-role/Deployer/ci-42' })).toBe('Deployer/ci-42');
  });
  it('Root is root, whatever else it carries', () => {
    expect(actorLabel({ type: 'Root', arn: 'arn:aws:iam::1:root', userName: 'my-alias' })).toBe('root');
  });
  it('IdentityCenterUser is idc:<onBehalfOf.userId>', () => {
    expect(actorLabel({ type: 'IdentityCenterUser', onBehalfOf: { userId: 'u-123', identityStoreArn: 'x' }, credentialId: 'c' })).toBe('idc:u-123');
  });
  it('AWSService is invokedBy', () => {
    expect(actorLabel({ type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' })).toBe('cloudtrail.amazonaws.com');
  });
  it('a missing type with invokedBy is invokedBy (KMS RotateKey example)', () => {
    expect(actorLabel({ accountId: '1', invokedBy: 'AWS Internal' })).toBe('AWS Internal');
  });
  it('otherwise arn, then principalId, then type', () => {
    expect(actorLabel({ type: 'FederatedUser', arn: 'arn:aws:sts::1:federated-user/bob', principalId: 'p' })).toBe('arn:aws:sts::1:federated-user/bob');
    expect(actorLabel({ type: 'SAMLUser', principalId: 'SAML:bob' })).toBe('SAML:bob');
    expect(actorLabel({ type: 'Unknown' })).toBe('Unknown');
    expect(actorLabel({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/x' })).toBe('arn:aws:iam::1:user/x');
  });
  it('tolerates null, wrong types and missing identities', () => {
    expect(actorLabel(null)).toBe('');
    expect(actorLabel('IAMUser')).toBe('');
    expect(actorLabel({ type: 42, userName: ['x'] })).toBe('42');
    expect(actorLabel({ type: 'AssumedRole', arn: { x: 1 }, sessionContext: 'nope' })).toBe('AssumedRole');
  });
});

describe('user names', () => {
  it('an assumed role gives role, session and ARN', () => {
    expect(userNamesOf(assumed)).toEqual(['RoleToBeAssumed', 'MySession', 'arn:aws:sts::123456789012:assumed-role/RoleToBeAssumed/MySession']);
  });
  it('an assumed-role ARN under another type still gives Role/session', () => {
    const names = userNamesOf({ type: 'Unknown', arn: 'arn:aws:sts::1:assumed-role/AWSReservedSSO_Admin_1b74/Adan' });
    expect(names).toContain('AWSReservedSSO_Admin_1b74/Adan');
    expect(names).toContain('Adan');
  });
  it('root gives root and the user name (alias)', () => {
    expect(userNamesOf({ type: 'Root', userName: 'corp-alias', arn: 'arn:aws:iam::1:root' })).toEqual(['corp-alias', 'root', 'arn:aws:iam::1:root']);
  });
  it('an IAM user gives its name and ARN', () => {
    expect(userNamesOf({ type: 'IAMUser', userName: 'alice', arn: 'arn:aws:iam::1:user/alice' })).toEqual(['alice', 'arn:aws:iam::1:user/alice']);
  });
});

describe('event time', () => {
  it('parses trail times as UTC', () => {
    expect(parseEventTime('2023-07-19T21:33:41Z')).toBe(Date.UTC(2023, 6, 19, 21, 33, 41));
  });
  it('converts a local offset to UTC (lookup-events)', () => {
    expect(new Date(parseEventTime('2022-02-08 09:23:37+11:00')).toISOString()).toBe('2022-02-07T22:23:37.000Z');
    expect(new Date(parseEventTime('2022-02-08T09:23:37-05:30')).toISOString()).toBe('2022-02-08T14:53:37.000Z');
  });
  it('reads a time without a zone as UTC (CloudTrail Lake), with fractions', () => {
    expect(new Date(parseEventTime('2023-01-22 16:53:53.250')).toISOString()).toBe('2023-01-22T16:53:53.250Z');
  });
  it('is NaN for nonsense, impossible dates and wrong types', () => {
    expect(parseEventTime('ThisIsAWrongEventTime')).toBeNaN();
    expect(parseEventTime('2023-02-30T00:00:00Z')).toBeNaN();
    expect(parseEventTime('2023-13-01T00:00:00Z')).toBeNaN();
    expect(parseEventTime(null)).toBeNaN();
    expect(parseEventTime({})).toBeNaN();
  });
  it('accepts epoch seconds and ms', () => {
    expect(parseEventTime(1_700_000_000)).toBe(1_700_000_000_000);
    expect(parseEventTime(1_700_000_000_123)).toBe(1_700_000_000_123);
  });
});

describe('normalize', () => {
  const record = {
    eventVersion: '1.08',
    userIdentity: assumed,
    eventTime: '2023-07-19T21:33:41Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.7',
    userAgent: 'aws-cli/2.13.5',
    errorCode: 'AccessDenied',
    errorMessage: 'nope',
    requestParameters: { userName: 'Bob' },
    responseElements: null,
    requestID: 'req-1',
    eventID: 'evt-1',
    readOnly: false,
    eventType: 'AwsApiCall',
    recipientAccountId: '210987654321',
    sharedEventID: 'shared-1',
    eventCategory: 'Management',
  };

  it('projects every field', () => {
    const row = normalize(record, ...at(ref));
    expect(plainRow(row)).toMatchObject({
      id: 'evt-1',
      time: Date.UTC(2023, 6, 19, 21, 33, 41),
      timeRaw: '',
      name: 'CreateUser',
      source: 'iam.amazonaws.com',
      region: 'us-east-1',
      actor: 'RoleToBeAssumed/MySession',
      identityType: 'AssumedRole',
      principalArn: assumed.arn,
      account: '123456789012',
      recipientAccount: '210987654321',
      accessKey: 'ASIAEXAMPLE',
      sourceIp: '192.0.2.7',
      userAgent: 'aws-cli/2.13.5',
      errorCode: 'AccessDenied',
      errorMessage: 'nope',
      readOnly: false,
      eventType: 'AwsApiCall',
      category: 'Management',
      requestId: 'req-1',
      sharedEventId: 'shared-1',
      insight: null,
      ref: { file: '/logs/a.json', index: 3 },
      seq: -1,
    });
    expect(row.resources).toEqual([{ type: 'AWS::IAM::User', name: 'Bob', arn: '', accountId: '' }]);
    expect(buildSearchText(row)).toBe(
      ['createuser', 'iam.amazonaws.com', 'roletobeassumed/mysession', 'roletobeassumed', 'mysession', assumed.arn.toLowerCase(), 'bob', '192.0.2.7', 'accessdenied', 'us-east-1', 'asiaexample'].join('\n'),
    );
  });

  it('gives every row the same property order (one hidden class)', () => {
    const full = Object.keys(normalize(record, ...at(ref)));
    expect(Object.keys(normalize({}, ...at(ref)))).toEqual(full);
    expect(Object.keys(normalize(null, ...at(ref)))).toEqual(full);
    expect(Object.keys(normalizeLookupEvent({ EventId: 'x', EventName: 'y' }, ...at(ref)))).toEqual(full);
  });

  it('tolerates an all-null record', () => {
    const row = normalize(
      { eventVersion: '1.1', userIdentity: null, eventTime: null, eventSource: null, eventName: null, resources: null, readOnly: null, requestParameters: null },
      ...at(ref),
    );
    expect(row.name).toBe('');
    expect(row.actor).toBe('');
    expect(row.time).toBeNaN();
    expect(timeRawOf(row)).toBe('');
    expect(row.readOnly).toBeNull();
    expect(row.resources).toEqual([]);
    expect(row.id.startsWith('content:')).toBe(true);
  });

  it('keeps an unparseable time as timeRaw', () => {
    const row = normalize({ eventTime: 'ThisIsAWrongEventTime', eventName: 'x' }, ...at(ref));
    expect(row.time).toBeNaN();
    expect(timeRawOf(row)).toBe('ThisIsAWrongEventTime');
  });

  it('gives identical records without eventID the same content id, whatever the key order', () => {
    const a = normalize({ eventName: 'A', eventTime: '2020-01-01T00:00:00Z', nested: { x: 1, y: [1, 2] } }, ...at(ref));
    const b = normalize({ nested: { y: [1, 2], x: 1 }, eventTime: '2020-01-01T00:00:00Z', eventName: 'A' }, ...at({ file: 'other', index: 0 }));
    const c = normalize({ eventName: 'A', eventTime: '2020-01-01T00:00:01Z', nested: { x: 1, y: [1, 2] } }, ...at(ref));
    expect(a.id).toMatch(/^content:[0-9a-f]{40}$/);
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
    expect(contentId({ a: 1 })).not.toBe(contentId({ a: '1' }));
  });

  it('readOnly takes booleans and "true"/"false" strings only', () => {
    expect(booleanOf(true)).toBe(true);
    expect(booleanOf('false')).toBe(false);
    expect(booleanOf('TRUE')).toBe(true);
    expect(booleanOf('yes')).toBeNull();
    expect(booleanOf(1)).toBeNull();
    expect(normalize({ readOnly: 'true', eventName: 'x' }, ...at(ref)).readOnly).toBe(true);
  });

  it('turns numbers into text and ignores objects where strings belong', () => {
    const row = normalize({ eventName: { evil: true }, awsRegion: ['us-east-1'], recipientAccountId: 123456789012, eventID: 42 }, ...at(ref));
    expect(row.name).toBe('');
    expect(row.region).toBe('');
    expect(row.recipientAccount).toBe('123456789012');
    expect(row.id).toBe('42');
  });

  it('reads Insights records from insightDetails', () => {
    const row = normalize(
      {
        eventVersion: '1.07',
        eventTime: '2019-11-14T00:51:00Z',
        awsRegion: 'us-east-1',
        eventID: 'ins-1',
        eventType: 'AwsCloudTrailInsight',
        sharedEventID: 'pair-1',
        insightDetails: {
          state: 'Start',
          eventSource: 'ssm.amazonaws.com',
          eventName: 'UpdateInstanceInformation',
          insightType: 'ApiCallRateInsight',
          insightContext: {
            statistics: { baseline: { average: 85.42 }, insight: { average: 664 }, insightDuration: 1, baselineDuration: 10079 },
            attributions: [{ attribute: 'userAgent', insight: [{ value: 'aws-cli', average: 664 }], baseline: [] }, null],
          },
        },
        eventCategory: 'Insight',
      },
      ...at(ref),
    );
    expect(row.name).toBe('UpdateInstanceInformation');
    expect(row.source).toBe('ssm.amazonaws.com');
    expect(row.actor).toBe('');
    expect(rowInsight(row)).toEqual({
      state: 'Start',
      eventSource: 'ssm.amazonaws.com',
      eventName: 'UpdateInstanceInformation',
      insightType: 'ApiCallRateInsight',
      errorCode: '',
      baselineAverage: 85.42,
      insightAverage: 664,
      insightDuration: 1,
      baselineDuration: 10079,
      attributions: [{ attribute: 'userAgent', insight: [{ value: 'aws-cli', average: 664 }], baseline: [] }],
    });
  });

  it('lookup-events: takes the CloudTrailEvent record and falls back to the outer fields', () => {
    const inner = { eventID: 'in-1', eventName: 'RunInstances', eventTime: '2022-02-07T22:19:05Z', userIdentity: { type: 'IAMUser', userName: 'fake' } };
    const row = normalizeLookupEvent({ EventId: 'in-1', EventName: 'Ignored', EventTime: '2022-02-08 09:19:05+11:00', CloudTrailEvent: JSON.stringify(inner) }, ...at(ref));
    expect(row.id).toBe('in-1');
    expect(row.name).toBe('RunInstances');
    expect(row.actor).toBe('fake');
    const outerOnly = normalizeLookupEvent(
      {
        EventId: 'out-1',
        EventName: 'StopInstances',
        EventTime: '2022-02-08 09:23:03+11:00',
        EventSource: 'ec2.amazonaws.com',
        Username: 'bob',
        AccessKeyId: 'AKIA1',
        ReadOnly: 'false',
        Resources: [{ ResourceType: 'AWS::EC2::Instance', ResourceName: 'i-0abc' }],
        CloudTrailEvent: '{not json',
      },
      ...at(ref),
    );
    expect(outerOnly).toMatchObject({
      id: 'out-1',
      name: 'StopInstances',
      source: 'ec2.amazonaws.com',
      time: Date.UTC(2022, 1, 7, 22, 23, 3),
      actor: 'bob',
      accessKey: 'AKIA1',
      readOnly: false,
      resources: [{ type: 'AWS::EC2::Instance', name: 'i-0abc', arn: '', accountId: '' }],
    });
    expect(buildSearchText(outerOnly)).toContain('i-0abc');
  });
});

describe('resources', () => {
  it('names resources the console way', () => {
    expect(nameFromArn('arn:aws:s3:::my-bucket')).toBe('my-bucket');
    expect(nameFromArn('arn:aws:s3:::my-bucket/path/key.txt')).toBe('my-bucket/path/key.txt');
    expect(nameFromArn('arn:aws:ec2:us-east-1:1:instance/i-0abc')).toBe('i-0abc');
    expect(nameFromArn('arn:aws:iam::1:role/service-role/MyRole')).toBe('MyRole');
    expect(nameFromArn('arn:aws:lambda:us-east-1:1:function:my-fn:PROD')).toBe('my-fn');
    expect(nameFromArn('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/x:*')).toBe('/aws/lambda/x');
    expect(nameFromArn('arn:aws:sns:us-east-1:1:alerts')).toBe('alerts');
    expect(nameFromArn('i-0abc')).toBe('i-0abc');
    expect(nameFromArn('arn:broken')).toBe('arn:broken');
  });

  it('takes resources[] with ARN or ARNPrefix and drops repeats', () => {
    const record = {
      resources: [
        { ARN: 'arn:aws:iam::1:role/myRole', accountId: '1', type: 'AWS::IAM::Role' },
        { ARN: 'arn:aws:iam::1:role/myRole', accountId: '1', type: 'AWS::IAM::Role' },
        { ARNPrefix: 'arn:aws:s3:::bucket/logs/', type: 'AWS::S3::Object' },
        null,
        'junk',
        { type: { nested: true } },
      ],
      requestParameters: { bucketName: 'not-used-when-resources-exist' },
    };
    expect(resourcesOf(record, 's3.amazonaws.com')).toEqual([
      { type: 'AWS::IAM::Role', name: 'myRole', arn: 'arn:aws:iam::1:role/myRole', accountId: '1' },
      { type: 'AWS::S3::Object', name: 'bucket/logs/', arn: 'arn:aws:s3:::bucket/logs/', accountId: '' },
    ]);
  });

  it('derives well-known resources from requestParameters when resources[] is absent', () => {
    const derived = resourcesOf(
      {
        requestParameters: {
          bucketName: 'b1',
          instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }, { instanceId: 5 }] },
          instanceIds: ['i-2', 'i-3'],
          groupId: 'sg-9',
          roleName: 'Admin',
          functionName: 'arn:aws:lambda:us-east-1:1:function:fn1',
        },
      },
      'ec2.amazonaws.com',
    );
    expect(derived.map((r) => `${r.type} ${r.name}`)).toEqual([
      'AWS::S3::Bucket b1',
      'AWS::EC2::Instance i-2',
      'AWS::EC2::Instance i-3',
      'AWS::EC2::Instance i-1',
      'AWS::EC2::SecurityGroup sg-9',
      'AWS::IAM::Role Admin',
      'AWS::Lambda::Function fn1',
    ]);
  });

  it('treats userName as an IAM user only on IAM calls', () => {
    expect(resourcesOf({ requestParameters: { userName: 'bob' } }, 'iam.amazonaws.com')).toHaveLength(1);
    expect(resourcesOf({ requestParameters: { userName: 'bob' } }, 'signin.amazonaws.com')).toHaveLength(0);
  });
});
