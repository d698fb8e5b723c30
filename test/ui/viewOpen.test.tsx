/**
 * A view opened with its key (T, h, !, i), on both dashboards driven by one script: it keeps the choices the
 * reader made in it (T's field, the histogram's bucket size and split, the findings' order, the Insights'
 * tab) and starts at the top, or the histogram at the list cursor's bucket: the line or bucket selected
 * before was about data that has since changed. The folder's T came back on its old line, its histogram with
 * neither the size nor the split; the --db histogram kept its size even when fitted, not chosen (a bucket
 * listed with Enter, h again: one bar) and opened on the newest bucket wherever the list's cursor was.
 */
import { describe, expect, it } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import type { Rule } from '../../src/detect/rule.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { bothDashboardsForThisBlock, idle, queryOf } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

const BASE = Date.UTC(2024, 2, 5, 10);
const MINUTE = 60_000;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const USERS = ['alice', 'bob', 'carol', 'dave'];

/** 42 calls 20 minutes apart (every 5th an error), a trail and a Config recorder stopped, event selectors changed, and three Insights with attributions. */
function records(): object[] {
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
    // The newest finding of the built-in rules (the --db dashboard's) is of a lower level than the others: the order shows.
    { eventID: 'ev-selectors', eventTime: iso(BASE + 200 * MINUTE), eventName: 'PutEventSelectors', eventSource: 'cloudtrail.amazonaws.com' },
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
        attributions: [
          { attribute: 'userIdentityArn', insight: [{ value: `arn:aws:iam::111122223333:user/u${k}`, average: 5 }], baseline: [{ value: 'arn:aws:iam::111122223333:user/base', average: 0.01 }] },
          { attribute: 'userAgent', insight: [{ value: `agent-${k}`, average: 5 }], baseline: [{ value: 'agent-base', average: 0.01 }] },
          { attribute: 'errorCode', insight: [{ value: 'null', average: 5 }], baseline: [{ value: 'null', average: 0.01 }] },
        ],
      },
    },
  }));
  return [...calls, ...stops, ...insights];
}

function rule(id: string, title: string, level: 'high' | 'low'): Rule {
  return { id, title, level, status: 'stable', description: `${title}.`, references: [], tags: [], author: 'test', falsepositives: [], path: `${id}.yml`, origin: 'builtin', ast: { kind: 'const', value: true } };
}

/** The histogram's lines, from its title to the line under the bars. */
function chart(frame: string): string[] {
  const lines = frame.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Histogram '));
  const to = lines.findIndex((l, i) => i > from && /^(span: )?\d+ events? · /.test(l));
  return from < 0 || to < 0 ? [] : lines.slice(from, to + 1).map((l) => l.trimEnd());
}

/** The histogram's bars, oldest first; the selected one. */
const bars = (lines: readonly string[]) => lines.filter((l) => l.includes(' |'));
const cursorBar = (lines: readonly string[]) => bars(lines).find((l) => l.startsWith('›')) ?? '';

/** Nothing counted, queried, read or filtered any more. */
const settled = (f: string) => idle(f) && !f.includes('Counting…') && !f.includes('counting') && !f.includes('filtering…');
const charted = (f: string) => settled(f) && chart(f).length > 3;
/** The selected row of the list, of the findings or of the Insights. */
const selectedRow = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';
/** The selected line of the top values. */
const selectedLine = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';
/** The Insights' tabs, the chosen one in brackets. */
const tabLine = (f: string) => f.split('\n').find((l) => l.includes('(Tab)')) ?? '';
const topTitle = (f: string) => f.split('\n').find((l) => l.trimStart().startsWith('Top values of ')) ?? '';

/** Presses `keys`, then waits for a frame that satisfies `until` and stays so a moment (a view's first frame can be the one before its data). */
async function pressSteady(h: Harness, keys: string, until: (f: string) => boolean): Promise<string> {
  let frame = await h.press(keys, until);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (h.frame() === frame) return frame;
    frame = await h.waitFor(until);
  }
}

/** Esc until `open` no longer holds (the histogram's first Esc drops its span). */
async function closeView(h: Harness, open: (f: string) => boolean): Promise<void> {
  for (let i = 0; i < 3 && open(h.frame()); i++) {
    const before = h.frame();
    await h.press(KEYS.escape, (f) => settled(f) && (f !== before || !open(f)));
  }
  expect(open(h.frame())).toBe(false);
}

