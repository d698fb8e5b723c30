/**
 * The events and steps the view tests (viewKeep, viewOpen) drive both dashboards with: calls by four
 * users, a trail and a Config recorder stopped, three Insights; and waits that know when a view is done.
 */
import { expect } from 'vitest';
import type { Rule } from '../../src/detect/rule.js';
import { idle } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

export const BASE = Date.UTC(2024, 2, 5, 10);
export const MINUTE = 60_000;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const USERS = ['alice', 'bob', 'carol', 'dave'];

/**
 * 42 calls 20 minutes apart (every 5th an error), a trail and a Config recorder stopped, and three
 * Insights; `selectors`: event selectors changed too (a lower-level finding, newest); `attributions`:
 * the Insights name who and what (the Identities, User agents and Error codes tabs have lines).
 */
export function viewRecords({ selectors = false, attributions = false } = {}): object[] {
  const calls = Array.from({ length: 42 }, (_, k) => ({
    eventID: `ev-${String(k).padStart(4, '0')}`,
    eventTime: iso(BASE + k * 20 * MINUTE),
    eventName: `Call${String(k).padStart(2, '0')}`,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    ...(k % 5 === 0 ? { errorCode: 'AccessDenied' } : {}),
    userIdentity: { type: 'IAMUser', userName: USERS[k % USERS.length] },
  }));
  const stops = [
    { eventID: 'ev-trail', eventTime: iso(BASE + 35 * MINUTE), eventName: 'StopLogging', eventSource: 'cloudtrail.amazonaws.com' },
    { eventID: 'ev-config', eventTime: iso(BASE + 95 * MINUTE), eventName: 'StopConfigurationRecorder', eventSource: 'config.amazonaws.com' },
    ...(selectors ? [{ eventID: 'ev-selectors', eventTime: iso(BASE + 200 * MINUTE), eventName: 'PutEventSelectors', eventSource: 'cloudtrail.amazonaws.com' }] : []),
  ].map((r) => ({ ...r, awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'mallory' } }));
  const insights = ['RunInstances', 'CreateBucket', 'PutObject'].map((name, k) => ({
    eventVersion: '1.08',
    eventID: `ins-${k}`,
    eventTime: iso(BASE + (100 + k * 120) * MINUTE),
    awsRegion: 'us-east-1',
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: '111122223333',
    sharedEventID: `shared-${k}`,
    eventCategory: 'Insight',
    insightDetails: {
      state: 'Start',
      eventSource: 's3.amazonaws.com',
      eventName: name,
      insightType: 'ApiCallRateInsight',
      insightContext: {
        statistics: { baseline: { average: 0.01 }, insight: { average: 5 }, insightDuration: 1, baselineDuration: 10080 },
        attributions: attributions
          ? [
              { attribute: 'userIdentityArn', insight: [{ value: `arn:aws:iam::111122223333:user/u${k}`, average: 5 }], baseline: [{ value: 'arn:aws:iam::111122223333:user/base', average: 0.01 }] },
              { attribute: 'userAgent', insight: [{ value: `agent-${k}`, average: 5 }], baseline: [{ value: 'agent-base', average: 0.01 }] },
              { attribute: 'errorCode', insight: [{ value: 'null', average: 5 }], baseline: [{ value: 'null', average: 0.01 }] },
            ]
          : [],
      },
    },
  }));
  return [...calls, ...stops, ...insights];
}

export function rule(id: string, title: string, level: 'high' | 'low' = 'high'): Rule {
  return { id, title, level, status: 'stable', description: `${title}.`, references: [], tags: [], author: 'test', falsepositives: [], path: `${id}.yml`, origin: 'builtin', ast: { kind: 'const', value: true } };
}

/** The histogram's lines, from its title to the line under the bars. */
export function chart(frame: string): string[] {
  const lines = frame.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Histogram '));
  const to = lines.findIndex((l, i) => i > from && /^(span: )?\d+ events? · /.test(l));
  return from < 0 || to < 0 ? [] : lines.slice(from, to + 1).map((l) => l.trimEnd());
}

/** Nothing counted, queried, read or filtered any more. */
export const settled = (f: string) => idle(f) && !f.includes('Counting…') && !f.includes('counting') && !f.includes('filtering…');
export const charted = (f: string) => settled(f) && chart(f).length > 3;
/** The selected line of the top values or the summary. */
export const selectedLine = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

/**
 * Presses `keys`, then waits for a frame that satisfies `until` and stays so a moment: right after Esc back,
 * the folder dashboard can draw a frame or two over the rows of the list left, and a view's first frame can
 * be the one before its data.
 */
export async function pressSteady(h: Harness, keys: string, until: (f: string) => boolean): Promise<string> {
  let frame = await h.press(keys, until);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (h.frame() === frame) return frame;
    frame = await h.waitFor(until);
  }
}

/** Esc until `open` no longer holds (the histogram's first Esc drops its span). */
export async function closeView(h: Harness, open: (f: string) => boolean): Promise<void> {
  for (let i = 0; i < 3 && open(h.frame()); i++) {
    const before = h.frame();
    await h.press(KEYS.escape, (f) => settled(f) && (f !== before || !open(f)));
  }
  expect(open(h.frame())).toBe(false);
}
