/**
 * Enter in the histogram (h) on a bucket, or a `v` span, with no events stays in the histogram and says so
 * on the status line, on the folder dashboard and on the --db dashboard alike: a list of nothing would only
 * be Esc'd out of. Enter on a bucket with events still lists them.
 */
import { describe, expect, it } from 'vitest';
import { bothDashboardsForThisBlock, queryOf } from './archiveDashboard.js';
import { KEYS, type Harness } from './harness.js';
import { BASE, MINUTE, chart, charted } from './viewScript.js';

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

/** Six calls on 03-05 from 10:00 and six a day later: the night between is empty buckets at any size that shows both. */
function records(): object[] {
  const day = (first: number, name: string) =>
    Array.from({ length: 6 }, (_, k) => ({
      eventID: `${name}-${k}`,
      eventTime: iso(first + k * 20 * MINUTE),
      eventName: `${name}${k}`,
      eventSource: 's3.amazonaws.com',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser', userName: 'alice' },
    }));
  return [...day(BASE, 'Early'), ...day(BASE + 24 * 60 * MINUTE, 'Late')];
}

/** The line under the bars: the cursor's bucket (`0 events · …`) or the span (`span: 0 events · …`). */
const info = (frame: string): string => chart(frame).at(-1) ?? '';

/** Moves the cursor down from the first bucket to the first one with no events. */
async function toEmptyBucket(h: Harness): Promise<string> {
  let frame = await h.press('g', (f) => charted(f));
  for (let i = 0; i < 40 && !info(frame).startsWith('0 events · '); i++) {
    const before = info(frame);
    frame = await h.press('j', (f) => charted(f) && info(f) !== before);
  }
  expect(info(frame)).toMatch(/^0 events · /);
  return frame;
}

describe('Enter on an empty histogram bucket, on both dashboards', () => {
  const both = bothDashboardsForThisBlock(records(), 80, 24, 'Late5');

  for (const which of ['folder', 'db'] as const) {
    it(`${which}: stays in the histogram and says the bucket, or the span, has no events; a bucket with events still lists`, async () => {
      const h = both()[which];
      await h.press('h', charted);
      await toEmptyBucket(h);

      let frame = await h.press(KEYS.enter, (f) => f.includes('No events in this bucket'));
      // Still the histogram, on the same empty bucket, and the list's query untouched.
      expect(chart(frame)[0]).toMatch(/^Histogram /);
      expect(info(frame)).toMatch(/^0 events · /);
      expect(queryOf(frame)).toBe('');

      // A span of empty buckets alike; its line does not offer Enter.
      frame = await h.press('v', (f) => charted(f) && info(f).startsWith('span: 0 events · '));
      expect(info(frame)).not.toContain('Enter lists them');
      frame = await h.press(KEYS.enter, (f) => f.includes('No events in this span'));
      expect(chart(frame)[0]).toMatch(/^Histogram /);
      expect(queryOf(frame)).toBe('');

      // Esc drops the span; Enter on the first bucket (events) lists them as before.
      await h.press(KEYS.escape, (f) => charted(f) && !info(f).startsWith('span: '));
      await h.press('g', (f) => charted(f) && /^[1-9]\d* events? · /.test(info(f)));
      frame = await h.press(KEYS.enter, (f) => queryOf(f).includes('from:') && f.includes('Early0'));
      expect(chart(frame)).toEqual([]);
    });
  }
});
