import { useEffect, useState } from 'react';
import { findChain, type ReadRecord } from '../../investigate/chain.js';
import type { EventRow } from '../../model/types.js';
import type { EventStore } from '../../store/eventStore.js';
import { chainAwaits, chainVersion, hasSession, type ChainState } from './chainLines.js';

const NONE: ChainState = { status: 'none' };

/**
 * The session chain of the row the details show (found in the background; 'none' for rows without a session).
 * A chain that ends at an issuing event not in the logs is looked for again as events arrive (`storeVersion`):
 * the file holding the AssumeRole often lands after the one holding what its key did.
 */
export function useChain(row: EventRow | null, store: EventStore, read: ReadRecord | undefined, storeVersion = 0): ChainState {
  const [state, setState] = useState<{ row: EventRow | null; version: number; chain: ChainState }>({ row: null, version: -1, chain: NONE });
  const wanted = chainVersion(state.row === row ? state : null, storeVersion);
  useEffect(() => {
    if (!row || !read || !hasSession(row)) return;
    let live = true;
    // Looked for again: the chain found so far stays on screen until the new one is there.
    setState((now) => (now.row === row && now.chain.status === 'done' ? now : { row, version: wanted, chain: { status: 'loading' } }));
    findChain(row, store, read).then(
      (chain) => live && setState({ row, version: wanted, chain: { status: 'done', chain } }),
      (error: unknown) => live && setState({ row, version: wanted, chain: { status: 'failed', message: error instanceof Error ? error.message : String(error) } }),
    );
    return () => {
      live = false;
    };
  }, [row, store, read, wanted]);
  if (!row || !read || !hasSession(row)) return NONE;
  return state.row === row ? state.chain : { status: 'loading' };
}
