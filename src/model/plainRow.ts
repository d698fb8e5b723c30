import type { EventRow } from './types.js';

/**
 * A plain-object copy of a row, every field its own. A row a store keeps reads
 * most fields through accessors on its prototype (store/storedRow.ts), which
 * `{ ...row }` and Object.keys do not see: copy rows with this instead.
 */
export function plainRow(row: EventRow): EventRow {
  return {
    id: row.id,
    time: row.time,
    name: row.name,
    source: row.source,
    region: row.region,
    actor: row.actor,
    identityType: row.identityType,
    principalArn: row.principalArn,
    userNames: row.userNames,
    account: row.account,
    recipientAccount: row.recipientAccount,
    accessKey: row.accessKey,
    sourceIp: row.sourceIp,
    userAgent: row.userAgent,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    readOnly: row.readOnly,
    eventType: row.eventType,
    category: row.category,
    resources: row.resources,
    batch: row.batch,
    recordIndex: row.recordIndex,
    seq: row.seq,
  };
}
