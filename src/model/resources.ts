import type { ResourceRef } from './types.js';
import { objectOf, text } from './actor.js';

type Loose = Record<string, unknown>;

/** At most this many resources per event: a request naming thousands of instances must not bloat a row. */
const MAX_RESOURCES = 64;

/**
 * The console-style name of an ARN's resource: bucket name (or bucket/key),
 * instance id, role or user name, function name, the last path segment.
 * A value that is not an ARN is its own name.
 */
export function nameFromArn(arn: string): string {
  if (!arn.startsWith('arn:')) return arn;
  // arn:partition:service:region:account:resource — the resource may itself hold ':' and '/'.
  const colons: number[] = [];
  for (let at = arn.indexOf(':'); at >= 0 && colons.length < 5; at = arn.indexOf(':', at + 1)) colons.push(at);
  if (colons.length < 5) return arn;
  const service = arn.slice(colons[1]! + 1, colons[2]);
  let resource = arn.slice(colons[4]! + 1);
  if (resource === '') return arn;
  if (service === 's3') return resource;
  const typeEnd = typePrefixEnd(resource);
  if (typeEnd > 0) {
    resource = resource.slice(typeEnd + 1);
    // lambda function:name:qualifier -> name; logs log-group:/aws/x:* -> /aws/x
    if (service === 'lambda') {
      const colon = resource.indexOf(':');
      return colon < 0 ? resource : resource.slice(0, colon);
    }
    if (resource.endsWith(':*')) resource = resource.slice(0, -2);
    return resource;
  }
  const trimmed = resource.endsWith('/') ? resource.slice(0, -1) : resource;
  const slash = trimmed.lastIndexOf('/');
  return slash < 0 ? trimmed : trimmed.slice(slash + 1) || trimmed;
}

/** Index of the ':' ending a leading `type:` (letters, digits, '-'), or -1; a loop, not a regex, since it runs per resource. */
function typePrefixEnd(resource: string): number {
  for (let k = 0; k < resource.length; k++) {
    const c = resource.charCodeAt(k);
    if (c === 58 /* : */) return k;
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
    if (!word) return -1;
  }
  return -1;
}

function makeRef(type: string, name: string, arn: string, accountId: string): ResourceRef {
  return { type, name, arn, accountId };
}

/**
 * Resources referenced by a record: its `resources[]` (ARN or ARNPrefix,
 * de-duplicated, since real records repeat entries), or, when it has none,
 * the well-known ones its requestParameters name (see derivedResources).
 */
export function resourcesOf(record: Loose, eventSource: string): ResourceRef[] {
  const list = record.resources;
  if (Array.isArray(list) && list.length > 0) {
    const out: ResourceRef[] = [];
    for (const item of list) {
      const entry = objectOf(item);
      if (!entry) continue;
      const arn = text(entry.ARN) || text(entry.ARNPrefix);
      const type = text(entry.type);
      const accountId = text(entry.accountId);
      if (!arn && !type) continue;
      if (out.some((r) => r.arn === arn && r.type === type && r.accountId === accountId)) continue;
      out.push(makeRef(type, arn ? nameFromArn(arn) : '', arn, accountId));
      if (out.length >= MAX_RESOURCES) break;
    }
    if (out.length > 0) return appendNamed(out, record, eventSource);
  }
  const params = objectOf(record.requestParameters);
  const derived = params ? derivedResources(params, eventSource) : [];
  return appendNamed(derived, record, eventSource);
}

/** The resources namedResources finds, after `out`, skipping ones already there. */
function appendNamed(out: ResourceRef[], record: Loose, eventSource: string): ResourceRef[] {
  const named = namedResources(record, eventSource);
  if (named.length === 0) return out;
  const all = [...out];
  for (const ref of named) {
    if (all.length >= MAX_RESOURCES) break;
    if (!all.some((r) => r.type === ref.type && r.name === ref.name)) all.push(ref);
  }
  return all;
}

/** The type given to an account a snapshot or image was shared with (not an AWS resource type: there is none for it). */
export const SHARED_WITH = 'Shared with';

/** A name or an ARN: the ARN is kept, the name taken from it. */
function refOf(type: string, value: string): ResourceRef {
  return value.startsWith('arn:') ? makeRef(type, nameFromArn(value), value, '') : makeRef(type, value, '', '');
}

function itemsOf(value: unknown): unknown[] {
  const list = objectOf(value)?.items;
  return Array.isArray(list) ? list : [];
}

/** `0.0.0.0/0 tcp 22`, `::/0 all`, `10.0.0.0/8 udp 1000-2000`. */
function ruleName(cidr: string, protocol: unknown, from: unknown, to: unknown): string {
  const proto = protocol === '-1' || protocol === -1 || protocol === undefined ? 'all' : String(protocol);
  if (proto === 'all' || typeof from !== 'number') return `${cidr} ${proto}`;
  return `${cidr} ${proto} ${typeof to === 'number' && to !== from ? `${from}-${to}` : from}`;
}

/**
 * Resources a responder asks about that records name in requestParameters
 * or responseElements, kept even when the record lists other resources:
 * the trail of UpdateTrail/PutEventSelectors/StopLogging/DeleteTrail
 * (`name`, `trailName`), secrets (`secretId`, `secretIdList`), EBS snapshots
 * and AMIs (`snapshotId`, `imageId`) and RDS snapshots
 * (`dBSnapshotIdentifier`, `dBClusterSnapshotIdentifier`) with the accounts
 * they were shared with, the new access key of CreateAccessKey, and the
 * CIDR rules of security-group ingress/egress changes.
 */
