import type { EventRow } from '../model/types.js';

/**
 * A row rebuilt as one object literal. Rows that crossed from a worker by
 * structured clone come back with their 27 fields in a separate property
 * array (the clone adds properties one at a time); a literal holds them in
 * the object itself: about 30 bytes less per row, one allocation instead of
 * two, and faster field reads when a query scans a million rows.
 */
export function compactRow(r: EventRow): EventRow {
  return {
    id: r.id,
    time: r.time,
    timeRaw: r.timeRaw,
    name: r.name,
    source: r.source,
    region: r.region,
    actor: r.actor,
    identityType: r.identityType,
    principalArn: r.principalArn,
    userNames: r.userNames,
    account: r.account,
    recipientAccount: r.recipientAccount,
    accessKey: r.accessKey,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    readOnly: r.readOnly,
    eventType: r.eventType,
    category: r.category,
    requestId: r.requestId,
    sharedEventId: r.sharedEventId,
    resources: r.resources,
    insight: r.insight,
    ref: { file: r.ref.file, index: r.ref.index },
    text: r.text,
    seq: r.seq,
  };
}
