/**
 * Who is behind this session: from an event made with temporary credentials,
 * the chain of credential-issuing events (AssumeRole*, GetFederationToken,
 * GetSessionToken) back to an IAM user, a SAML or web identity, an AWS
 * service or root. Design: docs/investigate.md, "Who is behind this session".
 *
 * Rows do not keep responseElements, so the issuing events' records are read
 * back (the caller passes a reader, e.g. ingest/read.ts readRecord) into an
 * index from issued access key to issuing events, kept per store and extended
 * as rows arrive. Plain data, no Ink.
 */
import { isUsableAccessKey } from '../model/accessKey.js';
import { recordRef } from '../model/recordBatch.js';
import type { EventRow, RecordRef } from '../model/types.js';
import type { EventStore } from '../store/eventStore.js';

export type ReadRecord = (ref: RecordRef) => Promise<Record<string, unknown> | null>;

/** Events whose response holds new credentials. */
export const ISSUING_EVENTS: ReadonlySet<string> = new Set(['AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetFederationToken', 'GetSessionToken']);

/** What a record's userIdentity says about who acted. */
export interface Identity {
  type: string;
  arn: string;
  accessKey: string;
  userName: string;
  principalId: string;
  /** sessionContext.sessionIssuer.arn: the role (or user) the session belongs to. */
  issuerArn: string;
  /** The session name of an assumed-role ARN. */
  sessionName: string;
  /** sessionContext.sourceIdentity, carried through role chaining when set. */
  sourceIdentity: string;
  /** invokedBy: the AWS service that made the call for the principal. */
  invokedBy: string;
  /** SAML or OIDC provider (identityProvider, or webIdFederationData.federatedProvider). */
  identityProvider: string;
}

type Loose = Record<string, unknown>;

