/** The one builder of a complete EventRow for tests; area helpers layer their own defaults on it. */
import type { EventRow } from '../../src/model/types.js';

let counter = 0;

/** A row with every field set the way normalize sets it (alice, an IAM user, calling EC2); `fields` override. */
export function eventRow(fields: Partial<EventRow> = {}): EventRow {
  counter++;
  return {
    id: `evt-${counter}`,
    time: Date.UTC(2024, 2, 5, 12, 0, 0),
    timeRaw: '',
    name: 'DescribeInstances',
    source: 'ec2.amazonaws.com',
    region: 'us-east-1',
    actor: 'alice',
    identityType: 'IAMUser',
    principalArn: 'arn:aws:iam::111122223333:user/alice',
    userNames: ['alice'],
    account: '111122223333',
    recipientAccount: '111122223333',
    accessKey: 'AKIAEXAMPLE',
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2.15.10',
    errorCode: '',
    errorMessage: '',
    readOnly: false,
    eventType: 'AwsApiCall',
    category: 'Management',
    requestId: `req-${counter}`,
    sharedEventId: '',
    resources: [],
    insight: null,
    ref: { file: 'test.json', index: counter },
    seq: -1,
    ...fields,
  };
}
