import { assumedRole, iamUser, type Actor, type SessionIdentity } from './identities.js';
import type { Rng } from './prng.js';
import { apiCall, type TimedRecord } from './records.js';
import { TEMPLATES, type ApiTemplate, type CallContext } from './templates.js';
import { DAY, MINUTE, SAMPLE_END, SAMPLE_START } from './time.js';
import type { Session } from './traffic.js';
import { ACCOUNTS, REGIONS } from './world.js';

/**
 * The high-cardinality traffic of `--cardinality high`: what an S3 data-event
 * or Lambda-heavy account looks like, where the store pays per distinct value.
 *
 * - every event has its own eventID and requestID (as in the default shape);
 * - S3 object calls name a new object key each time (a distinct object ARN per event);
 * - 30,000 principals (IAM roles and users over the two accounts), each session of
 *   a role gets its own session name and ASIA access key; sessions hold 1-60 events,
 *   most of them short, as Lambda invocations are;
 * - source IPs drawn per event from 16M addresses (about one per event), a few from
 *   the session's own address;
 * - 360 event names over 45 services, weighted so a few are common and most are rare;
 * - 50 user agents;
 * - AccessDenied errors (about 1.5% of calls) and AuthorizeSecurityGroupIngress
 *   opening ports to 0.0.0.0/0 (the existing template), so filters have hits.
 *
 * Deterministic like the default shape: the same seed and count give the same files.
 */

/** Principals in the pool; about 20k+ of them act in a 1M-event folder. */
export const HIGH_PRINCIPALS = 30_000;
const ROLE_SHARE = 0.85;
const MAX_SESSION_EVENTS = 60;
const DENY_CHANCE = 0.015;
const SESSION_IP_CHANCE = 0.1;

/** 45 services and the nouns of their APIs; each noun gets eight verbs, so 360 event names. */
const SERVICES: readonly (readonly [string, readonly string[]])[] = [
  ['dynamodb', ['Table']], ['sqs', ['Queue']], ['sns', ['Topic']], ['events', ['Rule']], ['logs', ['LogGroup']],
  ['monitoring', ['Alarm']], ['ecs', ['Service']], ['ecr', ['Repository']], ['eks', ['Cluster']], ['rds', ['DBInstance']],
  ['elasticache', ['CacheCluster']], ['es', ['Domain']], ['kinesis', ['Stream']], ['firehose', ['DeliveryStream']], ['glue', ['Job']],
  ['athena', ['WorkGroup']], ['states', ['StateMachine']], ['apigateway', ['RestApi']], ['cloudformation', ['Stack']], ['ssm', ['Parameter']],
  ['secretsmanager', ['Secret']], ['acm', ['Certificate']], ['route53', ['HostedZone']], ['cloudfront', ['Distribution']], ['elasticloadbalancing', ['LoadBalancer']],
  ['autoscaling', ['AutoScalingGroup']], ['codebuild', ['Project']], ['codepipeline', ['Pipeline']], ['codecommit', ['Repository']], ['sagemaker', ['Endpoint']],
  ['backup', ['BackupPlan']], ['config', ['ConfigRule']], ['guardduty', ['Detector']], ['securityhub', ['Finding']], ['organizations', ['Policy']],
  ['wafv2', ['WebACL']], ['cognito-idp', ['UserPool']], ['appsync', ['GraphqlApi']], ['batch', ['JobQueue']], ['elasticfilesystem', ['FileSystem']],
  ['redshift', ['Cluster']], ['kafka', ['Cluster']], ['emr', ['Cluster']], ['ses', ['Identity']], ['xray', ['Group']],
];
const VERBS: readonly (readonly [string, boolean])[] = [
  ['Describe', true], ['List', true], ['Get', true], ['Create', false], ['Update', false], ['Delete', false], ['Tag', false], ['Put', false],
];

