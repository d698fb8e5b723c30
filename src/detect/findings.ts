/**
 * What the rules found, on the main thread: per rule, the unique events it
 * fired on (by eventID, so duplicates of one event across files count once),
 * first and last event time; per event, the rules it fired. Grows as hits
 * arrive from the parse side; listeners hear about it at most once per
 * `notifyIntervalMs`, like the store.
 *
 * `tagRules` is the query layer's TagContext.rules (ast.ts): the same live
 * sets, so `rule:ID` terms see new hits as they come.
 */
import type { TagContext } from '../query/ast.js';
import { LEVELS, levelRank, type Level, type Rule, type RuleHit, type RuleSet, type SkippedRule } from './rule.js';

export interface Finding {
  readonly rule: Rule;
  /** Unique events matched. */
  readonly count: number;
  /** Epoch ms of the oldest and newest matched event with a readable time; NaN when none had one. */
  readonly first: number;
  readonly last: number;
}

export type LevelCounts = Record<Level, number>;

interface RuleState {
  readonly rule: Rule;
  readonly eventIds: Set<string>;
  first: number;
  last: number;
}

export class Findings {
  readonly rules: readonly Rule[];
  readonly skipped: readonly SkippedRule[];
  readonly tagRules: NonNullable<TagContext['rules']>;
  private readonly states: RuleState[];
  /** Per event, the rules it fired: a number for one rule (most events), a list for more; no array per event at a million hits. */
  private readonly byEvent = new Map<string, number | number[]>();
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private lastNotify = 0;
  private versionCounter = 0;

  constructor(
    set: RuleSet,
    private readonly notifyIntervalMs = 100,
  ) {
    this.rules = set.rules;
    this.skipped = set.skipped;
    this.states = set.rules.map((rule) => ({ rule, eventIds: new Set<string>(), first: NaN, last: NaN }));
    this.tagRules = this.states.map((s) => ({ id: s.rule.id, title: s.rule.title, eventIds: s.eventIds }));
  }

  /** Changes with every hit that added something: a cheap key for memoised views. */
  get version(): number {
    return this.versionCounter;
  }

  /** Takes hits from the parse side; returns how many (rule, event) pairs were new. */
  add(hits: readonly RuleHit[]): number {
    let added = 0;
    for (const hit of hits) {
      for (const index of hit.rules) {
        const state = this.states[index];
        if (!state) continue; // a hit from another rule set: ignored rather than misattributed
        // One hash lookup: a Set that did not grow already held the event.
        const size = state.eventIds.size;
        state.eventIds.add(hit.id);
        if (state.eventIds.size === size) continue;
        const time = hit.time;
        if (time === time) {
          if (!(state.first <= time)) state.first = time;
          if (!(state.last >= time)) state.last = time;
        }
        const known = this.byEvent.get(hit.id);
        if (known === undefined) this.byEvent.set(hit.id, index);
        else if (typeof known === 'number') this.byEvent.set(hit.id, [known, index]);
        else known.push(index);
        added++;
      }
    }
    if (added > 0) {
      this.versionCounter++;
      this.changed();
    }
    return added;
  }

  /**
   * Drops an event's hits: its kept copy was replaced by an earlier one in file
   * order (EventStore.rewrites), whose hits come next through add(). With
   * `timeOf` (each remaining event's time), the rules' first and last times
   * are worked out again without the dropped copy; a pass over their events,
   * which is fine for something as rare as a conflicting duplicate.
   */
  forget(eventId: string, timeOf?: (eventId: string) => number): void {
    const known = this.byEvent.get(eventId);
    if (known === undefined) return;
    this.byEvent.delete(eventId);
    for (const index of typeof known === 'number' ? [known] : known) {
      const state = this.states[index];
      if (!state) continue;
      state.eventIds.delete(eventId);
      if (!timeOf) continue;
      state.first = NaN;
      state.last = NaN;
      for (const id of state.eventIds) {
        const time = timeOf(id);
        if (time !== time) continue;
        if (!(state.first <= time)) state.first = time;
        if (!(state.last >= time)) state.last = time;
      }
    }
    this.versionCounter++;
    this.changed();
  }

  /** Rules that fired, newest last-hit first (ties: higher level, then title). */
  list(order: 'newest' | 'level' = 'newest'): Finding[] {
    const out: Finding[] = [];
    for (const s of this.states) if (s.eventIds.size > 0) out.push({ rule: s.rule, count: s.eventIds.size, first: s.first, last: s.last });
    return sortFindings(out, order);
  }

  /** Rules that fired, by level (each rule counts once). */
  levelCounts(): LevelCounts {
    const counts = Object.fromEntries(LEVELS.map((l) => [l, 0])) as LevelCounts;
    for (const s of this.states) if (s.eventIds.size > 0) counts[s.rule.level]++;
    return counts;
  }

  /** The rules an event fired, highest level first. */
  rulesOf(eventId: string): Rule[] {
    const known = this.byEvent.get(eventId);
    if (known === undefined) return [];
    const list = typeof known === 'number' ? [known] : known;
    return list.map((k) => this.rules[k]!).sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.title.localeCompare(b.title));
  }

  /** Events that fired at least one rule. */
  get eventsWithFindings(): number {
    return this.byEvent.size;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells listeners now (end of a load) instead of at the next interval. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.notify();
  }

  private changed(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastNotify + this.notifyIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.notify();
    }, wait);
    this.timer.unref?.();
  }

  private notify(): void {
    this.lastNotify = Date.now();
    for (const listener of [...this.listeners]) listener();
  }
}

/** Findings newest last hit first (ties: higher level, then title), or by level (ties: newest, then title). */
export function sortFindings(out: Finding[], order: 'newest' | 'level'): Finding[] {
  const byLevel = (a: Finding, b: Finding) => levelRank(b.rule.level) - levelRank(a.rule.level);
  const byTitle = (a: Finding, b: Finding) => a.rule.title.localeCompare(b.rule.title);
  return out.sort((a, b) => (order === 'level' ? byLevel(a, b) || lastOrder(a, b) : lastOrder(a, b) || byLevel(a, b)) || byTitle(a, b));
}

/** Newest last hit first; rules without a readable time last. */
function lastOrder(a: Finding, b: Finding): number {
  const x = a.last === a.last ? a.last : -Infinity;
  const y = b.last === b.last ? b.last : -Infinity;
  return y - x;
}
