/**
 * The fuzzy vocabulary of an archive: the distinct values of the fuzzy
 * fields (query/fields.ts FUZZY_FIELDS), in arrival order as the dashboard
 * adds them, so a plain word resolves to the same IN (...) list as it does
 * in memory over the same folder.
 */
import { Vocabulary } from '../query/vocabulary.js';
import type { Archive } from './db.js';

/**
 * Per fuzzy field, the SQL of its values and the order they arrived in (5,000 per field kept, as in
 * memory): the event's arrival number, then the value's place in the event as query/fields.ts
 * fuzzyValue visits them (the actor before the user names, the resources in their order), as one
 * number (a struct key cost the 1M archive's user values twice the time). By arrival alone the values
 * of one event tied, and where the 5,000 ended inside an event, which were kept changed from one run
 * to the next, and with them what a fuzzy word meant. Places past 65,535 in one event tie (an event
 * keeps 64 resources; only a lookup-events element could list more).
 */
const PLACED = (place: string): string => `min(s * 65536 + least(${place}, 65535))`;
const SOURCES: Record<string, string> = {
  name: 'SELECT tt_name AS v, min(tt_seq) AS s FROM events GROUP BY v',
  user:
    `SELECT v, ${PLACED('p')} AS s FROM (SELECT tt_actor AS v, tt_seq AS s, 0 AS p FROM events ` +
    'UNION ALL SELECT unnest(tt_usernames) AS v, tt_seq AS s, generate_subscripts(tt_usernames, 1) AS p FROM events) GROUP BY v',
  source: 'SELECT tt_source AS v, min(tt_seq) AS s FROM events GROUP BY v',
  resource:
    `SELECT v, ${PLACED('p')} AS s FROM (SELECT unnest(list_transform(tt_resources, lambda r: r.name)) AS v, tt_seq AS s, ` +
    'generate_subscripts(tt_resources, 1) AS p FROM events) GROUP BY v',
  error: 'SELECT errorcode AS v, min(tt_seq) AS s FROM events GROUP BY v',
};

export async function archiveVocabulary(archive: Archive): Promise<Vocabulary> {
  const vocabulary = new Vocabulary();
  for (const [field, sql] of Object.entries(SOURCES)) {
    const result = await archive.connection.runAndReadAll(`SELECT v FROM (${sql}) WHERE v IS NOT NULL AND v <> '' AND length(v) <= 160 ORDER BY s LIMIT 5000`);
    vocabulary.addFieldValues(field, result.getRows().map((r) => String(r[0])));
  }
  return vocabulary;
}
