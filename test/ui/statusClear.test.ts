/** Status messages go when the view or the query changes, unless they came with that change. */
import { describe, expect, it } from 'vitest';
import { initialState, reducer, STATUS_KEPT_MS } from '../../src/ui/state.js';

describe('status messages', () => {
  const t0 = 1_000_000;
  const withMessage = reducer({ ...initialState(''), mode: 'detail' }, { type: 'status', text: 'Copied the event JSON (1.9 KB)' }, t0);

  it('clear on a new view (Esc back to the list) and on a new query', () => {
    expect(withMessage.status).toBe('Copied the event JSON (1.9 KB)');
    expect(reducer(withMessage, { type: 'back' }, t0 + 2000).status).toBe('');
    expect(reducer(withMessage, { type: 'setQuery', text: 'name:x' }, t0 + 2000).status).toBe('');
    // Moving within the same view keeps it (it fades after 5 s).
    expect(reducer(withMessage, { type: 'link', index: 0 }, t0 + 2000).status).toBe('Copied the event JSON (1.9 KB)');
  });

  it('keep a message set as part of the change itself', () => {
    expect(reducer(withMessage, { type: 'back' }, t0 + STATUS_KEPT_MS - 1).status).toBe('Copied the event JSON (1.9 KB)');
  });
});
