/**
 * AWS console and AWS Config timeline URLs for the resources an event
 * references (cloudtrail.md section 4). Only the Config timeline format is
 * AWS-documented; the console paths are the community conventions listed
 * there plus a few equally standard ones (EC2 volume, VPC, subnet, IAM group,
 * S3 object, RDS instance, KMS key, DynamoDB table).
 *
 * Every part that comes from a log is attacker-controlled: ids are
 * percent-encoded, and the region, which lands in the host name, must look
 * like a real commercial-partition region or no link is made.
 */
import type { ResourceRef } from '../model/types.js';

/** The row fields links need (an EventRow satisfies it). */
export interface LinkContext {
  region: string;
  /** Event time, epoch ms (NaN when unknown). */
  time: number;
  account: string;
  recipientAccount: string;
}

export interface ResourceLinks {
  console: string | null;
  configTimeline: string | null;
}

/** What the detail panel shows in place of a link that cannot be made. */
export const LINK_NOT_AVAILABLE = 'Link not available';

/**
 * Only the aws partition: China and GovCloud consoles live on other domains
 * and ISO regions are not reachable from outside; anything else (including the
 * invented regions of anonymised datasets) gets no link.
 */
const REGION = /^(?:us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+(?:-[a-z]+)?-\d{1,2}$/;

export function isLinkableRegion(region: string): boolean {
  return REGION.test(region) && !region.startsWith('us-gov-');
}

const enc = encodeURIComponent;

interface ParsedArn {
  service: string;
  region: string;
  account: string;
  resource: string;
}

function parseArn(arn: string): ParsedArn | null {
  if (!arn.startsWith('arn:')) return null;
  const parts = arn.split(':');
  if (parts.length < 6) return null;
  return { service: parts[2]!, region: parts[3]!, account: parts[4]!, resource: parts.slice(5).join(':') };
}

function afterLast(text: string, sep: string): string {
  const i = text.lastIndexOf(sep);
  return i === -1 ? text : text.slice(i + 1);
}

/** How to turn a resource into its id and its console URL. */
interface TypeRule {
  /** The id from an ARN's resource part (`instance/i-1` -> `i-1`); null when the ARN is not of this kind. */
  fromArn(resource: string): string | null;
  /** Console URL for the id; `host` is `<r>.console.aws.amazon.com`. */
  console(id: string, region: string, host: string, ref: ResolvedResource): string | null;
  global?: boolean;
}

interface ResolvedResource {
  id: string;
  /** The ARN when known, for links that need it (IAM policies). */
  arn: string;
  account: string;
}

const slashTail = (prefix: string) => (resource: string): string | null =>
  resource.startsWith(prefix) ? afterLast(resource, '/') || null : null;

const ec2 = (fragment: string) => (id: string, region: string, host: string): string =>
  `https://${host}/ec2/home?region=${region}#${fragment}=${enc(id)}`;

const vpc = (fragment: string) => (id: string, region: string, host: string): string =>
  `https://${host}/vpcconsole/home?region=${region}#${fragment}=${enc(id)}`;

const iam = (section: string) => (id: string): string => `https://console.aws.amazon.com/iam/home#/${section}/details/${enc(id)}`;

const RULES: Readonly<Record<string, TypeRule>> = {
  'AWS::EC2::Instance': { fromArn: slashTail('instance/'), console: ec2('InstanceDetails:instanceId') },
  'AWS::EC2::SecurityGroup': { fromArn: slashTail('security-group/'), console: ec2('SecurityGroup:groupId') },
  'AWS::EC2::Volume': { fromArn: slashTail('volume/'), console: ec2('VolumeDetails:volumeId') },
  'AWS::EC2::VPC': { fromArn: slashTail('vpc/'), console: vpc('VpcDetails:VpcId') },
  'AWS::EC2::Subnet': { fromArn: slashTail('subnet/'), console: vpc('SubnetDetails:subnetId') },
  'AWS::S3::Bucket': {
    fromArn: (r) => (r && !r.includes('/') ? r : null),
    console: (id, region) => `https://s3.console.aws.amazon.com/s3/buckets/${enc(id)}?region=${region}`,
  },
  'AWS::S3::Object': {
    fromArn: (r) => (r.includes('/') ? r : null),
    console: (id, region) => {
      const slash = id.indexOf('/');
      if (slash <= 0) return null;
      const bucket = id.slice(0, slash);
      const key = id.slice(slash + 1);
      return `https://s3.console.aws.amazon.com/s3/object/${enc(bucket)}?region=${region}&prefix=${enc(key)}`;
    },
  },
  'AWS::IAM::User': { fromArn: slashTail('user/'), console: iam('users'), global: true },
  'AWS::IAM::Role': { fromArn: slashTail('role/'), console: iam('roles'), global: true },
  'AWS::IAM::Group': { fromArn: slashTail('group/'), console: iam('groups'), global: true },
  'AWS::IAM::Policy': {
    fromArn: slashTail('policy/'),
    // The policies page wants the whole ARN; build it when the log gave only the name.
    console: (_id, _region, _host, ref) => {
      const arn = ref.arn || (ref.account ? `arn:aws:iam::${ref.account}:policy/${ref.id}` : '');
      return arn ? `https://console.aws.amazon.com/iam/home#/policies/details/${enc(arn)}` : null;
    },
    global: true,
  },
  'AWS::Lambda::Function': {
    fromArn: (r) => (r.startsWith('function:') ? r.split(':')[1] || null : null),
    console: (id, region, host) => `https://${host}/lambda/home?region=${region}#/functions/${enc(id)}`,
  },
  'AWS::RDS::DBInstance': {
    fromArn: (r) => (r.startsWith('db:') ? r.slice(3) || null : null),
    console: (id, region, host) => `https://${host}/rds/home?region=${region}#database:id=${enc(id)}`,
  },
  'AWS::KMS::Key': {
    fromArn: slashTail('key/'),
    console: (id, region, host) => `https://${host}/kms/home?region=${region}#/kms/keys/${enc(id)}`,
  },
  'AWS::EC2::Snapshot': { fromArn: slashTail('snapshot/'), console: ec2('SnapshotDetails:snapshotId') },
  'AWS::EC2::Image': { fromArn: slashTail('image/'), console: ec2('ImageDetails:imageId') },
  'AWS::CloudTrail::Trail': {
    fromArn: slashTail('trail/'),
    // The trail page wants the trail's ARN; build it when the log gave only the name.
    console: (id, region, host, ref) => {
      const arn = ref.arn || (ref.account ? `arn:aws:cloudtrail:${region}:${ref.account}:trail/${id}` : '');
      return arn ? `https://${host}/cloudtrailv2/home?region=${region}#/trails/${enc(arn)}` : null;
    },
  },
  'AWS::SecretsManager::Secret': {
    // secret:NAME-AbCdEf: the console wants the name, without the six characters AWS appends.
    fromArn: (r) => (r.startsWith('secret:') ? r.slice(7).replace(/-[A-Za-z0-9]{6}$/, '') || null : null),
    console: (id, region, host) => `https://${host}/secretsmanager/secret?name=${enc(id)}&region=${region}`,
  },
  'AWS::RDS::DBSnapshot': {
    fromArn: (r) => (r.startsWith('snapshot:') ? r.slice(9) || null : null),
    console: (id, region, host) => `https://${host}/rds/home?region=${region}#db-snapshot:id=${enc(id)}`,
  },
  'AWS::DynamoDB::Table': {
    fromArn: (r) => (r.startsWith('table/') ? r.split('/')[1] || null : null),
    console: (id, region, host) => `https://${host}/dynamodbv2/home?region=${region}#table?name=${enc(id)}`,
  },
};

/** Resource types that get a console link. */
export const CONSOLE_LINK_TYPES: readonly string[] = Object.keys(RULES);

/**
 * Resource types AWS Config records, with what a Config resourceId looks like.
 * For IAM and RDS the resourceId is an internal unique id (AIDA..., AROA...,
 * db-...), not the name CloudTrail usually gives, so a timeline link is made
 * only when the id has that shape: a link by name would open an empty page.
 */
const CONFIG_ID: Readonly<Record<string, RegExp>> = {
  'AWS::EC2::Instance': /^i-[0-9a-f]+$/,
  'AWS::EC2::SecurityGroup': /^sg-[0-9a-f]+$/,
  'AWS::EC2::Volume': /^vol-[0-9a-f]+$/,
  'AWS::EC2::VPC': /^vpc-[0-9a-f]+$/,
  'AWS::EC2::Subnet': /^subnet-[0-9a-f]+$/,
  'AWS::EC2::NetworkInterface': /^eni-[0-9a-f]+$/,
  'AWS::S3::Bucket': /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  'AWS::IAM::User': /^AIDA[A-Z0-9]{12,}$/,
  'AWS::IAM::Role': /^AROA[A-Z0-9]{12,}$/,
  'AWS::IAM::Policy': /^ANPA[A-Z0-9]{12,}$/,
  'AWS::IAM::Group': /^AGPA[A-Z0-9]{12,}$/,
  'AWS::Lambda::Function': /^[A-Za-z0-9_-]{1,140}$/,
  'AWS::RDS::DBInstance': /^db-[A-Z0-9]+$/,
  'AWS::KMS::Key': /^[0-9a-fA-F-]{36}$|^mrk-[0-9a-f]{32}$/,
  'AWS::DynamoDB::Table': /^[A-Za-z0-9_.-]{3,255}$/,
};

/** Resource types for which a Config timeline link can be made. */
export const CONFIG_RECORDED_TYPES: readonly string[] = Object.keys(CONFIG_ID);

function resolve(resource: ResourceRef, rule: TypeRule | undefined, ctx: LinkContext): ResolvedResource & { arnRegion: string } | null {
  const arnText = resource.arn || (resource.name.startsWith('arn:') ? resource.name : '');
  const parsed = arnText ? parseArn(arnText) : null;
  // The ARN is the more precise source when this type's rule understands it (a DynamoDB stream ARN's last segment is not the table).
  let id = parsed && rule ? rule.fromArn(parsed.resource) ?? '' : '';
  if (!id && resource.name && !resource.name.startsWith('arn:')) id = resource.name;
  if (!id && parsed && !rule) id = afterLast(parsed.resource, '/');
  if (!id) return null;
  const account = resource.accountId || parsed?.account || ctx.recipientAccount || ctx.account;
  return { id, arn: arnText, account, arnRegion: parsed?.region ?? '' };
}

/** A link, or in a few words why none can be made. */
type Made = { url: string } | { why: string };

/** The longest region shown in a reason: a log field can be megabytes. */
const REGION_SHOWN = 40;

/** Why `region` cannot go into a console host name ('' when it can). */
function regionProblem(region: string): string {
  if (isLinkableRegion(region)) return '';
  if (!region) return 'the record has no region';
  const shown = region.length > REGION_SHOWN ? `${region.slice(0, REGION_SHOWN)}…` : region;
  if (/^(?:cn|us-gov)-/.test(region)) return `region ${shown} has its console outside aws.amazon.com`;
  return `region ${shown} is not a known AWS region`;
}

/** Both links of a resource, each a URL or the reason it is missing: one decision for resourceLinks and missingLinkReasons. */
function makeLinks(resource: ResourceRef, ctx: LinkContext): { console: Made; configTimeline: Made } {
  const rule = RULES[resource.type];
  const resolved = resolve(resource, rule, ctx);
  if (!resolved) {
    const why = { why: 'the record gives no ARN or ID' };
    return { console: why, configTimeline: why };
  }
  const region = resolved.arnRegion || ctx.region;

  let consoleLink: Made;
  if (!rule) consoleLink = { why: 'no console page known for this resource type' };
  else if (!rule.global && regionProblem(region)) consoleLink = { why: regionProblem(region) };
  else {
    const url = rule.console(resolved.id, region, `${region}.console.aws.amazon.com`, resolved);
    consoleLink = url ? { url } : { why: 'the record lacks the ARN or account the page needs' };
  }

  let configLink: Made;
  const idShape = CONFIG_ID[resource.type];
  // Global IAM resources are recorded in one region; the event's region (us-east-1 for IAM) is the best guess.
  const configRegion = isLinkableRegion(region) ? region : ctx.region;
  if (!idShape) configLink = { why: 'no Config timeline known for this resource type' };
  else if (!idShape.test(resolved.id)) configLink = { why: 'its ID is not of the kind Config records' };
  else if (regionProblem(configRegion)) configLink = { why: regionProblem(configRegion) };
  else {
    const time = Number.isFinite(ctx.time) ? `?time=${new Date(ctx.time).toISOString()}` : '';
    configLink = { url: `https://console.aws.amazon.com/config/home?region=${configRegion}#/timeline/${resource.type}/${enc(resolved.id)}${time}` };
  }
  return { console: consoleLink, configTimeline: configLink };
}

const urlOf = (made: Made): string | null => ('url' in made ? made.url : null);

/**
 * The console and Config timeline links for one referenced resource; null
 * where none can be made (unknown type, no id, unusable region).
 */
export function resourceLinks(resource: ResourceRef, ctx: LinkContext): ResourceLinks {
  const made = makeLinks(resource, ctx);
  return { console: urlOf(made.console), configTimeline: urlOf(made.configTimeline) };
}

/** Why each of resourceLinks' links is missing, in a few words (null where there is a link). */
export function missingLinkReasons(resource: ResourceRef, ctx: LinkContext): { console: string | null; configTimeline: string | null } {
  const made = makeLinks(resource, ctx);
  const why = (m: Made): string | null => ('why' in m ? m.why : null);
  return { console: why(made.console), configTimeline: why(made.configTimeline) };
}

/** `Link not available: region x is not a known AWS region`. */
export function linkNotAvailable(reason: string | null): string {
  return reason ? `${LINK_NOT_AVAILABLE}: ${reason}` : LINK_NOT_AVAILABLE;
}

/** The row fields eventConsoleLink needs (an EventRow satisfies it). */
export interface EventLinkContext {
  id: string;
  region: string;
  category: string;
}

/** eventCategory values whose events Event history does not hold. */
const NOT_IN_EVENT_HISTORY: Readonly<Record<string, string>> = {
  Data: 'data events',
  NetworkActivity: 'network activity events',
};

/**
 * Why the event has no CloudTrail console link although it has an id: the
 * console's Event history holds management events (and Insights) only, so a
 * link to a data or network activity event would open an empty page. Null
 * when nothing needs saying.
 */
export function eventLinkNote(row: Pick<EventLinkContext, 'category'>): string | null {
  const kind = NOT_IN_EVENT_HISTORY[row.category];
  return kind ? `No Event history link: Event history holds management events only, not ${kind} (see the trail's S3 logs or CloudTrail Lake)` : null;
}

/**
 * The CloudTrail console page of the event itself (Insights events open on
 * the Insights page). Null when the record had no eventID (our `content:` ids),
 * the region cannot be linked, or Event history does not hold such events
 * (data and network activity events: see eventLinkNote).
 */
export function eventConsoleLink(row: EventLinkContext): string | null {
  if (eventLinkNote(row)) return null;
  if (!row.id || row.id.startsWith('content:') || !isLinkableRegion(row.region)) return null;
  const page = row.category === 'Insight' ? 'insights' : 'events';
  return `https://${row.region}.console.aws.amazon.com/cloudtrailv2/home?region=${row.region}#/${page}/${enc(row.id)}`;
}
