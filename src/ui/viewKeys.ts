/**
 * How a plug-in view (Insights, download dialog) reads its keys. App listens
 * first; keys that reach App before the view listens (the rest of the chunk
 * that held `i` or `d`, or keys typed while the view mounts) are queued and
 * handed to the view when it starts listening, so none are dropped.
 */
import { useInput, type Key } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import { splitChunk, type Action } from './keys.js';
import type { QuitOutcome } from './runningWork.js';

export interface Stroke {
  input: string;
  key: Key;
}

/** What the view gets from App when it starts listening. */
export interface KeyClaim {
  /** Keys that arrived before, oldest first. */
  pending: Stroke[];
  /** The view stopped listening (unmounted or hidden); App queues again. */
  release(): void;
  /** Keys after one that closed or covered the view (the rest of its chunk): App handles them. */
  handBack(strokes: Stroke[]): void;
}

/** App's side: a queue that is filled while no view listens. */
export class ViewKeyQueue {
  private pending: Stroke[] = [];
  private listening = false;

  /** @param handBack App's own handling of keys the view gives back. */
  constructor(private readonly handBack: (strokes: Stroke[]) => void) {}

  /** True when App should keep the stroke for the view instead of handling it. */
  get waiting(): boolean {
    return !this.listening;
  }

  push(stroke: Stroke): void {
    this.pending.push(stroke);
  }

  claim = (): KeyClaim => {
    this.listening = true;
    const pending = this.pending;
    this.pending = [];
    return {
      pending,
      release: () => {
        this.listening = false;
      },
      handBack: (strokes) => {
        // The view gave up its keys until it claims them again: those App does not take are kept for it
        // (a burst `? ? o` closes the help it opened, and `o` is the view's again before any frame).
        this.listening = false;
        this.handBack(strokes);
      },
    };
  };

  clear(): void {
    this.pending = [];
  }
}

export interface ViewKeyOptions {
  /** False while something covers the view (the help overlay): it keeps its state but not the keys. */
  active?: boolean;
  claimKeys?: () => KeyClaim;
  /** Keep runs of text whole (a path field takes a paste as one edit). */
  keepText?: boolean;
}

/**
 * What a view does with one keystroke; `true` when the key closed or covered
 * the view, so the keys after it are App's.
 */
export type ViewKeyHandler = (input: string, key: Key, replayed: boolean) => boolean | void;

/**
 * Feeds the view's handler every keystroke, one by one: live ones from Ink,
 * then (flagged `replayed`) the ones App kept before the view listened.
 */
export function useViewKeys(handle: ViewKeyHandler, { active = true, claimKeys, keepText = false }: ViewKeyOptions): void {
  const handleRef = useRef(handle);
  handleRef.current = handle;
  // After a hand back the view listens again only once it has claimed the keys App kept meanwhile (the effect below).
  const handedBack = useRef(false);
  const [claims, claimAgain] = useReducer((n: number) => n + 1, 0);
  // Set while rendering: Ink removes the listener only when effects run, which can be after the covering frame is drawn.
  const activeRef = useRef(active);
  activeRef.current = active && !handedBack.current;
  const claimRef = useRef<KeyClaim | null>(null);
  const run = (strokes: Stroke[], replayed: boolean): void => {
    for (let i = 0; i < strokes.length; i++) {
      const stroke = strokes[i]!;
      const claim = claimRef.current;
      if (handleRef.current(stroke.input, stroke.key, replayed) === true && claim) {
        // Until App's next frame takes the view away, its keys are App's.
        activeRef.current = false;
        handedBack.current = true;
        claim.handBack(strokes.slice(i + 1));
        claimAgain();
        return;
      }
    }
  };
  useInput(
    (input, key) => {
      if (activeRef.current) run(splitChunk(input, key, keepText), false);
    },
    { isActive: active },
  );
  // Declared after useInput: its listener is attached before the queue is drained, so no key falls in between.
  useEffect(() => {
    if (!active || !claimKeys) return;
    const claim = claimKeys();
    claimRef.current = claim;
    handedBack.current = false;
    activeRef.current = true;
    run(claim.pending, true);
    return () => {
      claimRef.current = null;
      claim.release();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- run reads refs only
  }, [active, claimKeys, claims]);
}

/**
 * The keys every plug-in view answers alike: `?` opens the help over it,
 * `/` the query bar (the views that summarise the query's events: keys.ts
 * QUERY_VIEWS) and `q` quits. Returns what the view's key handler returns
 * (true when the keys after this one are App's), or undefined for any other action.
 */
export function answerSharedKey(action: Action | null, openHelp?: () => void, quit?: () => QuitOutcome | void, editQuery?: () => void): boolean | undefined {
  switch (action) {
    case 'help':
      openHelp?.();
      return openHelp !== undefined;
    case 'editQuery':
      // The rest of the chunk (`/name:x` Enter typed at once) is the query bar's.
      editQuery?.();
      return editQuery !== undefined;
    case 'quit':
      // The app ends (the view keeps its keys until it does), or asks first over the view (a download
      // runs): then the keys after this one are the answer, and App's.
      return quit?.() === 'asking';
    default:
      return undefined;
  }
}
