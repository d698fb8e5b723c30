import type { EventRow } from '../../src/model/types.js';

let counter = 0;

/** A synthetic row with every field filled the way normalize fills it. */
export function makeRow(overrides: Partial<EventRow> = {}): EventRow {
  counter++;
  const id = overrides.id ?? `evt-${counter}`;
  const row: EventRow = {
    id,
    time: Date.UTC(2024, 2, 5, 14, 0, 0) + counter * 1000,
    timeRaw: '',
    name: 'RunInstances',
    source: 'ec2.amazonaws.com',
    region: 'us-east-1',
    actor: 'alice',
    identityType: 'IAMUser',
    principalArn: 'arn:aws:iam::111122223333:user/alice',
    userNames: ['alice'],
    account: '111122223333',
    recipientAccount: '111122223333',
    accessKey: 'AKIAEXAMPLE',
    sourceIp: '203.0.113.7',
    userAgent: 'aws-cli/2.15.10',
    errorCode: '',
    errorMessage: '',
    readOnly: false,
    eventType: 'AwsApiCall',
    category: 'Management',
    requestId: `req-${counter}`,
    sharedEventId: '',
    resources: [{ type: 'AWS::EC2::Instance', name: `i-${counter.toString(16).padStart(8, '0')}`, arn: '', accountId: '111122223333' }],
    insight: null,
    ref: { file: '/tmp/x.json', index: counter },
    seq: -1,
    ...overrides,
  };
  return row;
}

/** Rows no longer carry a search text (queries read the fields), so there is nothing to refresh; kept for existing callers. */
export function refreshText(row: EventRow): EventRow {
  return row;
}

/** `count` rows, one second apart, oldest first, with names that tell them apart (Event0, Event1, ...). */
export function makeRows(count: number, start = Date.UTC(2024, 2, 5, 0, 0, 0)): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) rows.push(makeRow({ id: `row-${start}-${i}`, name: `Event${i}`, time: start + i * 1000 }));
  return rows;
}
