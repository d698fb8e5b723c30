/**
 * How a plug-in view (Insights, download dialog) reads its keys. App listens
 * first; keys that reach App before the view listens (the rest of the chunk
 * that held `i` or `d`, or keys typed while the view mounts) are queued and
 * handed to the view when it starts listening, so none are dropped.
 */
import { useInput, type Key } from 'ink';
import { useEffect, useRef } from 'react';
import { splitChunk } from './keys.js';

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
}

/** App's side: a queue that is filled while no view listens. */
export class ViewKeyQueue {
  private pending: Stroke[] = [];
  private listening = false;

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
 * Feeds the view's handler every keystroke, one by one: live ones from Ink,
 * then (flagged `replayed`) the ones App kept before the view listened.
 */
export function useViewKeys(handle: (input: string, key: Key, replayed: boolean) => void, { active = true, claimKeys, keepText = false }: ViewKeyOptions): void {
  const handleRef = useRef(handle);
  handleRef.current = handle;
  useInput(
    (input, key) => {
      for (const stroke of splitChunk(input, key, keepText)) handleRef.current(stroke.input, stroke.key, false);
    },
    { isActive: active },
  );
  // Declared after useInput: its listener is attached before the queue is drained, so no key falls in between.
  useEffect(() => {
    if (!active || !claimKeys) return;
    const claim = claimKeys();
    for (const stroke of claim.pending) handleRef.current(stroke.input, stroke.key, true);
    return claim.release;
  }, [active, claimKeys]);
}
