/**
 * Esc in a list a view's Enter opened goes back into that view as the reader left it, on both
 * dashboards: the histogram on its bucket size, split, span and bucket (the folder's came back a
 * fresh histogram, the --db one without its span), the findings and the Insights on their row (both
 * came back on the first), the top values and the principal summary on their line, and, through a
 * second such view opened from that list, each view as it was left (the second one's choices came
 * back in the first). Each dashboard is compared with itself.
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

/** 42 calls 20 minutes apart (every 5th an error), a trail and a Config recorder stopped, and three Insights. */
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
      insightContext: { statistics: { baseline: { average: 0.01 }, insight: { average: 5 }, insightDuration: 1, baselineDuration: 10080 }, attributions: [] },
    },
  }));
  return [...calls, ...stops, ...insights];
}

function rule(id: string, title: string): Rule {
  return { id, title, level: 'high', status: 'stable', description: `${title}.`, references: [], tags: [], author: 'test', falsepositives: [], path: `${id}.yml`, origin: 'builtin', ast: { kind: 'const', value: true } };
}

/** The histogram's lines, from its title to the line under the bars. */
function chart(frame: string): string[] {
  const lines = frame.split('\n');
  const from = lines.findIndex((l) => l.startsWith('Histogram '));
  const to = lines.findIndex((l, i) => i > from && /^(span: )?\d+ events? · /.test(l));
  return from < 0 || to < 0 ? [] : lines.slice(from, to + 1).map((l) => l.trimEnd());
}

/** Nothing counted, queried, read or filtered any more. */
const settled = (f: string) => idle(f) && !f.includes('Counting…') && !f.includes('counting') && !f.includes('filtering…');
const charted = (f: string) => settled(f) && chart(f).length > 3;
/**
 * Presses `keys`, then waits for a frame that satisfies `until` and stays so a moment: right after Esc back,
 * the folder dashboard can draw a frame or two over the rows of the list left, before they are filtered again.
 */
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

/** The selected row of the findings or Insights view. */
const selectedRow = (f: string) => f.split('\n').find((l) => l.startsWith('› ')) ?? '';
/** The selected line of the top values or the summary. */
const selectedLine = (f: string) => f.split('\n').find((l) => l.startsWith(' ›')) ?? '';