function genericTemplate(service: string, noun: string, verb: string, readOnly: boolean): ApiTemplate {
  const name = verb === 'List' ? `${verb}${noun}s` : `${verb}${noun}`;
  const key = `${noun[0]!.toLowerCase()}${noun.slice(1)}Name`;
  const type = `AWS::${service.replace(/-/g, '')}::${noun}`;
  return {
    source: `${service}.amazonaws.com`,
    name,
    readOnly,
    build(c) {
      // Resource names repeat (a few hundred per service and account), as in a real account.
      const resource = `${service}-${noun.toLowerCase()}-${c.rng.int(0, 299)}`;
      const arn = `arn:aws:${service}:${c.region}:${c.world.id}:${noun.toLowerCase()}/${resource}`;
      return {
        requestParameters: verb === 'List' ? { maxResults: 100 } : { [key]: resource },
        responseElements: readOnly ? null : { [key]: resource, requestId: c.rng.uuid() },
        ...(verb === 'List' ? {} : { resources: [{ ARN: arn, accountId: c.world.id, type }] }),
      };
    },
  };
}

function uniqueObject(name: 'GetObject' | 'PutObject', readOnly: boolean): ApiTemplate {
  return {
    source: 's3.amazonaws.com', name, readOnly, data: true,
    build(c: CallContext) {
      const bucket = `${c.rng.pick(c.world.buckets)}-${c.rng.int(0, 49)}`;
      const key = `data/${c.rng.hex(4)}/${c.rng.alnum(20)}.json`;
      return {
        requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, key },
        responseElements: readOnly ? null : { 'x-amz-server-side-encryption': 'AES256' },
        additionalEventData: { bytesTransferredIn: readOnly ? 0 : c.rng.int(100, 900_000), bytesTransferredOut: readOnly ? c.rng.int(100, 900_000) : 0 },
        resources: [
          { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
          { accountId: c.world.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
        ],
      };
    },
  };
}

function buildCatalog(): (readonly [ApiTemplate, number])[] {
  const catalog: (readonly [ApiTemplate, number])[] = [
    [uniqueObject('GetObject', true), 25],
    [uniqueObject('PutObject', false), 15],
    [TEMPLATES.Decrypt, 5],
    [TEMPLATES.AssumeRole, 3],
    [TEMPLATES.GetCallerIdentity, 2],
    [TEMPLATES.DescribeInstances, 2],
    [TEMPLATES.AuthorizeSecurityGroupIngress, 0.4],
    [TEMPLATES.DescribeSecurityGroups, 1],
  ];
  // Zipf-like weights over the generic names: a few common, a long tail of rare ones.
  let rank = 1;
  for (const [service, nouns] of SERVICES) {
    for (const noun of nouns) {
      for (const [verb, readOnly] of VERBS) {
        catalog.push([genericTemplate(service, noun, verb, readOnly), 7 / rank]);
        rank++;
      }
    }
  }
  return catalog;
}

const AGENT_COUNT = 50;
function userAgents(): string[] {
  const agents: string[] = [];
  for (let i = 0; i < AGENT_COUNT; i++) {
    const kind = i % 5;
    const minor = 100 + i * 7;
    if (kind === 0) agents.push(`aws-sdk-nodejs/3.${minor}.0 linux/v20.${i % 12}.0 exec-env/AWS_Lambda_nodejs20.x lang/js`);
    else if (kind === 1) agents.push(`Boto3/1.34.${minor} md/Botocore#1.34.${minor} ua/2.0 os/linux lang/python#3.12.${i % 9}`);
    else if (kind === 2) agents.push(`aws-cli/2.15.${i} Python/3.11.${i % 9} Linux/6.5.0-1014-aws exe/x86_64 prompt/off`);
    else if (kind === 3) agents.push(`aws-sdk-go-v2/1.24.${i} os/linux lang/go#1.21.${i % 9} md/GOOS#linux md/GOARCH#amd64`);
    else agents.push(`aws-sdk-java/2.21.${minor} Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.${i % 9} Java/17 vendor/Amazon.com_Inc.`);
  }
  return agents;
}

/** A random address from a 16M space: about one per event, as callers from Lambda or NAT pools look. */
function randomIp(rng: Rng): string {
  return `${rng.pick(FIRST_OCTETS)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}
const FIRST_OCTETS = [3, 13, 18, 34, 35, 44, 52, 54] as const;

interface Pools {
  principals: Actor[];
  agents: string[];
  catalog: WeightedPick<ApiTemplate>;
}

/** rng.weighted over a fixed list, by binary search over the running totals (368 templates, a million picks). */
class WeightedPick<T> {
  private readonly values: T[];
  private readonly ends: Float64Array;

  constructor(items: readonly (readonly [T, number])[]) {
    this.values = items.map(([value]) => value);
    this.ends = new Float64Array(items.length);
    let total = 0;
    items.forEach(([, weight], k) => {
      total += weight;
      this.ends[k] = total;
    });
  }

  pick(rng: Rng): T {
    const r = rng.next() * this.ends[this.ends.length - 1]!;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }
}

let pools: Pools | null = null;
function highPools(): Pools {
  if (pools) return pools;
  const agents = userAgents();
  const principals: Actor[] = [];
  for (let i = 0; i < HIGH_PRINCIPALS; i++) {
    const account = ACCOUNTS[i % ACCOUNTS.length]!;
    const options = { agents, ips: ['0.0.0.0'] };
    if (i < HIGH_PRINCIPALS * ROLE_SHARE) {
      principals.push(assumedRole(account, `app-${String(i).padStart(5, '0')}-role`, { ...options, sessionName: (rng) => `s-${rng.alnum(12)}` }));
    } else {
      principals.push(iamUser(account, `svc-user-${String(i).padStart(5, '0')}`, { ...options, mfa: false, console: false }));
    }
  }
  pools = { principals, agents, catalog: new WeightedPick(buildCatalog()) };
  return pools;
}

/** Plans high-cardinality sessions until they hold `count` events. */
export function planHighCardinalityTraffic(rng: Rng, count: number): Session[] {
  const { principals } = highPools();
  const sessions: Session[] = [];
  let planned = 0;
  while (planned < count) {
    // Mostly short sessions (a Lambda invocation), some long ones: mean about 21 events.
    const size = Math.min(1 + Math.floor(MAX_SESSION_EVENTS * rng.next() ** 2), MAX_SESSION_EVENTS, count - planned);
    const actor = rng.pick(principals);
    const span = rng.int(1, 10) * MINUTE;
    let start = SAMPLE_START + rng.int(0, 1) * DAY + rng.int(0, 24 * 3600 - 1) * 1000;
    start = Math.min(start, SAMPLE_END - span - 1000);
    sessions.push(highSession(actor, start, span, size));
    planned += size;
  }
  return sessions;
}

function highSession(actor: Actor, start: number, span: number, size: number): Session {
  return {
    start,
    materialize(rng) {
      const { agents, catalog } = highPools();
      const base = actor.startSession(rng, start);
      const identity: SessionIdentity = { ...base, userAgent: rng.pick(agents), sourceIp: randomIp(rng) };
      const region = rng.pick(REGIONS);
      const times: number[] = [];
      for (let i = 0; i < size; i++) times.push(start + Math.floor(rng.next() * (span / 1000)) * 1000);
      times.sort((a, b) => a - b);
      times[0] = start;
      const out: TimedRecord[] = [];
      for (let i = 0; i < size; i++) {
        const template = catalog.pick(rng);
        const caller = rng.chance(SESSION_IP_CHANCE) ? identity : { ...identity, sourceIp: randomIp(rng) };
        const deny = rng.chance(DENY_CHANCE);
        out.push(apiCall(template, actor.account, region, caller, times[i]!, rng, deny ? { error: 'deny' } : {}));
      }
      return out;
    },
  };
}
