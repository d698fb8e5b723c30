/**
 * Who is behind a session, on an archive: the issuing events the chain walk
 * (investigate/chain.ts walkChain, the folder dashboard's own) asks for. The
 * archive has no column for the key an event issued
 * (responseElements.credentials.accessKeyId), and none is added: the rows
 * that may have issued a key or set a source identity are found, their
 * records read back and made Issues as the folder's index makes them, and
 * only those that really name the value kept.
 *
 * The rows are found two ways. The dashboard walks a chain for every event
 * it details: the issue index (issueIndex.ts) pays one pass over the issuing
 * events, then each link costs a read of its rows. A single walk (the
 * headless command) would pay that pass for a few links: it scans for each
 * link instead, testing the event name first (a dictionary-compressed column;
 * on a trail the issuing events are a few in a hundred), then a plain
 * substring test of the response text, and parses the JSON only on the rows
 * left (3M events: 65-100 ms a link, against 300-500 ms for the index's pass).
 */
import { isUsableAccessKey } from '../model/accessKey.js';
import { ISSUING_EVENTS, issueOf, walkChain, type Chain, type Issue, type IssueSource } from '../investigate/chain.js';
import { literal } from '../query/sql/index.js';
import type { Archive } from './db.js';
import { ISSUING_SQL, issueIndexOf } from './issueIndex.js';
import { eventsAtSeqs, type ArchivedEvent } from './query.js';

/** Arrival numbers (tt_seq) of the rows that may have issued a key or set a source identity: a superset, the records decide. */
interface Candidates {
  byKey(key: string): Promise<readonly number[]>;
  bySourceIdentity(sourceIdentity: string): Promise<readonly number[]>;
  /** Brings what it knows up to date with the archive; true when anything may have changed. */
  refresh(): Promise<boolean>;
}

/** Characters AWS allows in a source identity: with only these, the JSON text holds the value as it is. */
const PLAIN_JSON_TEXT = /^[\w+=,.@-]+$/;

/** Candidates found by one scan of the events per question. */
function scannedCandidates(archive: Archive): Candidates {
  const seqsWhere = async (where: string): Promise<number[]> =>
    ((await archive.connection.runAndReadAll(`SELECT tt_seq FROM events WHERE ${ISSUING_SQL} AND ${where}`)).getRows() as [unknown][]).map(([seq]) => Number(seq));
  return {
    byKey: (key) => seqsWhere(`contains(responseelements, ${literal(key)}) AND json_extract_string(responseelements, '$.credentials.accessKeyId') = ${literal(key)}`),
    bySourceIdentity(sourceIdentity) {
      const value = literal(sourceIdentity);
      const exact = `(json_extract_string(requestparameters, '$.sourceIdentity') = ${value} OR json_extract_string(responseelements, '$.sourceIdentity') = ${value})`;
      // An escaped character would make the substring test miss: then the JSON alone decides.
      const near = PLAIN_JSON_TEXT.test(sourceIdentity) ? `(contains(requestparameters, ${value}) OR contains(responseelements, ${value})) AND ` : '';
      return seqsWhere(`${near}coalesce(${exact}, false)`);
    },
    refresh: () => Promise.resolve(false),
  };
}

/** Candidates the archive's issue index names. */
function indexedCandidates(archive: Archive): Candidates {
  const index = issueIndexOf(archive);
  return {
    byKey: (key) => Promise.resolve(index.keyCandidates(key)),
    bySourceIdentity: (sourceIdentity) => Promise.resolve(index.sourceIdentityCandidates(sourceIdentity)),
    refresh: () => index.update(),
  };
}

/** Lookups remembered per archive (the details panel walks the chain again for every event shown); the oldest go first past this. */
const REMEMBERED = 2_000;

/** The archive's issuing events as the walk's IssueSource, its answers remembered until an import adds rows. */
class ArchiveIssues {
  private readonly remembered = new Map<string, Promise<Issue[]>>();

  constructor(
    private readonly archive: Archive,
    private readonly candidates: Candidates,
  ) {}

  /** Brings the candidates up to date; what an import changed may change any answer, so none is kept. */
  async refresh(): Promise<void> {
    if (await this.candidates.refresh()) this.remembered.clear();
  }

  readonly source: IssueSource = {
    byKey: async (key) => {
      // A masked key links nothing (the folder's index never holds one).
      if (!isUsableAccessKey(key)) return undefined;
      const issues = await this.remember(`key:${key}`, async () => this.issuesAt(await this.candidates.byKey(key), (issue) => issue.key === key));
      return issues.length > 0 ? issues : undefined;
    },
    bySourceIdentity: (sourceIdentity) => {
      if (!sourceIdentity) return Promise.resolve([]);
      return this.remember(`source:${sourceIdentity}`, async () =>
        this.issuesAt(await this.candidates.bySourceIdentity(sourceIdentity), (issue) => issue.sourceIdentity === sourceIdentity),
      );
    },
  };

  private remember(question: string, answer: () => Promise<Issue[]>): Promise<Issue[]> {
    const known = this.remembered.get(question);
    if (known) return known;
    const answering = answer();
    this.remembered.set(question, answering);
    answering.catch(() => {
      if (this.remembered.get(question) === answering) this.remembered.delete(question);
    });
    if (this.remembered.size > REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    return answering;
  }

  /** The Issues of the candidate rows that `keep` accepts, in arrival order (as the folder's index lists them). */
  private async issuesAt(seqs: readonly number[], keep: (issue: Issue) => boolean): Promise<Issue[]> {
    if (seqs.length === 0) return [];
    const found = (await eventsAtSeqs(this.archive, seqs, 'newest')).sort((a, b) => a.cursor.seq - b.cursor.seq);
    const issues: Issue[] = [];
    for (const { row, record } of found) {
      // The folder's index takes successful calls only (IssuedKeys.scan), by the row's own fields.
      if (!ISSUING_EVENTS.has(row.name) || row.errorCode !== '') continue;
      const issue = issueOf(row, record);
      if (issue && keep(issue)) issues.push(issue);
    }
    return issues;
  }
}

const byArchive = new WeakMap<Archive, ArchiveIssues>();

/** How a walk finds its issuing events: 'index' for an archive walked again and again (the dashboard), 'scan' for one walk. */
export type ChainLookup = 'index' | 'scan';

/** The archive as the chain walk's source of issuing events, up to date with what it holds now. */
export async function archiveIssueSource(archive: Archive, lookup: ChainLookup = 'index'): Promise<IssueSource> {
  if (lookup === 'scan') return new ArchiveIssues(archive, scannedCandidates(archive)).source;
  let issues = byArchive.get(archive);
  if (!issues) {
    issues = new ArchiveIssues(archive, indexedCandidates(archive));
    byArchive.set(archive, issues);
  }
  await issues.refresh();
  return issues.source;
}

/** The chain behind an archived event, by the folder dashboard's walk. */
export async function archiveChain(archive: Archive, event: ArchivedEvent, lookup: ChainLookup = 'index'): Promise<Chain> {
  return walkChain(event.row, event.record, await archiveIssueSource(archive, lookup));
}
