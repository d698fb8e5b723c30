/**
 * The footer says the same keys on both dashboards, which answer the same keys (--db's T said no
 * `p summary`, its histogram `Enter list it`, its summary `↑/↓ line`, its details no `p summary`
 * or `y copy`). Only the query bar differs: --db runs its SQL on Enter instead of as one types.
 */
import { describe, expect, it } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { ARCHIVE_HINTS, footerHints } from '../../src/ui/footerHints.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { bothDashboardsForThisBlock, idle } from './archiveDashboard.js';
import { KEYS } from './harness.js';
import { BASE, MINUTE, rule, viewRecords } from './viewScript.js';

const settled = (f: string) => idle(f) && !f.includes('counting');
const footer = (f: string) => f.split('\n').at(-1)!.replace(/\s+UTC\s*$/, '').trim();

describe('the footer on both dashboards', () => {
  const records = ['CallA', 'CallB', 'CallC'].map((name, k) => ({
    eventID: `ev-${k}`,
    eventTime: `2024-03-05T1${k}:00:00Z`,
    eventName: name,
    eventSource: 's3.amazonaws.com',
    awsRegion: 'us-east-1',
    userIdentity: { type: 'IAMUser', userName: k === 1 ? 'bob' : 'alice' },
  }));
  // Wide enough that no hint gives way to `? more`.
  const both = bothDashboardsForThisBlock(records, 240, 30, 'CallC');

  it('says the same in the list, details, T, p and the histogram', async () => {
    const screens: Array<[string, string, (f: string) => boolean, string]> = [
      ['list', '', (f) => settled(f) && !f.includes('Event details'), 'Enter details'],
      ['details', KEYS.enter, (f) => settled(f) && f.includes('Event details'), 'Esc close'],
      ['T from the details', 'T', (f) => settled(f) && f.includes('Top values of User'), 'Esc/T back'],
      ['summary', 'p', (f) => settled(f) && f.includes('Summary of'), 'Esc back'],
    ];
    const seen = { folder: [] as string[], db: [] as string[] };
    for (const [name, h] of [['folder', both().folder], ['db', both().db]] as const) {
      for (const [, keys, shown, first] of screens) {
        const frame = keys ? await h.press(keys, shown) : await h.waitFor(shown);
        expect(footer(frame), name).toMatch(new RegExp(`^${first.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')}`));
        seen[name].push(footer(frame));
      }
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Top values of User'));
      await h.press(KEYS.escape, (f) => settled(f) && f.includes('Event details') && !f.includes('Top values of'));
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Event details'));
      seen[name].push(footer(await h.press('h', (f) => settled(f) && /Esc\/h back/.test(f))));
      await h.press(KEYS.escape, (f) => settled(f) && !/Esc\/h back/.test(f));
    }
    expect(seen.db).toEqual(seen.folder);
    expect(seen.db[2]).toContain('p summary');
  });

  // The footer offered `y copy` in the --db details, where y did nothing (it copied only in the JSON view).
  it('y in the details copies the selected value on both, and says so alike', async () => {
    const said: string[] = [];
    for (const h of [both().folder, both().db]) {
      await h.press(KEYS.enter, (f) => settled(f) && f.includes('Event details'));
      await h.press(KEYS.tab, (f) => f.includes('›User name'));
      const frame = await h.press('y', (f) => /(Copied|Not copied)[^\n]*/.test(f));
      said.push(/(Copied|Not copied)[^\n]*/.exec(frame)![0].trim());
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Event details'));
    }
    expect(said[0]).toMatch(/the user name/i);
    expect(said[1]).toBe(said[0]);
  });

  it('differs only in the query bar, where --db applies its SQL on Enter', () => {
    expect(footerHints('query', false, ARCHIVE_HINTS)).toContain('Enter apply (SQL)');
    expect(footerHints('query', false)).toContain('type to filter');
    for (const mode of ['list', 'detail', 'top', 'principal', 'histogram', 'findings', 'insights', 'json', 'columns'] as const) {
      expect(footerHints(mode, false, ARCHIVE_HINTS), mode).toEqual(footerHints(mode, false));
    }
    expect(footerHints('top', true)[0]).toBe('Esc back');
  });
});

// The findings and Insights footers offered `Enter events` (and `Tab attributions`) over a view listing nothing:
// no rule fired on the query's events, no Insight concerns them. Offered again once there are lines.
describe('the findings and Insights footers offer Enter only with a line to list, on both dashboards', () => {
  const both = bothDashboardsForThisBlock(viewRecords({ attributions: true }), 200, 30, 'Call41', {
    dbRules: true,
    views: { findings: FindingsView, insights: InsightsView },
    findings: () => {
      const findings = new Findings({ rules: [rule('r-trail', 'Trail stopped')], skipped: [] }, 0);
      findings.add([{ id: 'ev-trail', time: BASE + 35 * MINUTE, index: 0, rules: [0] }]);
      return findings;
    },
  });

  for (const name of ['folder', '--db'] as const) {
    it(name, async () => {
      const h = name === 'folder' ? both().folder : both().db;
      // The footer follows the view's answer (a frame later): each step waits for the footer it expects.
      const shows = (keys: string, shown: (f: string) => boolean, hints: RegExp) => h.press(keys, (f) => settled(f) && shown(f) && hints.test(footer(f))).then(footer);
      await shows('!', (f) => /Findings \([1-9]\d* of \d+ rules fired\)/.test(f), /^Esc\/! back · Enter events · /);
      await shows('/name:NoSuchCall\r', (f) => f.includes("Findings on the query's 0 events (0 of"), /^Esc\/! back · o order · /);
      // Nor does the view's title line.
      expect(h.frame().split('\n').find((line) => line.startsWith('Findings on'))).not.toMatch(/select|Enter/);
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Findings'));
      expect(await shows('i', (f) => f.includes('Insights (0 of 3 for the query'), /^Esc\/i back · \/ query · /)).not.toMatch(/Enter|Tab/);
      // The query cleared over the view: its three Insights, each with attributions.
      await shows('/\u0015\r', (f) => f.includes('Insights (3)'), /^Esc\/i back · Enter events · Tab attributions · /);
      await h.press(KEYS.escape, (f) => settled(f) && !f.includes('Insights ('));
    }, 60_000);
  }
});
