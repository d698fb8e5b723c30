import { useEffect, useState } from 'react';
import { archiveChain } from '../../archive/chain.js';
import type { Archive } from '../../archive/db.js';
import type { ArchivedEvent } from '../../archive/query.js';
import { chainVersion, hasSession, type ChainState } from '../investigate/chainLines.js';

const NONE: ChainState = { status: 'none' };

/**
 * The session chain of the archived event the details show, found by SQL in the background
 * (archive/chain.ts); the folder dashboard's useChain, on an archive. 'none' for events without a session.
 * A chain that ends at an issuing event not in the archive is looked for again after each followed import
 * (`imports` counts them), as the folder dashboard's is when events arrive.
 */
export function useArchiveChain(event: ArchivedEvent | null, archive: Archive, imports = 0): ChainState {
  const [state, setState] = useState<{ id: string | null; version: number; chain: ChainState }>({ id: null, version: -1, chain: NONE });
  const row = event && hasSession(event.row) ? event : null;
  // The list's pages are read again after a refresh: the same event then comes as a new object.
  const id = row?.row.id ?? null;
  const wanted = chainVersion(state.id === id ? state : null, imports);
  useEffect(() => {
    if (!row) return;
    let live = true;
    // Looked for again: the chain found so far stays on screen until the new one is there.
    setState((now) => (now.id === row.row.id && now.chain.status === 'done' ? now : { id: row.row.id, version: wanted, chain: { status: 'loading' } }));
    archiveChain(archive, row).then(
      (chain) => live && setState({ id: row.row.id, version: wanted, chain: { status: 'done', chain } }),
      (error: unknown) => live && setState({ id: row.row.id, version: wanted, chain: { status: 'failed', message: error instanceof Error ? error.message : String(error) } }),
    );
    return () => {
      live = false;
    };
  }, [id, archive, wanted]);
  if (!row) return NONE;
  return state.id === id ? state.chain : { status: 'loading' };
}