describe('a view opened with its key keeps what was chosen in it and starts at the top, on both dashboards', () => {
  const both = bothDashboardsForThisBlock(records(), 80, 30, 'Call41', {
    dbRules: true,
    views: { findings: FindingsView, insights: InsightsView },
    findings: () => {
      const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped', 'high'), rule('r-config', 'Config recorder stopped', 'low')], skipped: [] }, 0);
      findings.add([
        { id: 'ev-trail', time: BASE + 35 * MINUTE, index: 0, rules: [0] },
        { id: 'ev-config', time: BASE + 95 * MINUTE, index: 1, rules: [1] },
      ]);
      return findings;
    },
  });
  const dashboards = (): (readonly [string, Harness])[] => [['folder', both().folder], ['--db', both().db]];

  it('T: on the field chosen, at its first line', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('T', (f) => settled(f) && topTitle(f).includes('Top values of User'));
      const field = await h.press(`${KEYS.tab}${KEYS.tab}${KEYS.tab}`, (f) => settled(f) && topTitle(f).includes('Top values of Event name'));
      const moved = await h.press('jj', (f) => settled(f) && selectedLine(f) !== selectedLine(field));
      expect(selectedLine(moved), name).not.toBe('');
      await closeView(h, (f) => f.includes('Top values of'));
      const again = await pressSteady(h, 'T', (f) => settled(f) && f.includes('Top values of'));
      await closeView(h, (f) => f.includes('Top values of'));
      expect(topTitle(again), name).toBe(topTitle(field));
      expect(selectedLine(again), name).toBe(selectedLine(field));
    }
  });

  it('h over a bucket its Enter listed: the bucket size fitted to that list, as when nothing was chosen', async () => {
    const charts: string[][] = [];
    for (const [name, h] of dashboards()) {
      await h.press('h', charted);
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:'));
      const again = chart(await pressSteady(h, 'h', charted));
      await closeView(h, (f) => /^Histogram /m.test(f));
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
      // The hour's three events in buckets of a few minutes, not in one bar of the hour before.
      expect(bars(again).length, name).toBeGreaterThan(1);
      charts.push(again);
    }
    expect(charts[1]).toEqual(charts[0]);
  });

  it('h: on the bucket size and split chosen, at the bucket of the list cursor', async () => {
    const charts: string[][] = [];
    for (const [name, h] of dashboards()) {
      const fresh = chart(await h.press('h', charted));
      await h.press('-', (f) => charted(f) && chart(f)[0] !== fresh[0]);
      const chosen = chart(await h.press(`${KEYS.tab}${KEYS.tab}`, (f) => charted(f) && chart(f)[0]!.includes('by user')));
      await h.press('k', (f) => charted(f) && cursorBar(chart(f)) !== cursorBar(chosen));
      await closeView(h, (f) => /^Histogram /m.test(f));
      // The list's cursor on the oldest event (10:00), far from the bucket left selected.
      await h.press('G', (f) => settled(f) && selectedRow(f).includes('Call00'));
      const again = chart(await pressSteady(h, 'h', charted));
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(again[0], name).toBe(chosen[0]);
      expect(cursorBar(again), name).toBe(bars(again)[0]);
      expect(cursorBar(again), name).toContain('03-05 09:00');
      charts.push(again);
      await h.press('g', (f) => settled(f) && selectedRow(f).includes('Call41'));
    }
    expect(charts[1]).toEqual(charts[0]);
  });

  it('!: in the order chosen, on its first row', async () => {
    for (const [name, h] of dashboards()) {
      await h.waitFor((f) => f.includes('(!)') && !f.includes('running rules'), 20_000);
      const fresh = await h.press('!', (f) => settled(f) && /^Findings \(\d+ of/m.test(f));
      const ordered = await h.press('o', (f) => settled(f) && selectedRow(f) !== selectedRow(fresh));
      await h.press('j', (f) => settled(f) && selectedRow(f) !== selectedRow(ordered));
      await closeView(h, (f) => /^Findings\b/m.test(f));
      const again = await pressSteady(h, '!', (f) => settled(f) && /^Findings \(\d+ of/m.test(f));
      await closeView(h, (f) => /^Findings\b/m.test(f));
      expect(selectedRow(again), name).toBe(selectedRow(ordered));
    }
  });

  it('i: on the tab chosen, on the first Insight', async () => {
    for (const [name, h] of dashboards()) {
      const fresh = await h.press('i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '');
      const tabbed = await h.press(KEYS.tab, (f) => settled(f) && f !== fresh);
      await h.press('j', (f) => settled(f) && selectedRow(f) !== selectedRow(tabbed));
      await closeView(h, (f) => f.includes('Insights ('));
      const again = await pressSteady(h, 'i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '');
      await closeView(h, (f) => f.includes('Insights ('));
      expect(tabLine(tabbed), name).not.toBe(tabLine(fresh));
      expect(tabLine(again), name).toBe(tabLine(tabbed));
      expect(selectedRow(again), name).toBe(selectedRow(fresh));
    }
  });
});
