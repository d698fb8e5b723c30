/**
 * Zooming the --db histogram: the cursor stays on its time, and a zoom the archive cannot give says why
 * (it looked like a key that did nothing): past a month there is no larger bucket, and a span of years
 * cannot be cut finer than 2,000 buckets (ten years in weeks is 522, in days 3,653).
 */
import { describe, expect, it } from 'vitest';
import { archiveDashboardForThisBlock } from './archiveDashboard.js';

const event = (id: string, at: string) => ({ eventID: id, eventTime: at, eventName: `Call-${id}`, eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } });
const selected = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('zooming the histogram of an archive spanning ten years', () => {
  const dashboard = archiveDashboardForThisBlock([event('a', '2014-03-05T10:00:00Z'), event('b', '2024-03-05T10:00:00Z')], 'Call-b');

  it('says why + and - do nothing at the ends', async () => {
    const h = dashboard();
    const opened = await h.press('h', (f) => f.includes('Histogram 1mo ') && !f.includes('counting'));
    expect(selected(opened)).toContain('2024-03');
    const coarser = await h.press('-', (f) => f.includes('largest buckets (a month)'));
    expect(coarser).toContain('Histogram 1mo ');
    const weeks = await h.press('+', (f) => f.includes('Histogram 1w ') && !f.includes('counting'));
    // The week of Monday 4 March 2024, the first inside the month that was selected.
    expect(selected(weeks)).toContain('2024-03-04');
    const finer = await h.press('+', (f) => f.includes('smallest bucket for this span'));
    expect(finer).toContain('Histogram 1w ');
    expect(selected(finer)).toContain('2024-03-04');
  });
});
