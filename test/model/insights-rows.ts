/** Test helpers: EventRows with every field filled, for Insights records and the API calls behind them. */
import type { EventRow, InsightAttribution, InsightDetails } from '../../src/model/types.js';
import { eventRow, type RowFields } from '../support/rows.js';

let counter = 0;

export function row(fields: RowFields = {}): EventRow {
  counter += 1;
  return eventRow({
    id: `evt-${counter}`,
    time: Date.parse('2024-03-05T14:00:00Z'),
    name: 'RunInstances',
    actor: 'ci-deployer/run',
    identityType: 'AssumedRole',
    principalArn: 'arn:aws:sts::111122223333:assumed-role/ci-deployer/run',
    userNames: ['ci-deployer', 'run'],
    accessKey: 'ASIAEXAMPLE',
    sourceIp: '192.0.2.10',
    requestId: `req-${counter}`,
    ref: { file: 'mem.json', index: counter },
    seq: counter,
    ...fields,
  });
}

export function details(fields: Partial<InsightDetails> = {}): InsightDetails {
  return {
    state: 'Start',
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    insightType: 'ApiCallRateInsight',
    errorCode: '',
    baselineAverage: 0.0218,
    insightAverage: 14,
    insightDuration: 1,
    baselineDuration: 10079,
    attributions: [],
    ...fields,
  };
}

/** An Insights record (Start or End) at `iso`. */
export function insightRow(iso: string, sharedEventId: string, d: Partial<InsightDetails>, id?: string): EventRow {
  return row({
    ...(id ? { id } : {}),
    time: Date.parse(iso),
    name: '',
    source: '',
    actor: '',
    identityType: '',
    principalArn: '',
    userNames: [],
    accessKey: '',
    sourceIp: '',
    userAgent: '',
    readOnly: null,
    eventType: 'AwsCloudTrailInsight',
    category: 'Insight',
    sharedEventId,
    insight: details(d),
  });
}

/** The attributions of cloudtrail.md section 2's End record. */
export const END_ATTRIBUTIONS: InsightAttribution[] = [
  {
    attribute: 'errorCode',
    insight: [{ value: 'null', average: 7.9 }, { value: 'Client.InstanceLimitExceeded', average: 1.45 }],
    baseline: [{ value: 'null', average: 0.0218 }],
  },
  {
    attribute: 'userIdentityArn',
    insight: [{ value: 'arn:aws:sts::111122223333:assumed-role/ci-deployer', average: 9.35 }],
    baseline: [{ value: 'arn:aws:iam::111122223333:user/alice', average: 0.0218 }],
  },
  {
    attribute: 'userAgent',
    insight: [{ value: 'aws-cli/2.15.10', average: 9.35 }],
    baseline: [{ value: 'console.ec2.amazonaws.com', average: 0.0218 }],
  },
];

/** The Start/End pair of cloudtrail.md section 2. */
export function docPair(): EventRow[] {
  const shared = '8e5b2d94-1f0c-4a77-b3f1-6c2d9e0a4f58';
  return [
    insightRow('2024-03-05T14:21:00Z', shared, { state: 'Start', insightAverage: 14, insightDuration: 1 }, '3c1f6a0e'),
    insightRow('2024-03-05T14:38:00Z', shared, {
      state: 'End', insightAverage: 9.35, insightDuration: 17, attributions: END_ATTRIBUTIONS,
    }, 'b72e09d4'),
  ];
}
