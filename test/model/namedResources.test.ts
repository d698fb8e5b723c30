/**
 * The resources a responder asks about are in the details, with console
 * links where the console has a page (issue 19, bug 10). Records from
 * ../shared/datasets/stratus-red-team, with a real region put in for the links.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resourceLinks } from '../../src/links/links.js';
import { normalize } from '../../src/model/normalize.js';
import { RecordBatch } from '../../src/model/recordBatch.js';
import { buildDetail } from '../../src/ui/detailModel.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/datasets/stratus-red-team');

function record(file: string, eventName: string): Record<string, unknown> {
  const parsed = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as unknown;
  const list = (Array.isArray(parsed) ? parsed : (parsed as { Records: unknown[] }).Records) as Record<string, unknown>[];
  const found = list.find((r) => r.eventName === eventName);
  if (!found) throw new Error(`${eventName} not in ${file}`);
  // The dataset's regions are made up (also inside ARNs); links are made for real ones only.
  const text = JSON.stringify({ ...found, awsRegion: 'us-east-1', recipientAccountId: '111122223333' }).replace(/arn:aws:(\w+):[a-z0-9-]+:/g, 'arn:aws:$1:us-east-1:');
  return JSON.parse(text) as Record<string, unknown>;
}

function resources(file: string, eventName: string) {
  const row = normalize(record(file, eventName), new RecordBatch(file), 0);
  return { row, refs: row.resources.map((r) => `${r.type} ${r.name}`), links: row.resources.map((r) => resourceLinks(r, row).console) };
}

describe('resources named in requests and responses', () => {
  it('the trail of StopLogging, DeleteTrail and PutEventSelectors, with its console page', () => {
    for (const [file, name] of [
      ['aws.defense-evasion.cloudtrail-stop.json', 'StopLogging'],
      ['aws.defense-evasion.cloudtrail-delete.json', 'DeleteTrail'],
      ['aws.defense-evasion.cloudtrail-event-selectors.json', 'PutEventSelectors'],
    ] as const) {
      const { refs, links } = resources(file, name);
      expect(refs[0], name).toMatch(/^AWS::CloudTrail::Trail stratus-red-team-/);
      expect(links[0]).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudtrailv2\/home\?region=us-east-1#\/trails\/arn%3Aaws%3Acloudtrail%3Aus-east-1%3A111122223333%3Atrail%2Fstratus-red-team-/);
    }
  });

  it('the secret read, the snapshot, AMI and DB snapshot shared and with whom', () => {
    const secret = resources('aws.credential-access.secretsmanager-retrieve-secrets.json', 'GetSecretValue');
    expect(secret.refs[0]).toMatch(/^AWS::SecretsManager::Secret stratus-red-team-retrieve-secret-\d+-\w{6}$/);
    expect(secret.links[0]).toMatch(/secretsmanager\/secret\?name=stratus-red-team-retrieve-secret-\d+&region=/);
    const snapshot = resources('aws.exfiltration.ec2-share-ebs-snapshot.json', 'ModifySnapshotAttribute');
    expect(snapshot.refs).toEqual(['AWS::EC2::Snapshot snap-041993b54a9b3af6f', 'Shared with 098797384747']);
    expect(snapshot.links[0]).toBe('https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#SnapshotDetails:snapshotId=snap-041993b54a9b3af6f');
    const ami = resources('aws.exfiltration.ec2-share-ami.json', 'ModifyImageAttribute');
    expect(ami.refs).toEqual(['AWS::EC2::Image ami-de1fbCab6ccB03e6D', 'Shared with 846424999548']);
    expect(ami.links[0]).toContain('#ImageDetails:imageId=ami-de1fbCab6ccB03e6D');
    const db = resources('aws.exfiltration.rds-share-snapshot.json', 'ModifyDBSnapshotAttribute');
    expect(db.refs).toEqual(['AWS::RDS::DBSnapshot exfiltration', 'Shared with 503161813013']);
    expect(db.links[0]).toBe('https://us-east-1.console.aws.amazon.com/rds/home?region=us-east-1#db-snapshot:id=exfiltration');
    // The account shared with is named, without link lines of its own.
    const lines = buildDetail(snapshot.row, 'utc').lines.map((l) => `${l.label.trim()} ${l.value}`);
    const at = lines.indexOf('Resource Shared with  098797384747');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1] ?? '').not.toMatch(/^Console/);
    expect(lines[at - 2]).toMatch(/^Console https:\/\/us-east-1\.console\.aws\.amazon\.com\/ec2\//);
  });

  it('the new access key of CreateAccessKey and the rule of an ingress change', () => {
    const key = resources('aws.persistence.iam-create-admin-user.json', 'CreateAccessKey');
    expect(key.refs).toEqual(['AWS::IAM::User malicious-iam-user', 'AWS::IAM::AccessKey AKIAXAFZN8JEPF6L682H']);
    const ingress = resources('aws.exfiltration.ec2-security-group-open-port-22-ingress.json', 'AuthorizeSecurityGroupIngress');
    expect(ingress.refs).toEqual(['AWS::EC2::SecurityGroup sg-003dc7f1f1c686164', 'AWS::EC2::SecurityGroupRule 208.236.235.254/0 tcp 22']);
    const detail = buildDetail(ingress.row, 'utc').lines.map((l) => `${l.label} ${l.value}`);
    expect(detail).toContain('Resource AWS::EC2::SecurityGroupRule  208.236.235.254/0 tcp 22');
  });
});
