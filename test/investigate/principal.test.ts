import { describe, expect, it } from 'vitest';
import { principalSummary } from '../../src/investigate/principal.js';
import { compileQuery, filterStore, type CompiledQuery } from '../../src/query/index.js';
import { EventStore } from '../../src/store/eventStore.js';
import { summaryLines } from '../../src/ui/investigate/principalModel.js';
import { eventRow } from '../support/rows.js';

function store() {
  const s = new EventStore(0);
  const alice = { actor: 'alice', userNames: ['alice'], accessKey: 'AKIAALICE' };
  s.add([
    eventRow({ id: 'a1', ...alice, name: 'GetObject', source: 's3.amazonaws.com', time: 1000, sourceIp: '10.0.0.1' }),
    eventRow({ id: 'a2', ...alice, name: 'GetObject', source: 's3.amazonaws.com', time: 3000, sourceIp: '10.0.0.1', errorCode: 'AccessDenied' }),
    eventRow({ id: 'a3', ...alice, name: 'PutObject', source: 's3.amazonaws.com', time: 2000, sourceIp: '10.0.0.2', region: 'eu-west-1' }),
    eventRow({ id: 'a4', ...alice, accessKey: 'ASIASESSION', name: 'GetObject', source: 's3.amazonaws.com', time: 2500, sourceIp: '10.0.0.1', errorCode: 'AccessDenied' }),
    eventRow({ id: 'b1', actor: 'bob', userNames: ['bob'], accessKey: 'AKIABOB', name: 'DeleteBucket', time: 500 }),
  ]);
  s.flush();
  return s;
}

describe('principal summary', () => {
  it('counts a user\'s events, APIs with ok/error counts, first/last, IPs, regions and keys', () => {
    const summary = principalSummary(store(), { field: 'user', value: 'alice' });
    expect(summary.events).toBe(4);
    expect(summary.errors).toBe(2);
    expect([summary.first, summary.last]).toEqual([1000, 3000]);
    expect(summary.apis).toEqual([
      { name: 'GetObject', source: 's3.amazonaws.com', ok: 1, errors: 2, topError: 'AccessDenied' },
      { name: 'PutObject', source: 's3.amazonaws.com', ok: 1, errors: 0, topError: '' },
    ]);
    const section = (title: string) => summary.sections.find((s) => s.title === title)!.values.map((v) => [v.value, v.count]);
    expect(section('Source IPs')).toEqual([['10.0.0.1', 3], ['10.0.0.2', 1]]);
    expect(section('Regions')).toEqual([['us-east-1', 3], ['eu-west-1', 1]]);
    expect(section('Access keys')).toEqual([['AKIAALICE', 3], ['ASIASESSION', 1]]);
    expect(summary.sections.some((s) => s.title === 'Users')).toBe(false);
  });

  it('a failed console sign-in counts as an error, as error:* counts it', () => {
    // As anaya's in aws-docs-examples: ConsoleLogin has no errorCode, only responseElements.ConsoleLogin Failure.
    const s = new EventStore(0);
    const anaya = { actor: 'anaya', userNames: ['anaya'], name: 'ConsoleLogin', source: 'signin.amazonaws.com' };
    s.add([
      eventRow({ id: 'c1', ...anaya, time: 1000 }),
      eventRow({ id: 'c2', ...anaya, time: 2000, errorMessage: 'Failed authentication' }),
    ]);
    s.flush();
    const summary = principalSummary(s, { field: 'user', value: 'anaya' });
    expect(summary.errors).toBe(filterStore(s, (compileQuery('user:anaya error:*') as { query: CompiledQuery }).query).length);
    expect(summary.errors).toBe(1);
    expect(summary.apis).toEqual([{ name: 'ConsoleLogin', source: 'signin.amazonaws.com', ok: 1, errors: 1, topError: 'Failed authentication' }]);
    // The Error codes section counts it too (it is T's count), and its line's pivot error:"Failed authentication" lists it.
    const codes = summary.sections.find((section) => section.title === 'Error codes')!;
    expect(codes.values.map((v) => [v.value, v.count])).toEqual([['Failed authentication', 1]]);
    expect(filterStore(s, (compileQuery('user:anaya error:"Failed authentication"') as { query: CompiledQuery }).query).map((row) => row.id)).toEqual(['c2']);
  });

  it('a key summary lists its users; every selectable line carries its term', () => {
    const summary = principalSummary(store(), { field: 'key', value: 'AKIAALICE' });
    expect(summary.events).toBe(3);
    expect(summary.sections.find((s) => s.title === 'Users')!.values.map((v) => v.value)).toEqual(['alice']);
    const lines = summaryLines(summary, 'utc', 100);
    const pivots = lines.filter((l) => l.pivot).map((l) => l.pivot);
    expect(pivots).toContainEqual({ field: 'name', value: 'GetObject' });
    expect(pivots).toContainEqual({ field: 'ip', value: '10.0.0.2' });
    expect(pivots).toContainEqual({ field: 'actor', value: 'alice' });
    expect(lines.every((l) => l.text.length <= 97)).toBe(true);
  });
});

describe('principal summary headings', () => {
  it('say when a section lists only its top values, as the APIs heading does', () => {
    const s = new EventStore(0);
    const rows = [];
    for (let i = 0; i < 20; i++) rows.push(eventRow({ id: `ip${i}`, actor: 'alice', userNames: ['alice'], name: 'GetObject', time: 1000 + i, sourceIp: `10.0.0.${i}` }));
    s.add(rows);
    s.flush();
    const summary = principalSummary(s, { field: 'user', value: 'alice' });
    const text = summaryLines(summary, 'utc', 100).filter((l) => l.heading).map((l) => l.text);
    expect(text).toContain('─ Source IPs (20, top 15)');
    expect(text).toContain('─ Regions (1)');
  });
});

describe('principal summary at 80 columns', () => {
  it('values that would be cut take the first – last times\' room (role ARNs, user agents); short values keep the times', () => {
    const s = new EventStore(0);
    const role = 'arn:aws:iam::123456789012:role/stratus-red-team-get-password-data';
    const agent = 'aws-cli/2.31.1 md/awscrt#0.27.6 ua/2.1 os/linux#6.1.147 md/arch';
    const key = { accessKey: 'ASIAROLE', actor: role, userNames: [role], region: 'eu-west-1' };
    // Two years apart: the times carry their years, the narrowest case (values were cut at 26).
    s.add([
      eventRow({ id: 'r1', ...key, userAgent: agent, time: Date.UTC(2024, 0, 1) }),
      eventRow({ id: 'r2', ...key, userAgent: `${agent}-b`, time: Date.UTC(2025, 6, 1) }),
    ]);
    s.flush();
    const lines = summaryLines(principalSummary(s, { field: 'key', value: 'ASIAROLE' }), 'utc', 80).map((l) => l.text);
    // Whole up to the room left by the count (68 cells at 80 columns).
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${role.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +2$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${agent}-b +1$`)));
    // The region is short: its line keeps the first – last span.
    expect(lines).toContainEqual(expect.stringMatching(/^eu-west-1 +2 {2}2024-01-01 00:00 – 2025-07-01 00:00$/));
    expect(lines.every((l) => l.length <= 77)).toBe(true);
  });
});
