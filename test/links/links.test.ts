import { describe, it, expect } from 'vitest';
import { resourceLinks, missingLinkReasons, eventConsoleLink, isLinkableRegion, CONSOLE_LINK_TYPES, CONFIG_RECORDED_TYPES } from '../../src/links/links.js';
import type { ResourceRef } from '../../src/model/types.js';
import { isSafeHyperlinkUrl } from '../../src/term/osc8.js';

const T = Date.parse('2024-03-05T14:21:00Z');
const ctx = { region: 'us-east-2', time: T, account: '111122223333', recipientAccount: '111122223333' };
const ISO = '2024-03-05T14:21:00.000Z';

function res(type: string, name: string, arn = '', accountId = ''): ResourceRef {
  return { type, name, arn, accountId };
}

describe('resourceLinks', () => {
  it('EC2 instance', () => {
    expect(resourceLinks(res('AWS::EC2::Instance', 'i-0abc123'), ctx)).toEqual({
      console: 'https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#InstanceDetails:instanceId=i-0abc123',
      configTimeline: `https://console.aws.amazon.com/config/home?region=us-east-2#/timeline/AWS::EC2::Instance/i-0abc123?time=${ISO}`,
    });
  });

  it('EC2 security group, volume, VPC, subnet', () => {
    expect(resourceLinks(res('AWS::EC2::SecurityGroup', 'sg-0123'), ctx).console).toBe(
      'https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#SecurityGroup:groupId=sg-0123');
    expect(resourceLinks(res('AWS::EC2::Volume', 'vol-09'), ctx).console).toBe(
      'https://us-east-2.console.aws.amazon.com/ec2/home?region=us-east-2#VolumeDetails:volumeId=vol-09');
    expect(resourceLinks(res('AWS::EC2::VPC', 'vpc-1a'), ctx).console).toBe(
      'https://us-east-2.console.aws.amazon.com/vpcconsole/home?region=us-east-2#VpcDetails:VpcId=vpc-1a');
    expect(resourceLinks(res('AWS::EC2::Subnet', 'subnet-2b'), ctx).configTimeline).toBe(
      `https://console.aws.amazon.com/config/home?region=us-east-2#/timeline/AWS::EC2::Subnet/subnet-2b?time=${ISO}`);
  });

  it('takes the id and region from an ARN when the name is missing or is the ARN', () => {
    const fromArn = resourceLinks(res('AWS::EC2::Instance', '', 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0ff'), ctx);
    expect(fromArn.console).toBe('https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=i-0ff');
    expect(fromArn.configTimeline).toContain('region=eu-west-1#/timeline/AWS::EC2::Instance/i-0ff?');
    const nameIsArn = resourceLinks(res('AWS::Lambda::Function', 'arn:aws:lambda:us-west-2:111122223333:function:my-fn:PROD'), ctx);
    expect(nameIsArn.console).toBe('https://us-west-2.console.aws.amazon.com/lambda/home?region=us-west-2#/functions/my-fn');
  });

  it('S3 bucket and object', () => {
    expect(resourceLinks(res('AWS::S3::Bucket', 'prod-bucket', 'arn:aws:s3:::prod-bucket'), ctx)).toEqual({
      console: 'https://s3.console.aws.amazon.com/s3/buckets/prod-bucket?region=us-east-2',
      configTimeline: `https://console.aws.amazon.com/config/home?region=us-east-2#/timeline/AWS::S3::Bucket/prod-bucket?time=${ISO}`,
    });
    expect(resourceLinks(res('AWS::S3::Object', '', 'arn:aws:s3:::prod-bucket/logs/a b.txt'), ctx)).toEqual({
      console: 'https://s3.console.aws.amazon.com/s3/object/prod-bucket?region=us-east-2&prefix=logs%2Fa%20b.txt',
      configTimeline: null,
    });
  });

  it('IAM user, role, group and policy are global; Config links only with unique ids', () => {
    expect(resourceLinks(res('AWS::IAM::User', 'alice'), ctx)).toEqual({
      console: 'https://console.aws.amazon.com/iam/home#/users/details/alice', configTimeline: null,
    });
    expect(resourceLinks(res('AWS::IAM::Role', '', 'arn:aws:iam::457448411975:role/path/deployer'), ctx).console).toBe(
      'https://console.aws.amazon.com/iam/home#/roles/details/deployer');
    expect(resourceLinks(res('AWS::IAM::Group', 'admins'), ctx).console).toBe('https://console.aws.amazon.com/iam/home#/groups/details/admins');
    expect(resourceLinks(res('AWS::IAM::Policy', 'ReadOnly', 'arn:aws:iam::111122223333:policy/ReadOnly'), ctx).console).toBe(
      'https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2FReadOnly');
    expect(resourceLinks(res('AWS::IAM::Policy', 'Built'), ctx).console).toBe(
      'https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2FBuilt');
    expect(resourceLinks(res('AWS::IAM::User', 'AIDAJQABLZS4A3QDU576Q'), ctx).configTimeline).toBe(
      `https://console.aws.amazon.com/config/home?region=us-east-2#/timeline/AWS::IAM::User/AIDAJQABLZS4A3QDU576Q?time=${ISO}`);
    // IAM links need no region, even an unusable one
    expect(resourceLinks(res('AWS::IAM::Role', 'r'), { ...ctx, region: 'sagov-westsouth-1r' }).console).toBe(
      'https://console.aws.amazon.com/iam/home#/roles/details/r');
  });

  it('Lambda, RDS, KMS, DynamoDB', () => {
    expect(resourceLinks(res('AWS::Lambda::Function', 'fn_1'), ctx)).toEqual({
      console: 'https://us-east-2.console.aws.amazon.com/lambda/home?region=us-east-2#/functions/fn_1',
      configTimeline: `https://console.aws.amazon.com/config/home?region=us-east-2#/timeline/AWS::Lambda::Function/fn_1?time=${ISO}`,
    });
    expect(resourceLinks(res('AWS::RDS::DBInstance', '', 'arn:aws:rds:us-east-2:111122223333:db:prod-db'), ctx)).toEqual({
      console: 'https://us-east-2.console.aws.amazon.com/rds/home?region=us-east-2#database:id=prod-db', configTimeline: null,
    });
    const key = resourceLinks(res('AWS::KMS::Key', '', 'arn:aws:kms:us-east-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'), ctx);
    expect(key.console).toBe('https://us-east-2.console.aws.amazon.com/kms/home?region=us-east-2#/kms/keys/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(key.configTimeline).toContain('#/timeline/AWS::KMS::Key/1234abcd-12ab-34cd-56ef-1234567890ab?time=');
    expect(resourceLinks(res('AWS::DynamoDB::Table', '', 'arn:aws:dynamodb:us-east-2:1:table/Orders/stream/x'), ctx).console).toBe(
      'https://us-east-2.console.aws.amazon.com/dynamodbv2/home?region=us-east-2#table?name=Orders');
  });

  it('gives no links for unknown types, missing names, or hostile regions', () => {
    expect(resourceLinks(res('AWS::SES::EmailIdentity', 'a@example.com'), ctx)).toEqual({ console: null, configTimeline: null });
    expect(resourceLinks(res('', 'thing'), ctx)).toEqual({ console: null, configTimeline: null });
    expect(resourceLinks(res('AWS::EC2::Instance', ''), ctx)).toEqual({ console: null, configTimeline: null });
    const evil = { ...ctx, region: 'evil.example/#' };
    expect(resourceLinks(res('AWS::EC2::Instance', 'i-1'), evil)).toEqual({ console: null, configTimeline: null });
    expect(resourceLinks(res('AWS::EC2::Instance', 'i-1', 'arn:aws:ec2:x.evil.com:1:instance/i-1'), { ...ctx, region: 'bad' }).console).toBeNull();
  });

  it('omits time when the event time is unknown', () => {
    expect(resourceLinks(res('AWS::EC2::Instance', 'i-1'), { ...ctx, time: NaN }).configTimeline).toBe(
      'https://console.aws.amazon.com/config/home?region=us-east-2#/timeline/AWS::EC2::Instance/i-1');
  });

  it('percent-encodes hostile names so they cannot break the URL', () => {
    const names = ['=HYPERLINK("http://evil","x")', 'a b', 'x#y?z&w', '../../etc', '\x1b]52;c;AA\x07', 'name\u202eexe', '日本'];
    for (const type of CONSOLE_LINK_TYPES) {
      for (const name of names) {
        const links = resourceLinks(res(type, name), ctx);
        for (const url of [links.console, links.configTimeline]) {
          if (url === null) continue;
          expect(isSafeHyperlinkUrl(url)).toBe(true);
          expect(url).not.toContain(' ');
          expect(url).not.toContain('"');
          expect(url.startsWith('https://')).toBe(true);
          const host = new URL(url).host;
          expect(host.endsWith('console.aws.amazon.com')).toBe(true);
          expect(decodeURIComponent(url)).toContain(type === 'AWS::S3::Object' ? name.split('/').pop()! : name);
        }
      }
    }
    expect(resourceLinks(res('AWS::S3::Bucket', '=HYPERLINK("x")'), ctx).console).toBe(
      'https://s3.console.aws.amazon.com/s3/buckets/%3DHYPERLINK(%22x%22)?region=us-east-2');
  });

  it('lists the supported types', () => {
    expect(CONSOLE_LINK_TYPES).toContain('AWS::EC2::Instance');
    expect(CONFIG_RECORDED_TYPES).toContain('AWS::IAM::Role');
  });
});

describe('eventConsoleLink', () => {
  it('links events and Insights', () => {
    expect(eventConsoleLink({ id: '3c1f6a0e-5d2b', region: 'us-east-1', category: 'Management' })).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/3c1f6a0e-5d2b');
    expect(eventConsoleLink({ id: 'b72e', region: 'us-east-1', category: 'Insight' })).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/insights/b72e');
  });
  it('returns null without an event id or with an unusable region', () => {
    expect(eventConsoleLink({ id: 'content:abc', region: 'us-east-1', category: '' })).toBeNull();
    expect(eventConsoleLink({ id: '', region: 'us-east-1', category: '' })).toBeNull();
    expect(eventConsoleLink({ id: 'x', region: 'sagov-westsouth-1r', category: '' })).toBeNull();
    expect(eventConsoleLink({ id: 'a b/#', region: 'ap-southeast-2', category: '' })).toBe(
      'https://ap-southeast-2.console.aws.amazon.com/cloudtrailv2/home?region=ap-southeast-2#/events/a%20b%2F%23');
  });
  it('accepts real region names only', () => {
    for (const r of ['us-east-1', 'eu-central-2', 'ap-southeast-4', 'il-central-1', 'ca-west-1', 'mx-central-1']) expect(isLinkableRegion(r)).toBe(true);
    for (const r of ['', 'us-east-1.evil.com', 'cn-north-1', 'us-gov-west-1', 'us-gov-west-1x', 'US-EAST-1', 'sagov-westsouth-1r']) expect(isLinkableRegion(r)).toBe(false);
  });
});

describe('missingLinkReasons', () => {
  it('says in a few words why a link is not available, and nothing where there is one', () => {
    expect(missingLinkReasons(res('AWS::EC2::Instance', 'i-0abc123'), ctx)).toEqual({ console: null, configTimeline: null });
    // The anonymised datasets invent regions: the host name would be made up.
    const invented = { ...ctx, region: 'sagov-westsouth-1r' };
    expect(missingLinkReasons(res('AWS::EC2::Instance', 'i-0abc123'), invented)).toEqual({
      console: 'region sagov-westsouth-1r is not a known AWS region',
      configTimeline: 'region sagov-westsouth-1r is not a known AWS region',
    });
    expect(missingLinkReasons(res('AWS::Lambda::Function', 'fn'), { ...ctx, region: 'cn-north-1' }).console).toBe('region cn-north-1 has its console outside aws.amazon.com');
    expect(missingLinkReasons(res('AWS::Lambda::Function', 'fn'), { ...ctx, region: '' }).console).toBe('the record has no region');
    expect(missingLinkReasons(res('AWS::Lambda::Function', 'fn'), { ...ctx, region: 'x'.repeat(1000) }).console).toBe(`region ${'x'.repeat(40)}… is not a known AWS region`);
    expect(missingLinkReasons(res('AWS::Made::Up', 'thing'), ctx)).toEqual({
      console: 'no console page known for this resource type',
      configTimeline: 'no Config timeline known for this resource type',
    });
    const none = 'the record gives no ARN or ID';
    expect(missingLinkReasons(res('AWS::EC2::Instance', ''), ctx)).toEqual({ console: none, configTimeline: none });
    // IAM by name: a console page, but Config knows a user by its AIDA… id.
    expect(missingLinkReasons(res('AWS::IAM::User', 'alice'), ctx)).toEqual({ console: null, configTimeline: 'its ID is not of the kind Config records' });
    expect(missingLinkReasons(res('AWS::IAM::Policy', 'ReadOnly'), { ...ctx, account: '', recipientAccount: '' }).console).toBe('the record lacks the ARN or account the page needs');
  });
});
