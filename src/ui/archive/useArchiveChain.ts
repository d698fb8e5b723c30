import { useEffect, useState } from 'react';
import { archiveChain } from '../../archive/chain.js';
import type { Archive } from '../../archive/db.js';
import type { ArchivedEvent } from '../../archive/query.js';
import { hasSession, type ChainState } from '../investigate/chainLines.js';

const NONE: ChainState = { status: 'none' };

/**
 * The session chain of the archived event the details show, found by SQL in the background
 * (archive/chain.ts); the folder dashboard's useChain, on an archive. 'none' for events without a session.
 */
export function useArchiveChain(event: ArchivedEvent | null, archive: Archive): ChainState {
  const [state, setState] = useState<{ id: string | null; chain: ChainState }>({ id: null, chain: NONE });
  const row = event && hasSession(event.row) ? event : null;
  // The list's pages are read again after a refresh: the same event then comes as a new object.
  const id = row?.row.id ?? null;
  useEffect(() => {
    if (!row) return;
    let live = true;
    setState({ id: row.row.id, chain: { status: 'loading' } });
    archiveChain(archive, row).then(
      (chain) => live && setState({ id: row.row.id, chain: { status: 'done', chain } }),
      (error: unknown) => live && setState({ id: row.row.id, chain: { status: 'failed', message: error instanceof Error ? error.message : String(error) } }),
    );
    return () => {
      live = false;
    };
  }, [id, archive]);
  if (!row) return NONE;
  return state.id === id ? state.chain : { status: 'loading' };
}