function obj(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function sessionOf(arn: string): string {
  const at = arn.indexOf(':assumed-role/');
  if (at < 0) return '';
  const rest = arn.slice(at + ':assumed-role/'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? '' : rest.slice(slash + 1);
}

/** The Identity of a record's userIdentity. */
export function identityOf(userIdentity: unknown): Identity {
  const id = obj(userIdentity);
  const context = obj(id['sessionContext']);
  const issuer = obj(context['sessionIssuer']);
  const web = obj(context['webIdFederationData']);
  const arn = str(id['arn']);
  return {
    type: str(id['type']),
    arn,
    accessKey: str(id['accessKeyId']),
    userName: str(id['userName']) || str(issuer['userName']),
    principalId: str(id['principalId']),
    issuerArn: str(issuer['arn']),
    sessionName: sessionOf(arn),
    sourceIdentity: str(context['sourceIdentity']),
    invokedBy: str(id['invokedBy']),
    identityProvider: str(id['identityProvider']) || str(web['federatedProvider']),
  };
}

/** The identity a row shows, for when its record cannot be read back. */
export function identityOfRow(row: EventRow): Identity {
  return {
    type: row.identityType,
    arn: row.principalArn,
    accessKey: row.accessKey,
    userName: '',
    principalId: '',
    issuerArn: '',
    sessionName: sessionOf(row.principalArn),
    sourceIdentity: '',
    invokedBy: '',
    identityProvider: '',
  };
}

/** One credential-issuing event, as read back from its record. */
export interface Issue {
  row: EventRow;
  /** The access key it issued (responseElements.credentials.accessKeyId). */
  key: string;
  /** Who called it. */
  caller: Identity;
  /** requestParameters.roleArn (AssumeRole*), '' otherwise. */
  roleArn: string;
  /** requestParameters.roleSessionName, or the federated user's name. */
  sessionName: string;
  /** requestParameters.sourceIdentity, when the caller set one. */
  sourceIdentity: string;
  /** responseElements.assumedRoleUser.arn or federatedUser.arn. */
  issuedArn: string;
}

/** The Issue an issuing event's record describes, or null when it issued nothing (a failed call). */
export function issueOf(row: EventRow, record: Record<string, unknown>): Issue | null {
  const response = obj(record['responseElements']);
  const key = str(obj(response['credentials'])['accessKeyId']);
  if (!key) return null;
  const request = obj(record['requestParameters']);
  const issuedArn = str(obj(response['assumedRoleUser'])['arn']) || str(obj(response['federatedUser'])['arn']);
  return {
    row,
    key,
    caller: identityOf(record['userIdentity']),
    roleArn: str(request['roleArn']),
    sessionName: str(request['roleSessionName']) || str(request['name']),
    sourceIdentity: str(request['sourceIdentity']) || str(response['sourceIdentity']),
    issuedArn,
  };
}

/**
 * Issued access key -> the events that issued it, for one store. `update`
 * reads back the records of issuing events that arrived since the last call.
 */
export class IssuedKeys {
  readonly byKey = new Map<string, Issue[]>();
  readonly bySourceIdentity = new Map<string, Issue[]>();
  /** Issuing events whose record could not be read back. */
  unreadable = 0;
  private scanned = 0;
  /** store.rewrites at the last scan: a row replaced by an earlier copy since means starting over. */
  private rewrites = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly store: EventStore) {}

  /** Brings the index up to date with the store; calls queue behind each other. */
  update(read: ReadRecord): Promise<void> {
    this.running = this.running.then(() => this.scan(read));
    return this.running;
  }

  private async scan(read: ReadRecord): Promise<void> {
    if (this.store.rewrites !== this.rewrites) {
      this.rewrites = this.store.rewrites;
      this.byKey.clear();
      this.bySourceIdentity.clear();
      this.unreadable = 0;
      this.scanned = 0;
    }
    const log = this.store.log();
    const end = log.length;
    const pending: EventRow[] = [];
    for (let seq = this.scanned; seq < end; seq++) {
      const row = log[seq]!;
      if (ISSUING_EVENTS.has(row.name) && row.errorCode === '') pending.push(row);
    }
    this.scanned = end;
    // Records of one file come from one cached read; a few reads at a time.
    for (let i = 0; i < pending.length; i += 16) {
      const batch = pending.slice(i, i + 16);
      const records = await Promise.all(batch.map((row) => read(recordRef(row)).catch(() => null)));
      batch.forEach((row, k) => {
        const record = records[k];
        if (!record) {
          this.unreadable++;
          return;
        }
        const issue = issueOf(row, record);
        if (!issue) return;
        // A masked key (AKIA****) reads the same in every record that masks it: never a link (model/accessKey.ts).
        if (isUsableAccessKey(issue.key)) push(this.byKey, issue.key, issue);
        if (issue.sourceIdentity) push(this.bySourceIdentity, issue.sourceIdentity, issue);
      });
    }
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const byStore = new WeakMap<EventStore, IssuedKeys>();

/** The store's issued-key index (made on first use). */
export function issuedKeysOf(store: EventStore): IssuedKeys {
  let index = byStore.get(store);
  if (!index) {
    index = new IssuedKeys(store);
    byStore.set(store, index);
  }
  return index;
}

/** How the chain ends. */
export type ChainEnd =
  | 'iam-user' // a long-term key of an IAM user
  | 'root'
  | 'saml' // AssumeRoleWithSAML: a person at a SAML identity provider
  | 'web-identity' // AssumeRoleWithWebIdentity: an OIDC identity
  | 'service' // an AWS service acted (AWSService, invokedBy)
  | 'missing' // an issuing event is not in these logs
  | 'not-temporary' // the event was not made with temporary credentials
  | 'loop'
  | 'limit';

export interface ChainLink {
  /** `event`: the event itself; `issuer`: an issuing event (its caller acted); `source-identity`: matched by sourceIdentity only; `missing`: not on disk. */
  kind: 'event' | 'issuer' | 'source-identity' | 'missing';
  /** The event of this link (null for `missing`). */
  row: EventRow | null;
  /** Who acted in it (for `missing`: what the later record says about the session). */
  identity: Identity;
  /** One line on what this link is. */
  note: string;
  /**
   * For an `issuer` link, the note without the event's name (`issued ASIA… for arn:…:role/Dev as s`):
   * the details already name the event on the link's line.
   */
  issued?: string;
}

export interface Chain {
  links: ChainLink[];
  end: ChainEnd;
  /** One sentence on who is behind it. */
  summary: string;
}

/** Links at most, the event included. */
export const MAX_LINKS = 10;
/** Credentials can appear in use a little before their issuing event's time (clock skew between services). */
const SKEW_MS = 5 * 60_000;

function isTemporary(identity: Identity): boolean {
  return identity.accessKey.startsWith('ASIA') || identity.type === 'AssumedRole' || identity.type === 'FederatedUser';
}

/** Whether this identity ends the walk, and how. */
function terminal(identity: Identity): ChainEnd | null {
  if (identity.type === 'AWSService' || (identity.invokedBy && !identity.accessKey)) return 'service';
  if (identity.type === 'SAMLUser') return 'saml';
  if (identity.type === 'WebIdentityUser') return 'web-identity';
  if (identity.type === 'Root' && !identity.accessKey.startsWith('ASIA')) return 'root';
  if (identity.type === 'IAMUser' && !identity.accessKey.startsWith('ASIA')) return 'iam-user';
  return null;
}

function who(identity: Identity): string {
  if (identity.type === 'AWSService') return identity.invokedBy || 'an AWS service';
  if (identity.type === 'SAMLUser' || identity.type === 'WebIdentityUser') {
    return `${identity.userName || identity.principalId || 'an identity'}${identity.identityProvider ? ` at ${identity.identityProvider}` : ''}`;
  }
  return identity.arn || identity.userName || identity.principalId || identity.type || 'an unknown identity';
}

/** The issue to follow for a key used at `at`: the latest issued at or before it (with skew), else the earliest. */
export function pickIssue(issues: readonly Issue[], at: number): Issue {
  let best: Issue | null = null;
  for (const issue of issues) {
    if (!(issue.row.time <= at + SKEW_MS)) continue;
    if (!best || issue.row.time > best.row.time) best = issue;
  }
  if (best) return best;
  return issues.reduce((a, b) => (b.row.time < a.row.time ? b : a));
}

/** `at`: when the issued credentials were used (the later link's time). `issued`: the note after the event's name, said from the key. */
function issueNote(issue: Issue, count: number, at: number): { note: string; issued: string } {
  const target = issue.roleArn ? ` ${issue.roleArn}` : '';
  const session = issue.sessionName ? ` as ${issue.sessionName}` : '';
  // pickIssue falls back to an issue after the use; the key still matches, but the times do not, and the reader must know.
  const late = issue.row.time > at + SKEW_MS;
  const again = count > 1 ? ` (key issued by ${count} events; ${late ? 'none before this use, the earliest is shown' : 'the latest before this use is shown'})` : '';
  const after = late ? ` (issued ${Math.round((issue.row.time - at) / 60_000)} min after this use: the times disagree)` : '';
  const masked = isUsableAccessKey(issue.key) ? '' : ' (masked: nothing is linked by it)';
  const rest = `${issue.sourceIdentity ? ` (source identity ${issue.sourceIdentity})` : ''}${again}${after}`;
  return {
    note: `${issue.row.name}${target}${session} issued ${issue.key}${masked}${rest}`,
    issued: `issued ${issue.key}${masked}${target ? ` for${target}` : ''}${session}${rest}`,
  };
}

const END_TEXT: Record<ChainEnd, string> = {
  'iam-user': 'an IAM user with a long-term key',
  root: 'the root user',
  saml: 'a SAML identity',
  'web-identity': 'a web (OIDC) identity',
  service: 'an AWS service',
  missing: 'an issuing event that is not in these logs',
  'not-temporary': 'no session: the event used long-term credentials',
  loop: 'a loop in the issuing events',
  limit: `more than ${MAX_LINKS} links`,
};

/**
 * What ends the chain, for the summary. An identity with no access key at all (a console sign-in
 * with a password, an Insights event, a record without userIdentity) used no key, long-term or not:
 * saying it did would send an investigator looking for a key that does not exist. Likewise a user's
 * own session (an ASIA key) is not its long-term key.
 */
function endText(end: ChainEnd, last: Identity): string {
  if (end === 'missing' && last.accessKey && !isUsableAccessKey(last.accessKey)) return `a masked access key (${last.accessKey}): its issuing event cannot be looked up`;
  if ((end === 'iam-user' || end === 'root') && last.accessKey.startsWith('ASIA')) {
    return `${end === 'root' ? 'the root user' : 'an IAM user'} in a session of its own; the event that issued it (a console sign-in or GetSessionToken) is not in these logs`;
  }
  if (!last.accessKey) {
    if (end === 'iam-user') return 'an IAM user; the record has no access key (a console sign-in uses a password)';
    if (end === 'not-temporary') return last.type || last.arn ? 'no session: the record has no access key' : 'no caller: the record has no user identity';
  }
  return END_TEXT[end];
}

/**
 * Where the walk finds issuing events: the folder's in-memory index (IssuedKeys) or an archive's SQL
 * (archive/chain.ts). Each answers with the issues in arrival order, as the index keeps them.
 */
export interface IssueSource {
  /** The events that issued `key` (a usable key), or undefined when none is known. */
  byKey(key: string): Promise<readonly Issue[] | undefined>;
  /** The issuing events that set `sourceIdentity`. */
  bySourceIdentity(sourceIdentity: string): Promise<readonly Issue[]>;
}

/** The store's index as an IssueSource (brought up to date by the caller). */
function indexSource(index: IssuedKeys): IssueSource {
  return {
    byKey: (key) => Promise.resolve(index.byKey.get(key)),
    bySourceIdentity: (sourceIdentity) => Promise.resolve(index.bySourceIdentity.get(sourceIdentity) ?? []),
  };
}

/**
 * The chain behind `row`. The index is brought up to date first; `read`
 * reads records back (the event's own, for sessionContext).
 */
export async function findChain(row: EventRow, store: EventStore, read: ReadRecord): Promise<Chain> {
  const index = issuedKeysOf(store);
  await index.update(read);
  const record = await read(recordRef(row)).catch(() => null);
  return walkChain(row, record, indexSource(index));
}

/**
 * The one chain builder: from `row` (and its record, null when it could not be read) back through
 * the issuing events `source` finds. The folder dashboard and the archive differ only in the source.
 */
export async function walkChain(row: EventRow, record: Record<string, unknown> | null, source: IssueSource): Promise<Chain> {
  const first = record ? identityOf(record['userIdentity']) : identityOfRow(row);
  const links: ChainLink[] = [{ kind: 'event', row, identity: first, note: `${row.name} by ${who(first)}` }];
  const done = (end: ChainEnd): Chain => {
    const last = links[links.length - 1]!.identity;
    const summary = end === 'missing' || end === 'not-temporary' || end === 'loop' || end === 'limit' ? `Chain ends at ${endText(end, last)}` : `Started by ${who(last)} (${endText(end, last)})`;
    return { links, end, summary };
  };
  if (!isTemporary(first)) return done(terminal(first) ?? 'not-temporary');
  let current = first;
  let at = row.time;
  const seen = new Set<string>();
  // Events already on the chain: a source identity that leads back to one is a loop (with a masked key, no key tells it).
  const linked = new Set<string>([row.id]);
  while (links.length < MAX_LINKS) {
    const end = terminal(current);
    if (end) return done(end);
    const key = current.accessKey;
    if (!key) {
      links.push({ kind: 'missing', row: null, identity: current, note: 'no access key in the record: the issuing event cannot be looked up' });
      return done('missing');
    }
    // A masked key (AKIA****) is no key: looked up, it would link every session whose key was masked alike.
    const usable = isUsableAccessKey(key);
    if (usable) {
      if (seen.has(key)) return done('loop');
      seen.add(key);
    }
    const issues = usable ? await source.byKey(key) : undefined;
    if (!issues) {
      const session = current.issuerArn ? ` (session of ${current.issuerArn}${current.sessionName ? ` as ${current.sessionName}` : ''})` : '';
      const note = usable
        ? `the event that issued ${key} is not in these logs${session}`
        : `the access key ${key} is masked, not a real key: the event that issued it cannot be looked up, and nothing is linked by it${session}`;
      links.push({ kind: 'missing', row: null, identity: current, note });
      // An IAM user's or root's own session (console sign-in, GetSessionToken): the record itself names who is behind it.
      if (current.type === 'IAMUser' || current.type === 'Root') return done(current.type === 'Root' ? 'root' : 'iam-user');
      // The source identity survives role chaining: the issuing event that set it names who started.
      // Only sessions started before this use can be behind it: a later one with the same source identity is another session.
      const matches = (current.sourceIdentity ? await source.bySourceIdentity(current.sourceIdentity) : []).filter((m) => m.row.time <= at + SKEW_MS);
      if (matches.length === 0) return done('missing');
      const origin = matches.reduce((a, b) => (b.row.time < a.row.time ? b : a));
      if (linked.has(origin.row.id)) return done('loop');
      linked.add(origin.row.id);
      links.push({ kind: 'source-identity', row: origin.row, identity: origin.caller, note: `matched by source identity ${current.sourceIdentity}, not by key: ${issueNote(origin, 1, at).note}` });
      current = origin.caller;
      at = origin.row.time;
      continue;
    }
    const issue = pickIssue(issues, at);
    linked.add(issue.row.id);
    links.push({ kind: 'issuer', row: issue.row, identity: issue.caller, ...issueNote(issue, issues.length, at) });
    current = issue.caller;
    at = issue.row.time;
  }
  return done('limit');
}

/** The chain as plain JSON (the headless command's --json). */
export function chainJson(chain: Chain): unknown {
  return {
    summary: chain.summary,
    end: chain.end,
    links: chain.links.map((link) => ({
      kind: link.kind,
      eventId: link.row?.id ?? null,
      eventName: link.row?.name ?? null,
      eventTime: link.row && Number.isFinite(link.row.time) ? new Date(link.row.time).toISOString() : null,
      sourceIp: link.row?.sourceIp ?? null,
      identity: link.identity,
      note: link.note,
    })),
  };
}