export function namedResources(record: Loose, eventSource: string): ResourceRef[] {
  const params = objectOf(record.requestParameters);
  const out: ResourceRef[] = [];
  const add = (ref: ResourceRef): void => {
    if (ref.name === '' || out.length >= MAX_RESOURCES) return;
    if (!out.some((r) => r.type === ref.type && r.name === ref.name)) out.push(ref);
  };
  const sharedWith = (ids: unknown[]): void => {
    for (const id of ids) {
      const account = typeof id === 'string' ? id : text(objectOf(id)?.userId) || (objectOf(id)?.group === 'all' ? 'all' : '');
      if (account) add(makeRef(SHARED_WITH, account === 'all' ? 'all (public)' : account, '', ''));
    }
  };
  if (params) {
    if (eventSource === 'cloudtrail.amazonaws.com') {
      const trail = text(params.trailName) || text(params.name);
      if (trail) add(refOf('AWS::CloudTrail::Trail', trail));
    }
    if (eventSource === 'secretsmanager.amazonaws.com') {
      if (typeof params.secretId === 'string') add(refOf('AWS::SecretsManager::Secret', params.secretId));
      if (Array.isArray(params.secretIdList)) for (const id of params.secretIdList) if (typeof id === 'string') add(refOf('AWS::SecretsManager::Secret', id));
    }
    if (typeof params.snapshotId === 'string') add(refOf('AWS::EC2::Snapshot', params.snapshotId));
    if (typeof params.imageId === 'string') add(refOf('AWS::EC2::Image', params.imageId));
    sharedWith(itemsOf(objectOf(params.createVolumePermission)?.add));
    sharedWith(itemsOf(objectOf(params.launchPermission)?.add));
    if (typeof params.dBSnapshotIdentifier === 'string') add(refOf('AWS::RDS::DBSnapshot', params.dBSnapshotIdentifier));
    if (typeof params.dBClusterSnapshotIdentifier === 'string') add(refOf('AWS::RDS::DBClusterSnapshot', params.dBClusterSnapshotIdentifier));
    if (params.attributeName === 'restore' && Array.isArray(params.valuesToAdd)) sharedWith(params.valuesToAdd);
    if (eventSource === 'ec2.amazonaws.com') {
      if (typeof params.cidrIp === 'string') add(makeRef('AWS::EC2::SecurityGroupRule', ruleName(params.cidrIp, params.ipProtocol, params.fromPort, params.toPort), '', ''));
      for (const item of itemsOf(params.ipPermissions)) {
        const perm = objectOf(item);
        if (!perm) continue;
        const cidrs = [
          ...itemsOf(perm.ipRanges).map((r) => text(objectOf(r)?.cidrIp)),
          ...itemsOf(perm.ipv6Ranges).map((r) => text(objectOf(r)?.cidrIpv6)),
          ...itemsOf(perm.prefixListIds).map((r) => text(objectOf(r)?.prefixListId)),
          ...itemsOf(perm.groups).map((r) => text(objectOf(r)?.groupId)),
        ];
        for (const cidr of cidrs) if (cidr) add(makeRef('AWS::EC2::SecurityGroupRule', ruleName(cidr, perm.ipProtocol, perm.fromPort, perm.toPort), '', ''));
      }
    }
  }
  const key = objectOf(objectOf(record.responseElements)?.accessKey);
  if (key && typeof key.accessKeyId === 'string') add(makeRef('AWS::IAM::AccessKey', key.accessKeyId, '', ''));
  return out;
}

/**
 * Resources a record names only in requestParameters, for the cheap and
 * unambiguous keys: bucketName (S3 bucket), instanceId / instanceIds /
 * instancesSet.items[].instanceId (EC2 instance), groupId starting `sg-`
 * (security group), roleName (IAM role), userName on iam.amazonaws.com (IAM
 * user), functionName (Lambda function; an ARN is reduced to its name).
 * These carry no ARN: the record did not give one.
 */
export function derivedResources(params: Loose, eventSource: string): ResourceRef[] {
  const out: ResourceRef[] = [];
  const add = (type: string, name: string): void => {
    if (name === '' || out.length >= MAX_RESOURCES) return;
    if (out.some((r) => r.type === type && r.name === name)) return;
    out.push(makeRef(type, name, '', ''));
  };
  const bucket = params.bucketName;
  if (typeof bucket === 'string') add('AWS::S3::Bucket', bucket);
  const instance = params.instanceId;
  if (typeof instance === 'string') add('AWS::EC2::Instance', instance);
  const instanceIds = params.instanceIds;
  if (Array.isArray(instanceIds)) for (const id of instanceIds) if (typeof id === 'string') add('AWS::EC2::Instance', id);
  const set = objectOf(params.instancesSet);
  if (set && Array.isArray(set.items)) {
    for (const item of set.items) {
      const entry = objectOf(item);
      if (entry && typeof entry.instanceId === 'string') add('AWS::EC2::Instance', entry.instanceId);
    }
  }
  const group = params.groupId;
  if (typeof group === 'string' && group.startsWith('sg-')) add('AWS::EC2::SecurityGroup', group);
  const role = params.roleName;
  if (typeof role === 'string') add('AWS::IAM::Role', role);
  const user = params.userName;
  if (typeof user === 'string' && eventSource === 'iam.amazonaws.com') add('AWS::IAM::User', user);
  const fn = params.functionName;
  if (typeof fn === 'string') add('AWS::Lambda::Function', nameFromArn(fn));
  return out;
}
