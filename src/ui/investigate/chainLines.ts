/**
 * The "Who is behind this session" section of the details: one selectable
 * line per chain link (time, event, identity, key, source IP) and its note.
 * `=`/`+`/`-` on a link pivot on its access key, so `key:` lists everything
 * that session did. Plain data; detailModel.ts places it.
 */
import type { Chain, ChainLink } from '../../investigate/chain.js';
import type { PivotTerm } from '../../investigate/pivot.js';
import type { EventRow } from '../../model/types.js';
import { isUsableAccessKey } from '../../model/accessKey.js';
import { formatTime, type TimeZoneMode } from '../format.js';
import { own } from '../../term/glyphs.js';

/** What the details know about the chain of the row they show. */
export type ChainState = { status: 'none' } | { status: 'loading' } | { status: 'done'; chain: Chain } | { status: 'failed'; message: string };

/** Whether a row's identity is a session worth following (temporary credentials). */
export function hasSession(row: EventRow): boolean {
  return row.accessKey.startsWith('ASIA') || row.identityType === 'AssumedRole' || row.identityType === 'FederatedUser';
}

/** A chain found that ends at an issuing event not in the logs: it may arrive in a later file. */
export function chainAwaits(state: ChainState): boolean {
  return state.status === 'done' && state.chain.end === 'missing';
}

/**
 * The version of the events (the store's, the archive's imports) a row's chain is to be found at: the one
 * it was found at, or the newest while what was found awaits an issuing event (`found` null: not found yet).
 */
export function chainVersion(found: { version: number; chain: ChainState } | null, newest: number): number {
  return found && !chainAwaits(found.chain) ? found.version : newest;
}

export interface ChainLine {
  label: string;
  value: string;
  tone: 'normal' | 'muted' | 'insight' | 'error';
  /** A selectable link line: the term it pivots on. */
  pivot?: PivotTerm;
  /** The event a link line stands for. */
  row?: EventRow | null;
}

function linkLabel(link: ChainLink, i: number): string {
  if (link.kind === 'missing') return `${i + 1} missing`;
  if (link.kind === 'event') return `${i + 1} this event`;
  if (link.kind === 'source-identity') return `${i + 1} source id`;
  return `${i + 1} ${link.row?.name ?? ''}`;
}

function linkValue(link: ChainLink, zone: TimeZoneMode): string {
  const id = link.identity;
  const who = id.arn || id.userName || id.principalId || id.type || '?';
  const parts = [link.row ? formatTime(link.row, zone) : 'not in these logs', `by ${who}`];
  if (id.type && id.arn) parts.push(`(${id.type})`);
  if (id.accessKey) parts.push(`key ${id.accessKey}${isUsableAccessKey(id.accessKey) ? '' : ' (masked)'}`);
  if (link.row?.sourceIp) parts.push(`from ${link.row.sourceIp}`);
  if (id.sourceIdentity) parts.push(`source identity ${id.sourceIdentity}`);
  if (id.identityProvider) parts.push(`via ${id.identityProvider}`);
  return parts.join(' ');
}

/** The section's lines (empty when the row has no session). */
export function chainLines(state: ChainState, zone: TimeZoneMode): ChainLine[] {
  if (state.status === 'none') return [];
  if (state.status === 'loading') return [{ label: '', value: own('reading the events that issued its credentials…'), tone: 'muted' }];
  if (state.status === 'failed') return [{ label: '', value: `could not follow the session: ${state.message}`, tone: 'error' }];
  const { chain } = state;
  const lines: ChainLine[] = [{ label: 'Behind it', value: chain.summary, tone: chain.end === 'missing' ? 'error' : 'insight' }];
  chain.links.forEach((link, i) => {
    const key = link.identity.accessKey;
    // A masked key would list every event whose key was masked alike, not what this session did: the link's event instead.
    const pivot: PivotTerm | undefined = key && isUsableAccessKey(key) ? { field: 'key', value: key } : link.row ? { field: 'id', value: link.row.id } : undefined;
    lines.push({ label: linkLabel(link, i), value: linkValue(link, zone), tone: link.kind === 'missing' ? 'error' : 'normal', ...(pivot ? { pivot } : {}), row: link.row });
    // The label names an issuer's event (`2 AssumeRole`): its note says what it issued without naming it again.
    if (link.kind !== 'event') lines.push({ label: '', value: link.issued ?? link.note, tone: 'muted' });
  });
  return lines;
}
