import type { SessionIdentity } from './identities.js';
import type { Rng } from './prng.js';
import { isoSeconds } from './time.js';
import { regionOf, type AccountWorld } from './world.js';

/** One entry of a record's resources[]: the key is upper-case ARN, or ARNPrefix for S3 listings. */
export interface ResourceEntry {
  ARN?: string;
  ARNPrefix?: string;
  accountId?: string;
  type: string;
}

export interface CallContext {
  rng: Rng;
  world: AccountWorld;
  region: string;
  identity: SessionIdentity;
  timeMs: number;
}

/** The API-specific parts of a record. */
export interface CallBody {
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  resources?: ResourceEntry[];
  additionalEventData?: Record<string, unknown>;
}

export interface ApiTemplate {
  source: string;
  name: string;
  readOnly: boolean;
  /** IAM, STS, sign-in and the like record in us-east-1 whatever region the caller used. */
  global?: boolean;
  /** S3 object-level calls: eventCategory Data, managementEvent false. */
  data?: boolean;
  apiVersion?: string;
  build(c: CallContext): CallBody;
}

const res = (type: string, arn: string, accountId?: string): ResourceEntry =>
  accountId === undefined ? { type, ARN: arn } : { ARN: arn, accountId, type };

export const instanceArn = (c: CallContext, id: string) => `arn:aws:ec2:${c.region}:${c.world.id}:instance/${id}`;
export const sgArn = (c: CallContext, id: string) => `arn:aws:ec2:${c.region}:${c.world.id}:security-group/${id}`;
export const roleArn = (world: AccountWorld, name: string) => `arn:aws:iam::${world.id}:role/${name}`;
const userArn = (world: AccountWorld, name: string) => `arn:aws:iam::${world.id}:user/${name}`;
const functionArn = (c: CallContext, name: string) => `arn:aws:lambda:${c.region}:${c.world.id}:function:${name}`;

const OBJECT_KEYS = ['reports/2026/11/daily.csv', 'img/logo.png', 'exports/orders-2026-11-22.parquet', 'backups/db-snapshot.tar.zst', 'index.html'];

function instanceState(id: string, from: [number, string], to: [number, string]) {
  return { instanceId: id, currentState: { code: to[0], name: to[1] }, previousState: { code: from[0], name: from[1] } };
}

function ec2InstanceCall(name: string, from: [number, string], to: [number, string]): ApiTemplate {
  return {
    source: 'ec2.amazonaws.com', name, readOnly: false,
    build(c) {
      const id = c.rng.pick(regionOf(c.world, c.region).instances);
      return {
        requestParameters: { instancesSet: { items: [{ instanceId: id }] } },
        responseElements: { requestId: c.rng.uuid(), instancesSet: { items: [instanceState(id, from, to)] } },
        resources: [res('AWS::EC2::Instance', instanceArn(c, id), c.world.id)],
      };
    },
  };
}

function s3Object(name: string, readOnly: boolean): ApiTemplate {
  return {
    source: 's3.amazonaws.com', name, readOnly, data: true,
    build(c) {
      const bucket = c.rng.pick(c.world.buckets);
      const key = c.rng.pick(OBJECT_KEYS);
      return {
        requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, key },
        responseElements: readOnly ? null : { 'x-amz-server-side-encryption': 'AES256' },
        additionalEventData: {
          SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader',
          bytesTransferredIn: readOnly ? 0 : c.rng.int(200, 900_000), bytesTransferredOut: readOnly ? c.rng.int(200, 900_000) : 0,
        },
        resources: [res('AWS::S3::Object', `arn:aws:s3:::${bucket}/${key}`), res('AWS::S3::Bucket', `arn:aws:s3:::${bucket}`, c.world.id)],
      };
    },
  };
}

function lambdaCall(name: string, readOnly: boolean): ApiTemplate {
  return {
    source: 'lambda.amazonaws.com', name, readOnly,
    build(c) {
      const fn = c.rng.pick(c.world.functions);
      const arn = functionArn(c, fn);
      return {
        requestParameters: readOnly ? { functionName: fn } : { functionName: fn, publish: true, s3Bucket: c.world.buckets[0], s3Key: `lambda/${fn}.zip` },
        responseElements: readOnly ? null : {
          functionName: fn, functionArn: arn, runtime: 'nodejs20.x', role: roleArn(c.world, 'orders-api-role'), handler: 'index.handler',
          codeSize: c.rng.int(2_000, 4_000_000), timeout: 30, memorySize: 256, lastModified: new Date(c.timeMs).toISOString().replace('Z', '+0000'),
          version: String(c.rng.int(2, 90)), state: 'Active', lastUpdateStatus: 'InProgress',
        },
        resources: [res('AWS::Lambda::Function', arn, c.world.id)],
      };
    },
  };
}

