import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSamples } from '../../src/samples/pipeline.js';
import { loadTree, type Json } from './helpers.js';

// A small high-cardinality folder; the distinct counts scale with --events (the bench uses 1M).
const EVENTS = 20_000;
let dir = '';
let records: Json[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'trailtop-highcard-'));
  generateSamples({ out: dir, events: EVENTS, seed: 'high', cardinality: 'high' });
  records = loadTree(dir).trail.flatMap((f) => f.records);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const distinct = (values: unknown[]): number => new Set(values).size;
const identity = (r: Json) => (r.userIdentity ?? {}) as Json;

describe('--cardinality high', () => {
  it('gives every event its own eventID and requestID, and every S3 object call its own object ARN', () => {
    const ids = records.map((r) => r.eventID);
    // Redelivered copies repeat an eventID with the same content; nothing else does.
    const copies = ids.length - distinct(ids);
    expect(copies).toBeLessThan(ids.length * 0.01);
    expect(distinct(records.map((r) => r.requestID))).toBeGreaterThan(0.98 * ids.length);
    const objectArns = records.flatMap((r) => ((r.resources ?? []) as Json[]).filter((x) => x.type === 'AWS::S3::Object').map((x) => x.ARN));
    expect(objectArns.length).toBeGreaterThan(0.3 * ids.length);
    expect(distinct(objectArns)).toBeGreaterThan(0.99 * objectArns.length);
  });

  it('gives each role session its own ASIA key, with sessions of 1 to 60 events', () => {
    const bySession = new Map<string, Set<string>>();
    const counts = new Map<string, number>();
    for (const r of records) {
      const u = identity(r);
      if (u.type !== 'AssumedRole' || typeof u.arn !== 'string' || !String(u.arn).includes(':assumed-role/app-')) continue;
      const keys = bySession.get(u.arn) ?? new Set<string>();
      keys.add(String(u.accessKeyId));
      bySession.set(u.arn, keys);
      counts.set(String(u.accessKeyId), (counts.get(String(u.accessKeyId)) ?? 0) + 1);
    }
    expect(bySession.size).toBeGreaterThan(500);
    for (const keys of bySession.values()) {
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^ASIA[A-Z0-9]{16}$/);
    }
    // Redelivered copies can add one to a session's count.
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(61);
    expect(distinct([...bySession.values()].map((k) => [...k][0]))).toBe(bySession.size);
  });

  it('spreads source IPs, principals, event names, services and user agents', () => {
    expect(distinct(records.map((r) => r.sourceIPAddress))).toBeGreaterThan(0.8 * EVENTS);
    const principals = records.map((r) => {
      const u = identity(r);
      const issuer = ((u.sessionContext ?? {}) as Json).sessionIssuer as Json | undefined;
      return issuer?.arn ?? u.arn;
    });
    // 20k events make about 950 sessions over 30k principals; 1M events reach 20k+.
    expect(distinct(principals)).toBeGreaterThan(800);
    expect(distinct(records.map((r) => r.eventName))).toBeGreaterThan(250);
    expect(distinct(records.map((r) => r.eventSource))).toBeGreaterThanOrEqual(40);
    const agents = distinct(records.map((r) => r.userAgent));
    expect(agents).toBeGreaterThanOrEqual(50);
    expect(agents).toBeLessThan(70);
  });

  it('has AccessDenied errors and ingress opened to 0.0.0.0/0, so filters have hits', () => {
    const denied = records.filter((r) => r.errorCode === 'AccessDenied').length;
    expect(denied).toBeGreaterThan(0.005 * EVENTS);
    const open = records.filter((r) => r.eventName === 'AuthorizeSecurityGroupIngress' && JSON.stringify(r.requestParameters).includes('"0.0.0.0/0"'));
    expect(open.length).toBeGreaterThan(5);
  });

  it('is deterministic for a seed', () => {
    const again = mkdtempSync(path.join(tmpdir(), 'trailtop-highcard-'));
    try {
      generateSamples({ out: again, events: 2000, seed: 'h2', cardinality: 'high' });
      const other = mkdtempSync(path.join(tmpdir(), 'trailtop-highcard-'));
      try {
        generateSamples({ out: other, events: 2000, seed: 'h2', cardinality: 'high' });
        const a = loadTree(again).trail.map((f) => JSON.stringify(f));
        const b = loadTree(other).trail.map((f) => JSON.stringify(f));
        expect(b).toEqual(a);
      } finally {
        rmSync(other, { recursive: true, force: true });
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});
