import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/export/columns.js';
import { COLUMNS } from '../../src/ui/columns.js';
import type { InsightDetails } from '../../src/model/types.js';
import { eventRow } from '../support/rows.js';

const errorRateInsight: InsightDetails = {
  state: 'Start',
  eventSource: 's3.amazonaws.com',
  eventName: 'ListBuckets',
  insightType: 'ApiErrorRateInsight',
  errorCode: 'AccessDenied',
  baselineAverage: 0.1,
  insightAverage: 6,
  insightDuration: 1,
  baselineDuration: 10080,
  attributions: [],
};

describe('the Error code the CSV and the list show', () => {
  it('is the Insight\'s error code on an error-rate Insights record, the same in both', () => {
    const row = eventRow({ errorCode: '', insight: errorRateInsight, category: 'Insight', eventType: 'AwsCloudTrailInsight' });
    const csv = CSV_COLUMNS.find((c) => c.header === 'Error code')!.value(row);
    const list = COLUMNS.find((c) => c.id === 'error')!.value(row, { zone: 'utc', shortTime: false });
    expect(csv).toBe('AccessDenied');
    expect(list).toBe(csv);
  });

  it('is the event\'s own error code otherwise', () => {
    const row = eventRow({ errorCode: 'Client.UnauthorizedOperation' });
    expect(CSV_COLUMNS.find((c) => c.header === 'Error code')!.value(row)).toBe('Client.UnauthorizedOperation');
  });
});
