/**
 * Esc goes back where the user was, as in k9s: a view opened from the
 * details closes back to the details, through the help opened over it and
 * through a view opened from that view, on both dashboards. One slot for
 * "where Esc goes" lost the details once the help opened over a view (and on
 * --db left `v ? Esc` in the JSON view for good); on --db, T closed to the list.
 */
import { describe, expect, it } from 'vitest';
import { Findings } from '../../src/detect/findings.js';
import { ExportDialog } from '../../src/ui/ExportDialog.js';
import { FindingsView } from '../../src/ui/findings/FindingsView.js';
import { InsightsView } from '../../src/ui/InsightsView.js';
import { bothDashboardsForThisBlock, idle } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';

const records = ['CallA', 'CallB', 'CallC'].map((name, k) => ({
  eventID: `ev-${k}`,
  eventTime: `2024-03-05T1${k}:00:00Z`,
  eventName: name,
  eventSource: 's3.amazonaws.com',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'IAMUser', userName: 'alice' },
}));

/** Each view by a line only it draws; the list is none of them. */
const VIEWS = {
  details: 'Event details',
  top: 'Top values of',
  summary: 'Summary of',
  help: ' Help ',
  json: 'Event record',
  columns: 'List columns',
} as const;
type View = keyof typeof VIEWS | 'list';
const ALL: readonly View[] = ['list', ...(Object.keys(VIEWS) as (keyof typeof VIEWS)[])];

function shows(frame: string, view: View): boolean {
  const drawn = (Object.keys(VIEWS) as (keyof typeof VIEWS)[]).filter((v) => frame.includes(VIEWS[v]));
  return view === 'list' ? drawn.length === 0 && idle(frame) : drawn.length === 1 && drawn[0] === view && idle(frame) && !frame.includes('Counting…');
}

/** Presses each key (waiting for its view), then Esc back down the same views, and Esc once more to the list. */
async function walk(h: Harness, steps: readonly (readonly [string, View])[]): Promise<void> {
  const passed: View[] = ['list'];
  for (const [key, view] of steps) {
    await h.press(key, (f) => shows(f, view));
    passed.push(view);
  }
  // The last view on the way closes first; each Esc shows the view under it (any other view is a wrong turn).
  for (let i = passed.length - 2; i >= 0; i--) {
    const left = passed[i + 1]!;
    const frame = await h.press(KEYS.escape, (f) => ALL.some((v) => v !== left && shows(f, v)));
    expect(shows(frame, passed[i]!), `Esc from ${left} after ${steps.map(([k]) => k).join(' ')}:\n${frame}`).toBe(true);
  }
}

describe('Esc from a view opened from the details', () => {
  const both = bothDashboardsForThisBlock(records, 80, 24, 'CallC');
  const dashboards = (): [string, Harness][] => [['folder', both().folder], ['--db', both().db]];

  it('T, then Esc: back to the details', async () => {
    for (const [, h] of dashboards()) await walk(h, [[KEYS.enter, 'details'], ['T', 'top']]);
  });

  it('T, then ? over it: Esc, Esc back to the details', async () => {
    for (const [, h] of dashboards()) await walk(h, [[KEYS.enter, 'details'], ['T', 'top'], ['?', 'help']]);
  });

  it('T, then p from the top values: Esc, Esc back to the details', async () => {
    for (const [, h] of dashboards()) await walk(h, [[KEYS.enter, 'details'], ['T', 'top'], ['p', 'summary']]);
  });

  it('v, then ? over the JSON: Esc, Esc back to the details (the --db dashboard stayed in the JSON)', async () => {
    for (const [, h] of dashboards()) await walk(h, [[KEYS.enter, 'details'], ['v', 'json'], ['?', 'help']]);
  });

  it('C, then ? over the chooser: Esc, Esc back to the details', async () => {
    for (const [, h] of dashboards()) await walk(h, [[KEYS.enter, 'details'], ['C', 'columns'], ['?', 'help']]);
  });

  it('p, then ? over the summary: Esc, Esc back to the details', async () => {
    for (const [, h] of dashboards()) await walk(h, [[KEYS.enter, 'details'], ['p', 'summary'], ['?', 'help']]);
  });
});

/** The list's own views, each by a line only it draws (on either dashboard). */
const LIST_VIEWS = {
  '!': /^Findings\b/m,
  i: /^Insights \(/m,
  h: /^Histogram /m,
  d: /│ Download events/,
  b: /Files with problems/,
} as const;

describe('the list views (! i h d b) from the details: open over them, Esc back to the same event', () => {
  // As `trailtop DIR` runs it: Insights, the download dialog and the findings view (no rule loaded).
  const both = bothDashboardsForThisBlock(records, 80, 24, 'CallC', {
    views: { insights: InsightsView, export: ExportDialog, findings: FindingsView },
    findings: () => new Findings({ rules: [], skipped: [] }, 0),
  });
  const onCallB = (f: string): boolean => f.includes('Event details') && /Event name +CallB/.test(f) && idle(f);
  const selected = (f: string): string => f.split('\n').find((l) => /^ ?›/.test(l)) ?? '';

  for (const [key, drawn] of Object.entries(LIST_VIEWS)) {
    it(`${key} in the details opens its view; Esc closes back to the details of the same event`, async () => {
      for (const [name, h] of [['folder', both().folder], ['--db', both().db]] as const) {
        await h.press('g', (f) => idle(f) && selected(f).includes('CallC'));
        await h.press('j', (f) => idle(f) && selected(f).includes('CallB'));
        await h.press(KEYS.enter, onCallB);
        const view = await h.press(key, (f) => drawn.test(f) && idle(f));
        expect(view, name).not.toContain('Event details');
        const back = await h.press(KEYS.escape, (f) => !drawn.test(f) && idle(f));
        expect(onCallB(back), `${name}: Esc from ${key}:\n${back}`).toBe(true);
        await h.press(KEYS.escape, (f) => !f.includes('Event details') && idle(f));
      }
    });
  }
});