function iamRead(name: string, kind: 'user' | 'role' | 'none'): ApiTemplate {
  return {
    source: 'iam.amazonaws.com', name, readOnly: true, global: true,
    build(c) {
      if (kind === 'none') return { requestParameters: null, responseElements: null };
      const target = c.rng.pick(kind === 'user' ? c.world.users : c.world.roles);
      const arn = kind === 'user' ? userArn(c.world, target) : roleArn(c.world, target);
      return {
        requestParameters: kind === 'user' ? { userName: target } : { roleName: target },
        responseElements: null,
        resources: [res(kind === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role', arn, c.world.id)],
      };
    },
  };
}

/** The body of a successful CreateRole; exported so the formula-named role can reuse it. */
export function roleCreation(c: CallContext, name: string): CallBody {
  const arn = roleArn(c.world, name);
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  return {
    requestParameters: { roleName: name, assumeRolePolicyDocument: JSON.stringify(trust) },
    responseElements: { role: { path: '/', roleName: name, roleId: `AROA${c.rng.upper(17)}`, arn, createDate: 'Nov 24, 2026, 10:15:03 AM', assumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)) } },
    resources: [res('AWS::IAM::Role', arn, c.world.id)],
  };
}

export const TEMPLATES = {
  DescribeInstances: {
    source: 'ec2.amazonaws.com', name: 'DescribeInstances', readOnly: true,
    build: () => ({ requestParameters: { instancesSet: {}, filterSet: {} }, responseElements: null }),
  },
  DescribeSecurityGroups: {
    source: 'ec2.amazonaws.com', name: 'DescribeSecurityGroups', readOnly: true,
    build: () => ({ requestParameters: { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} }, responseElements: null }),
  },
  RunInstances: {
    source: 'ec2.amazonaws.com', name: 'RunInstances', readOnly: false,
    build(c) {
      const r = regionOf(c.world, c.region);
      const id = `i-0${c.rng.hex(16)}`;
      const image = c.rng.pick(r.amis);
      const type = c.rng.pick(['t3.micro', 't3.large', 'm7i.xlarge']);
      return {
        requestParameters: {
          instancesSet: { items: [{ imageId: image, minCount: 1, maxCount: 1 }] }, instanceType: type,
          blockDeviceMapping: {}, subnetId: c.rng.pick(r.subnets), disableApiTermination: false, clientToken: c.rng.uuid(),
        },
        responseElements: {
          requestId: c.rng.uuid(), reservationId: `r-0${c.rng.hex(16)}`, ownerId: c.world.id, groupSet: {},
          instancesSet: { items: [{ instanceId: id, imageId: image, instanceState: { code: 0, name: 'pending' }, instanceType: type, subnetId: r.subnets[0], vpcId: r.vpc }] },
        },
        resources: [res('AWS::EC2::Instance', instanceArn(c, id), c.world.id)],
      };
    },
  },
  StartInstances: ec2InstanceCall('StartInstances', [80, 'stopped'], [0, 'pending']),
  StopInstances: ec2InstanceCall('StopInstances', [16, 'running'], [64, 'stopping']),
  TerminateInstances: ec2InstanceCall('TerminateInstances', [16, 'running'], [32, 'shutting-down']),
  CreateSecurityGroup: {
    source: 'ec2.amazonaws.com', name: 'CreateSecurityGroup', readOnly: false,
    build(c) {
      const id = `sg-0${c.rng.hex(16)}`;
      return {
        requestParameters: { groupName: `svc-${c.rng.hex(6)}`, groupDescription: 'managed by terraform', vpcId: regionOf(c.world, c.region).vpc },
        responseElements: { requestId: c.rng.uuid(), _return: true, groupId: id },
        resources: [res('AWS::EC2::SecurityGroup', sgArn(c, id), c.world.id)],
      };
    },
  },
  AuthorizeSecurityGroupIngress: {
    source: 'ec2.amazonaws.com', name: 'AuthorizeSecurityGroupIngress', readOnly: false,
    build(c) {
      const group = c.rng.pick(regionOf(c.world, c.region).securityGroups);
      const port = c.rng.pick([22, 443, 3389, 5432, 8080]);
      const cidr = c.rng.chance(0.3) ? '0.0.0.0/0' : `10.${c.rng.int(0, 40)}.0.0/16`;
      return {
        requestParameters: {
          groupId: group,
          ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, groups: {}, ipRanges: { items: [{ cidrIp: cidr }] }, ipv6Ranges: {}, prefixListIds: {} }] },
        },
        responseElements: {
          requestId: c.rng.uuid(), _return: true,
          securityGroupRuleSet: { items: [{ groupOwnerId: c.world.id, groupId: group, securityGroupRuleId: `sgr-0${c.rng.hex(16)}`, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr }] },
        },
        resources: [res('AWS::EC2::SecurityGroup', sgArn(c, group), c.world.id)],
      };
    },
  },
  ListBuckets: {
    source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true, global: true,
    build: () => ({
      requestParameters: { Host: 's3.amazonaws.com' }, responseElements: null,
      additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', AuthenticationMethod: 'AuthHeader', bytesTransferredIn: 0, bytesTransferredOut: 1_131 },
    }),
  },
  GetBucketAcl: {
    source: 's3.amazonaws.com', name: 'GetBucketAcl', readOnly: true,
    build(c) {
      const bucket = c.rng.pick(c.world.buckets);
      return {
        requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, acl: '' },
        responseElements: null,
        resources: [res('AWS::S3::Bucket', `arn:aws:s3:::${bucket}`, c.world.id)],
      };
    },
  },
  PutBucketPolicy: {
    source: 's3.amazonaws.com', name: 'PutBucketPolicy', readOnly: false,
    build(c) {
      const bucket = c.rng.pick(c.world.buckets);
      return {
        requestParameters: {
          bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, policy: '',
          bucketPolicy: { Version: '2012-10-17', Statement: [{ Sid: 'DenyInsecure', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
        },
        responseElements: null,
        resources: [res('AWS::S3::Bucket', `arn:aws:s3:::${bucket}`, c.world.id)],
      };
    },
  },
  GetObject: s3Object('GetObject', true),
  PutObject: s3Object('PutObject', false),
  ListObjects: {
    source: 's3.amazonaws.com', name: 'ListObjects', readOnly: true, data: true,
    build(c) {
      const bucket = c.rng.pick(c.world.buckets);
      const prefix = c.rng.pick(['reports/', 'img/', 'exports/2026/']);
      return {
        requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, prefix, 'list-type': '2', 'max-keys': '1000' },
        responseElements: null,
        resources: [{ type: 'AWS::S3::Object', ARNPrefix: `arn:aws:s3:::${bucket}/${prefix}` }, res('AWS::S3::Bucket', `arn:aws:s3:::${bucket}`, c.world.id)],
      };
    },
  },
  ListUsers: iamRead('ListUsers', 'none'),
  ListRoles: iamRead('ListRoles', 'none'),
  GetUser: iamRead('GetUser', 'user'),
  GetRole: iamRead('GetRole', 'role'),
  CreateUser: {
    source: 'iam.amazonaws.com', name: 'CreateUser', readOnly: false, global: true,
    build(c) {
      const name = `contractor-${c.rng.digits(3)}`;
      const arn = userArn(c.world, name);
      return {
        requestParameters: { userName: name },
        responseElements: { user: { path: '/', userName: name, userId: `AIDA${c.rng.upper(17)}`, arn, createDate: 'Nov 23, 2026, 9:00:00 AM' } },
        resources: [res('AWS::IAM::User', arn, c.world.id)],
      };
    },
  },
  CreateAccessKey: {
    source: 'iam.amazonaws.com', name: 'CreateAccessKey', readOnly: false, global: true,
    build(c) {
      const name = c.rng.pick(c.world.users);
      return {
        requestParameters: { userName: name },
        responseElements: { accessKey: { userName: name, accessKeyId: `AKIA${c.rng.upper(16)}`, status: 'Active', createDate: isoSeconds(c.timeMs) } },
        resources: [res('AWS::IAM::User', userArn(c.world, name), c.world.id)],
      };
    },
  },
  CreateRole: {
    source: 'iam.amazonaws.com', name: 'CreateRole', readOnly: false, global: true,
    build(c) {
      const name = `app-${c.rng.hex(6)}-role`;
      return roleCreation(c, name);
    },
  },
  AttachRolePolicy: {
    source: 'iam.amazonaws.com', name: 'AttachRolePolicy', readOnly: false, global: true,
    build(c) {
      const role = c.rng.pick(c.world.roles);
      return {
        requestParameters: { roleName: role, policyArn: c.rng.pick(['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3FullAccess']) },
        responseElements: null,
        resources: [res('AWS::IAM::Role', roleArn(c.world, role), c.world.id)],
      };
    },
  },
  GetCallerIdentity: {
    source: 'sts.amazonaws.com', name: 'GetCallerIdentity', readOnly: true, global: true,
    build: () => ({ requestParameters: null, responseElements: null }),
  },
  AssumeRole: {
    source: 'sts.amazonaws.com', name: 'AssumeRole', readOnly: true, global: true,
    build(c) {
      const role = c.rng.pick(c.world.roles);
      const arn = roleArn(c.world, role);
      const session = `${role}-${c.rng.digits(6)}`;
      const key = `ASIA${c.rng.upper(16)}`;
      return {
        requestParameters: { roleArn: arn, roleSessionName: session, durationSeconds: 3600 },
        responseElements: {
          credentials: { accessKeyId: key, sessionToken: `IQoJb3JpZ2luX2VjE${c.rng.alnum(40)}`, expiration: new Date(c.timeMs + 3_600_000).toUTCString() },
          assumedRoleUser: { assumedRoleId: `AROA${c.rng.upper(17)}:${session}`, arn: `arn:aws:sts::${c.world.id}:assumed-role/${role}/${session}` },
        },
        resources: [res('AWS::IAM::AccessKey', `arn:aws:iam::${c.world.id}:access-key/${key}`, c.world.id), res('AWS::IAM::Role', arn, c.world.id)],
      };
    },
  },
  ListFunctions: {
    source: 'lambda.amazonaws.com', name: 'ListFunctions20150331', readOnly: true,
    build: () => ({ requestParameters: null, responseElements: null }),
  },
  GetFunction: lambdaCall('GetFunction20150331v2', true),
  UpdateFunctionCode: lambdaCall('UpdateFunctionCode20150331v2', false),
  Decrypt: {
    source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true,
    build(c) {
      const key = c.rng.pick(c.world.kmsKeys);
      return {
        requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:lambda:FunctionArn': functionArn(c, c.rng.pick(c.world.functions)) } },
        responseElements: null,
        resources: [res('AWS::KMS::Key', `arn:aws:kms:${c.region}:${c.world.id}:key/${key}`, c.world.id)],
      };
    },
  },
  ListAccounts: {
    source: 'sso.amazonaws.com', name: 'ListAccounts', readOnly: true,
    build: () => ({ requestParameters: { maxResults: 100 }, responseElements: null }),
  },
  ListAccountRoles: {
    source: 'sso.amazonaws.com', name: 'ListAccountRoles', readOnly: true,
    build: (c) => ({ requestParameters: { accountId: c.world.id }, responseElements: null }),
  },
} satisfies Record<string, ApiTemplate>;

export type ApiName = keyof typeof TEMPLATES;

/** The errorCode and errorMessage a service returns when IAM denies the call. */
export function denial(template: ApiTemplate, identity: SessionIdentity, resource: string): { code: string; message: string } {
  const service = template.source.split('.')[0]!;
  const action = `${service}:${template.name.replace(/\d{8}(v\d)?$/, '')}`;
  const who = typeof identity.userIdentity.arn === 'string' ? identity.userIdentity.arn : identity.attributionArn;
  const why = `User: ${who} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
  switch (service) {
    case 'ec2': return { code: 'Client.UnauthorizedOperation', message: `You are not authorized to perform this operation. ${why}` };
    case 's3': return { code: 'AccessDenied', message: 'Access Denied' };
    case 'lambda':
    case 'kms': return { code: 'AccessDeniedException', message: why };
    default: return { code: 'AccessDenied', message: why };
  }
}
