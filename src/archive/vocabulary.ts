/**
 * The fuzzy vocabulary of an archive: the distinct values of the fuzzy
 * fields (query/fields.ts FUZZY_FIELDS), in arrival order as the dashboard
 * adds them, so a plain word resolves to the same IN (...) list as it does
 * in memory over the same folder.
 */
import { Vocabulary } from '../query/vocabulary.js';
import type { Archive } from './db.js';

/** Per fuzzy field, the SQL of its values and the order they arrived in (5,000 per field kept, as in memory). */
const SOURCES: Record<string, string> = {
  name: 'SELECT tt_name AS v, min(tt_seq) AS s FROM events GROUP BY v',
  user: 'SELECT v, min(s) AS s FROM (SELECT tt_actor AS v, tt_seq AS s FROM events UNION ALL SELECT unnest(tt_usernames) AS v, tt_seq AS s FROM events) GROUP BY v',
  source: 'SELECT tt_source AS v, min(tt_seq) AS s FROM events GROUP BY v',
  resource: 'SELECT v, min(s) AS s FROM (SELECT unnest(list_transform(tt_resources, lambda r: r.name)) AS v, tt_seq AS s FROM events) GROUP BY v',
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
