import type { SessionIdentity } from './identities.js';
import type { Rng } from './prng.js';
import { denial, type ApiTemplate, type CallBody, type CallContext } from './templates.js';
import { isoSeconds } from './time.js';
import { GLOBAL_REGION, type AccountWorld } from './world.js';

export type CloudTrailRecord = Record<string, unknown>;

/** A record together with where and when it belongs, for the delivery writer. */
export interface TimedRecord {
  timeMs: number;
  account: string;
  region: string;
  record: CloudTrailRecord;
}

export interface CallOptions {
  /** 'deny' makes the call fail the way IAM denials look for that service. */
  error?: 'deny' | { code: string; message: string };
  /** Fixed eventID for the records other tests look for; otherwise drawn from the PRNG. */
  eventId?: string;
  userAgent?: string;
  /** Replaces parts of the body the template built (for the crafted special events). */
  body?: Partial<CallBody>;
}

function requestId(rng: Rng, source: string): string {
  return source === 's3.amazonaws.com' ? rng.upper(16) : rng.uuid();
}

function tlsDetails(template: ApiTemplate, region: string, rng: Rng) {
  const service = template.source.split('.')[0]!;
  const host = template.global ? `${service}.amazonaws.com` : `${service}.${region}.amazonaws.com`;
  return {
    tlsVersion: 'TLSv1.3',
    cipherSuite: rng.pick(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']),
    clientProvidedHostHeader: host,
    keyExchange: rng.pick(['x25519', 'X25519MLKEM768']),
  };
}

/** One API call by a session's identity, in CloudTrail's own key order. */
export function apiCall(
  template: ApiTemplate, world: AccountWorld, sessionRegion: string, identity: SessionIdentity,
  timeMs: number, rng: Rng, options: CallOptions = {},
): TimedRecord {
  const region = template.global ? GLOBAL_REGION : sessionRegion;
  const context: CallContext = { rng, world, region, identity, timeMs };
  const body = { ...template.build(context), ...options.body };
  let error: { code: string; message: string } | undefined;
  if (options.error === 'deny') {
    const target = body.resources?.[0]?.ARN ?? '*';
    error = denial(template, identity, target);
  } else if (options.error) {
    error = options.error;
  }
  const record: CloudTrailRecord = {
    eventVersion: template.data ? '1.10' : '1.11',
    userIdentity: identity.userIdentity,
    eventTime: isoSeconds(timeMs),
    eventSource: template.source,
    eventName: template.name,
    awsRegion: region,
    sourceIPAddress: identity.sourceIp,
    userAgent: options.userAgent ?? identity.userAgent,
  };
  if (error) {
    record.errorCode = error.code;
    record.errorMessage = error.message;
  }
  record.requestParameters = body.requestParameters;
  record.responseElements = error ? null : body.responseElements;
  if (body.additionalEventData) record.additionalEventData = body.additionalEventData;
  record.requestID = requestId(rng, template.source);
  record.eventID = options.eventId ?? rng.uuid();
  record.readOnly = template.readOnly;
  if (body.resources) record.resources = body.resources;
  record.eventType = 'AwsApiCall';
  if (template.apiVersion) record.apiVersion = template.apiVersion;
  record.managementEvent = !template.data;
  record.recipientAccountId = world.id;
  record.eventCategory = template.data ? 'Data' : 'Management';
  if (identity.tls) record.tlsDetails = tlsDetails(template, region, rng);
  if (identity.fromConsole) record.sessionCredentialFromConsole = 'true';
  return { timeMs, account: world.id, region, record };
}

export interface SignInOptions {
  success: boolean;
  mfaUsed: boolean;
  /** A failed sign-in with a mistyped name hides it. */
  hideName?: boolean;
}

/** A ConsoleLogin: responseElements.ConsoleLogin Success/Failure, additionalEventData.MFAUsed. */
export function consoleLogin(world: AccountWorld, identity: SessionIdentity, timeMs: number, rng: Rng, options: SignInOptions): TimedRecord {
  const base = identity.userIdentity;
  const userIdentity: Record<string, unknown> = base.type === 'Root'
    ? { type: 'Root', principalId: world.id, arn: base.arn, accountId: world.id, accessKeyId: '' }
    : {
      type: 'IAMUser', principalId: base.principalId, accountId: world.id, accessKeyId: '',
      userName: options.hideName ? 'HIDDEN_DUE_TO_SECURITY_REASONS' : base.userName,
      ...(options.hideName ? {} : { arn: base.arn }),
    };
  const record: CloudTrailRecord = {
    eventVersion: '1.09',
    userIdentity,
    eventTime: isoSeconds(timeMs),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: GLOBAL_REGION,
    sourceIPAddress: identity.sourceIp,
    userAgent: AGENT_FOR_SIGNIN,
  };
  if (!options.success) {
    record.errorMessage = 'Failed authentication';
  }
  record.requestParameters = null;
  record.responseElements = { ConsoleLogin: options.success ? 'Success' : 'Failure' };
  record.additionalEventData = {
    LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true',
    MobileVersion: 'No',
    MFAUsed: options.mfaUsed ? (base.type === 'Root' ? 'YES' : 'Yes') : 'No',
    ...(options.mfaUsed ? { MFAIdentifier: `arn:aws:iam::${world.id}:mfa/${String(base.userName ?? 'root')}` } : {}),
  };
  record.eventID = rng.uuid();
  record.readOnly = false;
  record.eventType = 'AwsConsoleSignIn';
  record.managementEvent = true;
  record.recipientAccountId = world.id;
  record.eventCategory = 'Management';
  return { timeMs, account: world.id, region: GLOBAL_REGION, record };
}

const AGENT_FOR_SIGNIN = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15';

/** A KMS key rotation: an AwsServiceEvent whose userIdentity has no type, as AWS's own example. */
export function kmsRotation(world: AccountWorld, region: string, timeMs: number, rng: Rng): TimedRecord {
  const key = rng.pick(world.kmsKeys);
  const arn = `arn:aws:kms:${region}:${world.id}:key/${key}`;
  const record: CloudTrailRecord = {
    eventVersion: '1.11',
    userIdentity: { accountId: world.id, invokedBy: 'AWS Internal' },
    eventTime: isoSeconds(timeMs),
    eventSource: 'kms.amazonaws.com',
    eventName: 'RotateKey',
    awsRegion: region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: rng.uuid(),
    readOnly: false,
    resources: [{ ARN: arn, accountId: world.id, type: 'AWS::KMS::Key' }],
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: world.id,
    serviceEventDetails: { keyId: key },
    eventCategory: 'Management',
  };
  return { timeMs, account: world.id, region, record };
}
