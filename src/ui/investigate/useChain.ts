import { useEffect, useState } from 'react';
import { findChain, type ReadRecord } from '../../investigate/chain.js';
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import { hasSession, type ChainState } from './chainLines.js';

const NONE: ChainState = { status: 'none' };

/** The session chain of the row the details show (found in the background; 'none' for rows without a session). */
export function useChain(row: EventRow | null, store: EventStore, read: ReadRecord | undefined): ChainState {
  const [state, setState] = useState<{ row: EventRow | null; chain: ChainState }>({ row: null, chain: NONE });
  useEffect(() => {
    if (!row || !read || !hasSession(row)) return;
    let live = true;
    setState({ row, chain: { status: 'loading' } });
    findChain(row, store, read).then(
      (chain) => live && setState({ row, chain: { status: 'done', chain } }),
      (error: unknown) => live && setState({ row, chain: { status: 'failed', message: error instanceof Error ? error.message : String(error) } }),
    );
    return () => {
      live = false;
    };
  }, [row, store, read]);
  if (!row || !read || !hasSession(row)) return NONE;
  return state.row === row ? state.chain : { status: 'loading' };
}