describe('Esc back into a view keeps what was selected in it, on both dashboards', () => {
  const both = bothDashboardsForThisBlock(records(), 80, 24, 'Call41', {
    dbRules: true,
    views: { findings: FindingsView, insights: InsightsView },
    findings: () => {
      const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped'), rule('r-config', 'Config recorder stopped')], skipped: [] }, 0);
      findings.add([
        { id: 'ev-trail', time: BASE + 35 * MINUTE, index: 0, rules: [0] },
        { id: 'ev-config', time: BASE + 95 * MINUTE, index: 1, rules: [1] },
      ]);
      return findings;
    },
  });
  const dashboards = (): (readonly [string, Harness])[] => [['folder', both().folder], ['--db', both().db]];

  /** The histogram's lines once `keys` have changed them. */
  async function chartAfter(h: Harness, keys: string, until: (lines: string[]) => boolean = () => true): Promise<string[]> {
    const before = chart(h.frame()).join('\n');
    return chart(await h.press(keys, (f) => charted(f) && chart(f).join('\n') !== before && until(chart(f))));
  }

  it('h: bucket size, split, span and bucket as left, over the query before', async () => {
    for (const [name, h] of dashboards()) {
      const fresh = chart(await h.press('h', charted));
      await chartAfter(h, '-');
      await chartAfter(h, `${KEYS.tab}${KEYS.tab}`, (c) => c[0]!.includes('by user'));
      await chartAfter(h, 'k');
      const left = await chartAfter(h, 'vk', (c) => c.at(-1)!.startsWith('span: '));
      expect(left, name).not.toEqual(fresh);
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:'));
      const back = await pressSteady(h, KEYS.escape, (f) => charted(f) && queryOf(f) === '');
      // Closed before the check, so the next test starts on the list whatever it finds.
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(chart(back), name).toEqual(left);
    }
  });

  it('h over a list another histogram opened: Esc back through both finds each as left', async () => {
    for (const [name, h] of dashboards()) {
      await h.press('h', charted);
      await chartAfter(h, '-');
      const first = await chartAfter(h, 'k');
      const firstQuery = queryOf(await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f).includes('from:')));
      // Another histogram over that bucket's events, zoomed in, and its Enter.
      await h.press('h', charted);
      await chartAfter(h, '+');
      await h.press(KEYS.enter, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f) !== firstQuery);
      await h.press(KEYS.escape, (f) => charted(f) && queryOf(f) === firstQuery);
      await h.press(KEYS.escape, (f) => settled(f) && !/^Histogram /m.test(f) && queryOf(f) === firstQuery);
      const back = await pressSteady(h, KEYS.escape, (f) => charted(f) && queryOf(f) === '');
      await closeView(h, (f) => /^Histogram /m.test(f));
      expect(chart(back), name).toEqual(first);
    }
  });

  it('!: the finding Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      // On the archive the rules run in the background: the view lists both findings once they have.
      await h.waitFor((f) => f.includes('(!)') && !f.includes('running rules'), 20_000);
      const first = selectedRow(await h.press('!', (f) => settled(f) && /^Findings \(2 of/m.test(f)));
      const left = selectedRow(await h.press('j', (f) => selectedRow(f) !== first));
      expect(left, name).not.toBe('');
      await h.press(KEYS.enter, (f) => settled(f) && !/^Findings\b/m.test(f) && queryOf(f).startsWith('rule:'));
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && /^Findings \(2 of/m.test(f) && queryOf(f) === '');
      await closeView(h, (f) => /^Findings\b/m.test(f));
      expect(selectedRow(back), name).toBe(left);
      // Opened anew with !, the view starts on the first row again.
      const again = await pressSteady(h, '!', (f) => settled(f) && /^Findings \(2 of/m.test(f));
      await closeView(h, (f) => /^Findings\b/m.test(f));
      expect(selectedRow(again), name).toBe(first);
    }
  });

  it('i: the Insight Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      const first = selectedRow(await h.press('i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== ''));
      const left = selectedRow(await h.press('j', (f) => selectedRow(f) !== '' && selectedRow(f) !== first));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Insights (') && queryOf(f).startsWith('name:'));
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '' && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Insights ('));
      expect(selectedRow(back), name).toBe(left);
      // Opened anew with i, the view starts on the first row again.
      const again = await pressSteady(h, 'i', (f) => settled(f) && f.includes('Insights (3)') && selectedRow(f) !== '');
      await closeView(h, (f) => f.includes('Insights ('));
      expect(selectedRow(again), name).toBe(first);
    }
  });

  it('T from the list: the value Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      const first = selectedLine(await h.press('T', (f) => settled(f) && f.includes('Top values of User')));
      const left = selectedLine(await h.press('jj', (f) => settled(f) && selectedLine(f) !== first && selectedLine(f) !== ''));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:'));
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Top values of User') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Top values of'));
      expect(selectedLine(back), name).toBe(left);
    }
  });

  it('T over a list another T opened: Esc back through both finds the first on its value', async () => {
    for (const [name, h] of dashboards()) {
      const top = await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      const left = selectedLine(await h.press('jj', (f) => settled(f) && selectedLine(f) !== selectedLine(top) && selectedLine(f) !== ''));
      const firstQuery = queryOf(await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:')));
      // T again over that value's events, on another field, and its Enter.
      await h.press('T', (f) => settled(f) && f.includes('Top values of User'));
      await h.press(`${KEYS.tab}${KEYS.tab}${KEYS.tab}`, (f) => settled(f) && f.includes('Top values of Event name'));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) !== firstQuery);
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of') && queryOf(f) === firstQuery);
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Top values of') && queryOf(f) === firstQuery);
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Top values of') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Top values of'));
      expect(back, name).toContain('Top values of User');
      expect(selectedLine(back), name).toBe(left);
    }
  });

  it('p from the list: the line Enter listed is still selected', async () => {
    for (const [name, h] of dashboards()) {
      const first = selectedLine(await h.press('p', (f) => settled(f) && f.includes('Summary of')));
      const left = selectedLine(await h.press('jj', (f) => settled(f) && selectedLine(f) !== first && selectedLine(f) !== ''));
      await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Summary of') && queryOf(f) !== '');
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Summary of') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Summary of'));
      expect(selectedLine(back), name).toBe(left);
    }
  });

  // Two fixes met here: `[` then `]` kept the way back into T but not what was chosen in it, so a T opened
  // and moved on the list `[` went back to was what Esc found.
  it('T from the list, Enter, [, another T moved there, ] then Esc: T is on the value Enter listed', async () => {
    const isTopLine = (frame: string): boolean => {
      const lines = frame.split('\n');
      return /^\s+Count\b/.test(lines[lines.indexOf(selectedLine(frame)) - 1] ?? '');
    };
    // One move that lands on another line wherever T opened (the folder's T opens where it was left).
    const move = async (h: Harness, opened: string, keys: string): Promise<string> =>
      selectedLine(await h.press(isTopLine(opened) ? keys : 'k', (f) => settled(f) && selectedLine(f) !== selectedLine(opened) && selectedLine(f) !== ''));
    for (const [name, h] of dashboards()) {
      const left = await move(h, await h.press('T', (f) => settled(f) && f.includes('Top values of User')), 'jj');
      const drilled = queryOf(await h.press(KEYS.enter, (f) => settled(f) && !f.includes('Top values of') && queryOf(f).startsWith('actor:')));
      await h.press('[', (f) => settled(f) && queryOf(f) === '');
      const other = await move(h, await h.press('T', (f) => settled(f) && f.includes('Top values of User')), 'j');
      expect(other, name).not.toBe(left);
      await closeView(h, (f) => f.includes('Top values of'));
      await h.press(']', (f) => settled(f) && queryOf(f) === drilled);
      const back = await pressSteady(h, KEYS.escape, (f) => settled(f) && f.includes('Top values of User') && queryOf(f) === '');
      await closeView(h, (f) => f.includes('Top values of'));
      expect(selectedLine(back), name).toBe(left);
    }
  });
});
