import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSamples, type GenerateSummary } from '../../src/samples/pipeline.js';
import { DIGEST_NAME, INSIGHT_NAME, listFiles, loadTree, readGzJson, TRAIL_NAME, uniqueEvents, UUID, type Json } from './helpers.js';
import { createHash } from 'node:crypto';

let dir: string;
let summary: GenerateSummary;
let tree: ReturnType<typeof loadTree>;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trailtop-samples-'));
  summary = generateSamples({ out: dir, events: 3600, seed: 'trailtop' });
  tree = loadTree(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stampMs = (m: RegExpExecArray) => Date.UTC(+m[6]!, +m[7]! - 1, +m[8]!, +m[9]!, +m[10]!);

describe('delivery layout', () => {
  it('names every file as CloudTrail delivers it, in its account, region and date folder', () => {
    const files = listFiles(dir);
    expect(files.length).toBe(summary.trailFiles + summary.insightFiles + summary.digestFiles + summary.malformedFiles);
    for (const rel of files) {
      const m = TRAIL_NAME.exec(rel) ?? INSIGHT_NAME.exec(rel);
      if (m) {
        expect(`${m[3]}${m[4]}${m[5]}`, rel).toBe(`${m[6]}${m[7]}${m[8]}`);
        continue;
      }
      expect(rel, 'neither a trail, Insights nor digest file').toMatch(DIGEST_NAME);
    }
  });

  it('covers two accounts and three regions over two days', () => {
    const streams = new Set(tree.trail.map((f) => TRAIL_NAME.exec(f.rel)!.slice(1, 3).join('/')));
    expect([...new Set([...streams].map((s) => s.split('/')[0]))].sort()).toEqual(['111122223333', '444455556666']);
    expect([...new Set([...streams].map((s) => s.split('/')[1]))].sort()).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    const days = new Set(tree.trail.flatMap((f) => f.records.map((r) => String(r.eventTime).slice(0, 10))));
    expect([...days].sort()).toEqual(['2026-11-23', '2026-11-24']);
  });

  it('fills each trail file with {"Records":[...]} of events from before its delivery time', () => {
    expect(tree.trail.length).toBe(summary.trailFiles);
    for (const f of tree.trail) {
      const m = TRAIL_NAME.exec(f.rel)!;
      expect(Array.isArray(f.records) && f.records.length > 0, f.rel).toBe(true);
      expect(f.records.length).toBeLessThanOrEqual(100);
      for (const r of f.records) {
        expect(r.recipientAccountId).toBe(m[1]);
        expect(r.awsRegion).toBe(m[2]);
        expect(Date.parse(String(r.eventTime))).toBeLessThan(stampMs(m));
      }
    }
  });

  it('gives every record the fields CloudTrail always writes', () => {
    let count = 0;
    for (const f of tree.trail) {
      for (const r of f.records) {
        count++;
        expect(r.eventVersion).toMatch(/^1\.\d+$/);
        expect(r.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(r.eventSource).toMatch(/\.amazonaws\.com$/);
        expect(typeof r.eventName).toBe('string');
        expect(typeof r.sourceIPAddress).toBe('string');
        expect(r.eventID).toMatch(UUID);
        expect(typeof r.userIdentity).toBe('object');
        expect('requestParameters' in r && 'responseElements' in r).toBe(true);
        expect(['AwsApiCall', 'AwsConsoleSignIn', 'AwsServiceEvent']).toContain(r.eventType);
        expect(['Management', 'Data']).toContain(r.eventCategory);
        expect(typeof r.readOnly).toBe('boolean');
        expect(r.managementEvent).toBe(r.eventCategory === 'Management');
        for (const res of (r.resources as Json[] | undefined) ?? []) {
          expect(typeof res.type).toBe('string');
          expect(typeof (res.ARN ?? res.ARNPrefix)).toBe('string');
        }
        if (['iam.amazonaws.com', 'sts.amazonaws.com', 'signin.amazonaws.com'].includes(String(r.eventSource))) {
          expect(r.awsRegion).toBe('us-east-1');
        }
      }
    }
    expect(count).toBe(summary.records);
    expect(count).toBeGreaterThan(3000);
  });

  it('delivers a few events twice, identical in both files', () => {
    const seen = new Map<string, string>();
    let duplicates = 0;
    for (const f of tree.trail) {
      for (const r of f.records) {
        const text = JSON.stringify(r);
        const before = seen.get(r.eventID as string);
        if (before !== undefined) {
          duplicates++;
          expect(text).toBe(before);
        } else seen.set(r.eventID as string, text);
      }
    }
    expect(duplicates).toBe(summary.duplicates);
    expect(duplicates).toBeGreaterThanOrEqual(2);
    expect(seen.size).toBe(summary.unique);
  });

  it('writes one truncated file that fails to gunzip, and only one', () => {
    expect(tree.bad).toEqual([summary.malformedPath]);
    expect(summary.malformedPath).toMatch(TRAIL_NAME);
    expect(() => readGzJson(path.join(dir, summary.malformedPath))).toThrow();
  });

  it('writes one digest without Records whose hashes match the files it lists', () => {
    expect(tree.digests).toHaveLength(1);
    const digest = readGzJson(path.join(dir, tree.digests[0]!));
    expect(digest.Records).toBeUndefined();
    expect(typeof digest.digestStartTime).toBe('string');
    expect(digest.digestS3Object).toBe(tree.digests[0]);
    const logFiles = digest.logFiles as Json[];
    expect(logFiles.length).toBeGreaterThan(0);
    for (const lf of logFiles) {
      const bytes = readFileSync(path.join(dir, String(lf.s3Object)));
      expect(lf.hashValue).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });
});

describe('realistic content', () => {
  it('has every kind of caller', () => {
    const kinds = new Set<string>();
    for (const r of uniqueEvents(tree.trail).values()) kinds.add(String((r.userIdentity as Json).type ?? '(none)'));
    for (const kind of ['IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser', 'IdentityCenterUser', '(none)']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('has console sign-ins with and without MFA, succeeding and failing', () => {
    const logins = [...uniqueEvents(tree.trail).values()].filter((r) => r.eventName === 'ConsoleLogin');
    const shapes = new Set(logins.map((r) => `${(r.responseElements as Json).ConsoleLogin}/${String((r.additionalEventData as Json).MFAUsed).toLowerCase()}`));
    expect([...shapes]).toEqual(expect.arrayContaining(['Success/yes', 'Success/no', 'Failure/no']));
    for (const r of logins.filter((l) => (l.responseElements as Json).ConsoleLogin === 'Failure')) {
      expect(r.errorMessage).toBe('Failed authentication');
    }
  });

  it('has AccessDenied bursts, resources of every required type and S3 data events', () => {
    const events = [...uniqueEvents(tree.trail).values()];
    const denied = events.filter((r) => /AccessDenied|UnauthorizedOperation/.test(String(r.errorCode ?? '')));
    expect(denied.length).toBeGreaterThan(40);
    const types = new Set(events.flatMap((r) => ((r.resources as Json[] | undefined) ?? []).map((x) => String(x.type))));
    for (const t of ['AWS::EC2::Instance', 'AWS::S3::Bucket', 'AWS::IAM::User', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::EC2::SecurityGroup']) {
      expect(types, t).toContain(t);
    }
    const data = events.filter((r) => r.eventCategory === 'Data');
    expect(data.length).toBeGreaterThan(100);
    expect(data.some((r) => ((r.resources as Json[]) ?? []).some((x) => typeof x.ARNPrefix === 'string'))).toBe(true);
    expect(events.some((r) => typeof r.tlsDetails === 'object')).toBe(true);
    expect(events.some((r) => r.tlsDetails === undefined)).toBe(true);
  });
});
