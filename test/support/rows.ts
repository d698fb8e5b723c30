/** The one builder of a complete EventRow for tests; area helpers layer their own defaults on it. */
import { RecordBatch, recordRef, requestIdOf, rowInsight, sharedEventIdOf, timeRawOf, type RowExtra } from '../../src/model/recordBatch.js';
import type { EventRow, RecordRef } from '../../src/model/types.js';

let counter = 0;

/** Row fields, plus those a row keeps in its RecordBatch (request ID, rare fields, file reference). */
export type RowFields = Partial<EventRow> & Partial<RowExtra> & { requestId?: string; ref?: RecordRef };

/** A row with every field set the way normalize sets it (alice, an IAM user, calling EC2); `fields` override. */
export function eventRow(fields: RowFields = {}): EventRow {
  counter++;
  const { requestId = `req-${counter}`, timeRaw = '', sharedEventId = '', insight = null, ref, ...own } = fields;
  const index = ref?.index ?? counter;
  const batch = own.batch ?? new RecordBatch(ref?.file ?? 'test.json');
  batch.setRequestId(index, requestId);
  batch.setExtra(index, { timeRaw, sharedEventId, insight });
  return {
    id: `evt-${counter}`,
    time: Date.UTC(2024, 2, 5, 12, 0, 0),
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
    resources: [],
    batch,
    recordIndex: index,
    seq: -1,
    ...own,
  };
}

/** Changes the fields `row` keeps in its RecordBatch (its own batch slot; other rows are not touched unless they share it). */
export function setExtra(row: EventRow, fields: Partial<RowExtra>): void {
  const now = row.batch.extra(row.recordIndex) ?? { timeRaw: '', sharedEventId: '', insight: null };
  row.batch.setExtra(row.recordIndex, { ...now, ...fields });
}

/** Everything a row says, with the fields its batch keeps, as one plain object to compare rows by. */
export function plainRow(row: EventRow): Record<string, unknown> {
  const { batch: _batch, recordIndex: _recordIndex, ...own } = row;
  return {
    ...own,
    requestId: requestIdOf(row),
    timeRaw: timeRawOf(row),
    sharedEventId: sharedEventIdOf(row),
    insight: rowInsight(row),
    ref: recordRef(row),
  };
}
