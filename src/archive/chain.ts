/**
 * Who is behind a session, on an archive: the issuing events the chain walk
 * (investigate/chain.ts walkChain, the folder dashboard's own) asks for, found
 * by SQL. The archive has no column for the key an event issued
 * (responseElements.credentials.accessKeyId), and none is added: the
 * condition tests the event name first (a dictionary-compressed column; on a
 * trail the issuing events are a few in a hundred), then a plain substring
 * test of the response text, and parses the JSON only on the rows left. The
 * records are then read back and made Issues as the folder's index makes them.
 */
import { isUsableAccessKey } from '../model/accessKey.js';
import { ISSUING_EVENTS, issueOf, walkChain, type Chain, type Issue, type IssueSource } from '../investigate/chain.js';
import { literal } from '../query/sql/index.js';
import type { Archive } from './db.js';
import { eventsWhere, type ArchivedEvent } from './query.js';

const ISSUING_SQL = `tt_name IN (${[...ISSUING_EVENTS].map((name) => literal(name)).join(', ')})`;

/** Characters AWS allows in a source identity: with only these, the JSON text holds the value as it is. */
const PLAIN_JSON_TEXT = /^[\w+=,.@-]+$/;

/** The Issues of the archived issuing events `where` selects, in arrival order (as the folder's index lists them). */
async function issuesWhere(archive: Archive, where: string): Promise<Issue[]> {
  // Arrival order: tt_seq ascending is the oldest-first order's tie-break reversed, so sort here.
  const found = (await eventsWhere(archive, `${ISSUING_SQL} AND ${where}`, 'newest')).sort((a, b) => a.cursor.seq - b.cursor.seq);
  const issues: Issue[] = [];
  for (const { row, record } of found) {
    // The folder's index takes successful calls only (IssuedKeys.scan), by the row's own fields.
    if (!ISSUING_EVENTS.has(row.name) || row.errorCode !== '') continue;
    const issue = issueOf(row, record);
    if (issue) issues.push(issue);
  }
  return issues;
}

/** The archive as the chain walk's source of issuing events. */
export function archiveIssueSource(archive: Archive): IssueSource {
  return {
    async byKey(key) {
      // A masked key links nothing (the folder's index never holds one).
      if (!isUsableAccessKey(key)) return undefined;
      const issues = await issuesWhere(
        archive,
        `contains(responseelements, ${literal(key)}) AND json_extract_string(responseelements, '$.credentials.accessKeyId') = ${literal(key)}`,
      );
      const matching = issues.filter((issue) => issue.key === key);
      return matching.length > 0 ? matching : undefined;
    },
    async bySourceIdentity(sourceIdentity) {
      if (!sourceIdentity) return [];
      const value = literal(sourceIdentity);
      const exact = `(json_extract_string(requestparameters, '$.sourceIdentity') = ${value} OR json_extract_string(responseelements, '$.sourceIdentity') = ${value})`;
      // An escaped character would make the substring test miss: then the JSON alone decides.
      const near = PLAIN_JSON_TEXT.test(sourceIdentity) ? `(contains(requestparameters, ${value}) OR contains(responseelements, ${value})) AND ` : '';
      const issues = await issuesWhere(archive, `${near}coalesce(${exact}, false)`);
      return issues.filter((issue) => issue.sourceIdentity === sourceIdentity);
    },
  };
}

/** The chain behind an archived event, by the folder dashboard's walk. */
export function archiveChain(archive: Archive, event: ArchivedEvent): Promise<Chain> {
  return walkChain(event.row, event.record, archiveIssueSource(archive));
}
