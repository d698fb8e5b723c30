/**
 * Zooming the --db histogram: the cursor stays on its time, and a zoom the archive cannot give says why
 * (it looked like a key that did nothing): in past a day there is no larger bucket, and a span of years
 * cannot be cut finer than 2,000 buckets.
 */
import { describe, expect, it } from 'vitest';
import { archiveDashboardForThisBlock } from './archiveDashboard.js';

const event = (id: string, at: string) => ({ eventID: id, eventTime: at, eventName: `Call-${id}`, eventSource: 's3.amazonaws.com', awsRegion: 'us-east-1', userIdentity: { type: 'IAMUser', userName: 'alice' } });
const selected = (f: string) => f.split('\n').find((l) => l.startsWith('›')) ?? '';

describe('zooming the histogram of an archive spanning ten years', () => {
  const dashboard = archiveDashboardForThisBlock([event('a', '2014-03-05T10:00:00Z'), event('b', '2024-03-05T10:00:00Z')], 'Call-b');

  it('says why + and - do nothing at the ends', async () => {
    const h = dashboard();
    const opened = await h.press('h', (f) => f.includes('Histogram 1d ') && !f.includes('counting'));
    expect(selected(opened)).toContain('2024-03-05');
    const finer = await h.press('+', (f) => f.includes('smallest bucket for this span'));
    expect(finer).toContain('Histogram 1d ');
    expect(selected(finer)).toContain('2024-03-05');
    const coarser = await h.press('-', (f) => f.includes('largest buckets on an archive'));
    expect(coarser).toContain('Histogram 1d ');
  });
});
