/**
 * Who is behind a session, on an archive: the issuing events the chain walk
 * (investigate/chain.ts walkChain, the folder dashboard's own) asks for. The
 * archive has no column for the key an event issued
 * (responseElements.credentials.accessKeyId), and none is added: the issue
 * index (issueIndex.ts) names the few rows that may have issued a key or set
 * a source identity, their records are read back and made Issues as the
 * folder's index makes them, and only those that really name the value kept.
 */
import { isUsableAccessKey } from '../model/accessKey.js';
import { ISSUING_EVENTS, issueOf, walkChain, type Chain, type Issue, type IssueSource } from '../investigate/chain.js';
import type { Archive } from './db.js';
import { issueIndexOf, type ArchiveIssueIndex } from './issueIndex.js';
import { eventsAtSeqs, type ArchivedEvent } from './query.js';

/** Lookups remembered per archive (the details panel walks the chain again for every event shown); the oldest go first past this. */
const REMEMBERED = 2_000;

/** The archive's issuing events as the walk's IssueSource, its answers remembered until an import adds rows. */
class ArchiveIssues {
  private readonly remembered = new Map<string, Promise<Issue[]>>();

  constructor(
    private readonly archive: Archive,
    private readonly index: ArchiveIssueIndex,
  ) {}

  /** Brings the index up to date; what an import changed may change any answer, so none is kept. */
  async refresh(): Promise<void> {
    if (await this.index.update()) this.remembered.clear();
  }

  readonly source: IssueSource = {
    byKey: async (key) => {
      // A masked key links nothing (the folder's index never holds one).
      if (!isUsableAccessKey(key)) return undefined;
      const issues = await this.remember(`key:${key}`, () => this.issuesAt(this.index.keyCandidates(key), (issue) => issue.key === key));
      return issues.length > 0 ? issues : undefined;
    },
    bySourceIdentity: (sourceIdentity) => {
      if (!sourceIdentity) return Promise.resolve([]);
      return this.remember(`source:${sourceIdentity}`, () =>
        this.issuesAt(this.index.sourceIdentityCandidates(sourceIdentity), (issue) => issue.sourceIdentity === sourceIdentity),
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

/** The archive as the chain walk's source of issuing events, up to date with what it holds now. */
export async function archiveIssueSource(archive: Archive): Promise<IssueSource> {
  let issues = byArchive.get(archive);
  if (!issues) {
    issues = new ArchiveIssues(archive, issueIndexOf(archive));
    byArchive.set(archive, issues);
  }
  await issues.refresh();
  return issues.source;
}

/** The chain behind an archived event, by the folder dashboard's walk. */
export async function archiveChain(archive: Archive, event: ArchivedEvent): Promise<Chain> {
  return walkChain(event.row, event.record, await archiveIssueSource(archive));
}
