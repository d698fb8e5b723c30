/** The Insights view at 80 columns: the Type column and the chart legend read whole (issue 19). */
import { describe, expect, it } from 'vitest';
import { chartData } from '../../src/model/insightChart.js';
import { pairInsights } from '../../src/model/insights.js';
import { displayWidth } from '../../src/term/width.js';
import { attributionLines, chartLegend, insightListLayout, insightRowLine, insightTypeIn } from '../../src/ui/insightsModel.js';
import { insightRow } from '../model/insights-rows.js';

const errorRate = pairInsights([
  insightRow('2026-11-23T21:40:00Z', 'e1', { state: 'Start', eventName: 'ListBuckets', insightType: 'ApiErrorRateInsight', errorCode: 'AccessDenied', baselineAverage: 0.0015, insightAverage: 6 }),
])[0]!;

describe('Insights at 80 columns', () => {
  it('shows an error-rate Insight by its error code when error rate and code do not both fit', () => {
    expect(insightTypeIn(errorRate, 30)).toBe('error rate AccessDenied');
    expect(insightTypeIn(errorRate, 12)).toBe('AccessDenied');
    const line = insightRowLine(errorRate, insightListLayout(80), 'utc', false);
    expect(line).toContain('AccessDenied');
    expect(line).not.toContain('error rate …');
  });

  it('words the legend shorter rather than cut it', () => {
    const from = Date.UTC(2026, 10, 23, 18, 0);
    const data = chartData({ buckets: new Array(600).fill(1), from, to: from + 600 * 60_000, eventsFound: 600 }, 70, 8, {});
    const wide = chartLegend(errorRate, data, 'local', 200).map((s) => s.text).join('');
    expect(wide).toContain('(max of 9 min), local time');
    for (const width of [80, 60, 50]) {
      const text = chartLegend(errorRate, data, 'local', width).map((s) => s.text).join('');
      expect(displayWidth(text), `at ${width}`).toBeLessThanOrEqual(width);
      expect(text).toMatch(/^- (baseline|base) 0\.0015/);
      expect(text).not.toContain('…');
    }
  });

  it('attributions that differ only at their end do not read the same (CodeDeployRole1, 2, 3)', () => {
    // The AWS documentation's Insights example: three roles, cut from their end all `…assumed-role/CodeDepl…`.
    const row = (value: string) => ({ value, isOther: false, insightAverage: 0.2, insightShare: 1 / 3, baselineAverage: null, baselineShare: null });
    const arns = [1, 2, 3].map((n) => `arn:aws:sts::012345678901:assumed-role/CodeDeployRole${n}`);
    const lines = attributionLines([{ attribute: 'userIdentityArn', title: 'Top user identity ARNs', rows: arns.map(row) }], 80).filter((l) => l.kind === 'row');
    expect(lines).toHaveLength(3);
    for (const [k, line] of lines.entries()) expect(line.text).toContain(`assumed-role/CodeDeployRole${k + 1} `);
    // Values that differ where they are cut stay cut from their end.
    const other = attributionLines([{ attribute: 'userAgent', title: 'Top user agents', rows: ['a'.repeat(60), 'b'.repeat(60)].map(row) }], 80);
    expect(other[2]!.text).toContain(`  ${'a'.repeat(47)}…`);
  });
});
