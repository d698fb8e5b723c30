/**
 * What the rules found, on the main thread: per rule, the unique events it
 * fired on, first and last event time; per event, the rules it fired. Grows
 * as hits arrive from the parse side; listeners hear about it at most once
 * per `notifyIntervalMs`, like the store.
 *
 * Events are numbered, and each rule keeps a bitset over those numbers: at a
 * million events one noisy SigmaHQ rule fires ~600k times, and a string set
 * per rule plus a map per event cost the main thread more than the rest of
 * the load. In a folder load the numbers are the store's row seqs (attach():
 * the loader hands hits over by seq, duplicates across files already settled
 * by the store); without a store (headless scan, the archive) hits come by
 * eventID and the events are numbered here.
 *
 * `tagRules` is the query layer's TagContext.rules (ast.ts): live views of
 * the same bitsets, so `rule:ID` terms see new hits as they come.
 */
import type { TagContext, TagRule } from '../query/ast.js';
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

/** Where numbered events come from: a store's rows (key = seq), or the findings' own numbering of eventIDs. */
export interface EventKeys {
  /** The event's number, or -1 when it has none. */
  keyOf(eventId: string): number;
  idOf(key: number): string;
  /** The event's time (epoch ms, NaN when unreadable). */
  timeOf(key: number): number;
}

/** The store side Findings reads once attached (EventStore). */
export interface KeyedStore {
  get(id: string): { readonly seq: number } | undefined;
  log(): ReadonlyArray<{ readonly id: string; readonly time: number }>;
}

/** A growable bitset over event numbers. */
class Bits {
  words = new Uint32Array(0);

  has(key: number): boolean {
    const w = key >>> 5;
    return w < this.words.length && (this.words[w]! & (1 << (key & 31))) !== 0;
  }

  /** Sets the bit; true when it was clear. */
  set(key: number): boolean {
    const w = key >>> 5;
    if (w >= this.words.length) {
      const grown = new Uint32Array(Math.max(w + 1, this.words.length * 2, 64));
      grown.set(this.words);
      this.words = grown;
    }
    const bit = 1 << (key & 31);
    const word = this.words[w]!;
    if ((word & bit) !== 0) return false;
    this.words[w] = word | bit;
    return true;
  }

  /** Clears every bit (a rule's hits dropped: Findings.forgetRule). */
  clearAll(): void {
    this.words = new Uint32Array(0);
  }

  /** Clears the bit; true when it was set. */
  clear(key: number): boolean {
    if (!this.has(key)) return false;
    this.words[key >>> 5]! &= ~(1 << (key & 31));
    return true;
  }

  *keys(): IterableIterator<number> {
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      let word = words[w]!;
      while (word !== 0) {
        const low = word & -word;
        yield (w << 5) + (31 - Math.clz32(low));
        word ^= low;
      }
    }
  }
}

interface RuleState {
  readonly rule: Rule;
  readonly events: Bits;
  count: number;
  first: number;
  last: number;
  /** An event was forgotten: first and last are worked out again when next read. */
  stale: boolean;
}

/** eventIDs numbered in arrival order, for hits that come without a store. */
class OwnKeys implements EventKeys {
  private readonly numbers = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly times: number[] = [];

  keyOf(eventId: string): number {
    return this.numbers.get(eventId) ?? -1;
  }

  /** The event's number, made on first sight. */
  number(eventId: string, time: number): number {
    let key = this.numbers.get(eventId);
    if (key === undefined) {
      key = this.ids.length;
      this.numbers.set(eventId, key);
      this.ids.push(eventId);
      this.times.push(time);
    }
    return key;
  }

  idOf(key: number): string {
    return this.ids[key]!;
  }

  timeOf(key: number): number {
    return this.times[key]!;
  }
}

/** Keys no ID maps to (keyedByCaller()): only the caller knows its events. */
const NO_IDS: EventKeys = {
  keyOf: () => -1,
  idOf: () => '',
  timeOf: () => NaN,
};

export class Findings {
  readonly rules: readonly Rule[];
  readonly skipped: readonly SkippedRule[];
  readonly tagRules: NonNullable<TagContext['rules']>;
  private readonly states: RuleState[];
  /** Events that fired at least one rule. */
  private readonly anyRule = new Bits();
  private eventsFired = 0;
  private readonly own = new OwnKeys();
  private keys: EventKeys = this.own;
  /** Keys are a store's seqs (attach()). */
  private attached = false;
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
    this.states = set.rules.map((rule) => ({ rule, events: new Bits(), count: 0, first: NaN, last: NaN, stale: false }));
    this.tagRules = this.states.map((s) => this.tagRule(s));
  }

  /**
   * Numbers events by the store's row seqs from now on: hits then come
   * through hit() and forget() by seq. Call before any hit.
   */
  attach(store: KeyedStore): void {
    this.attached = true;
    this.keys = {
      keyOf: (id) => store.get(id)?.seq ?? -1,
      idOf: (seq) => store.log()[seq]!.id,
      timeOf: (seq) => store.log()[seq]?.time ?? NaN,
    };
  }

  /**
   * Numbers events by the caller's own keys from now on (an archive's tt_seq): hits then come
   * through hitKeys() and rulesOfKey() reads them; nothing keeps an event's ID, so millions of
   * hits cost a bit each. Call before any hit.
   */
  keyedByCaller(): void {
    this.attached = true;
    this.keys = NO_IDS;
  }

  /** Changes with every hit that added something: a cheap key for memoised views. */
  get version(): number {
    return this.versionCounter;
  }

  /** Takes hits by eventID (no store attached); returns how many (rule, event) pairs were new. */
  add(hits: readonly RuleHit[]): number {
    let added = 0;
    for (const hit of hits) {
      const key = this.attached ? this.keys.keyOf(hit.id) : this.own.number(hit.id, hit.time);
      if (key < 0) continue;
      for (const index of hit.rules) if (this.mark(key, hit.time, index)) added++;
    }
    if (added > 0) this.touched();
    return added;
  }

  /** Takes one event's hits by store seq (attach()): rules[from .. to) fired on it. Listeners hear of it later. */
  hit(seq: number, time: number, rules: ArrayLike<number>, from: number, to: number): void {
    let added = false;
    for (let k = from; k < to; k++) if (this.mark(seq, time, rules[k]!)) added = true;
    if (added) this.touched();
  }

  /** Rule `index` fired on the events `keys` (keyedByCaller()), `times[k]` the time of `keys[k]` (NaN: none). */
  hitKeys(index: number, keys: ArrayLike<number>, times: ArrayLike<number>): void {
    let added = false;
    for (let k = 0; k < keys.length; k++) if (this.mark(keys[k]!, times[k]!, index)) added = true;
    if (added) this.touched();
  }

  private mark(key: number, time: number, index: number): boolean {
    const state = this.states[index];
    if (!state) return false; // a hit from another rule set: ignored rather than misattributed
    if (!state.events.set(key)) return false;
    state.count++;
    if (time === time && !state.stale) {
      if (!(state.first <= time)) state.first = time;
      if (!(state.last >= time)) state.last = time;
    }
    if (this.anyRule.set(key)) this.eventsFired++;
    return true;
  }

  /**
   * Drops an event's hits: its kept copy was replaced by an earlier one in
   * file order (EventStore.rewrites), whose hits come next. The rules' first
   * and last times are worked out again when next read.
   */
  forget(eventId: string): void {
    const key = this.keys.keyOf(eventId);
    if (key >= 0) this.forgetKey(key);
  }

  /** forget() by store seq (attach()). */
  forgetKey(key: number): void {
    if (!this.anyRule.clear(key)) return;
    this.eventsFired--;
    for (const state of this.states) {
      if (!state.events.clear(key)) continue;
      state.count--;
      state.stale = true;
    }
    this.touched();
  }

  /** Drops every hit of rule `index` (its run failed part way: hitKeys() had taken some of its events). */
  forgetRule(index: number): void {
    const state = this.states[index];
    if (!state || state.count === 0) return;
    for (const key of state.events.keys()) {
      if (this.states.some((other) => other !== state && other.events.has(key))) continue;
      if (this.anyRule.clear(key)) this.eventsFired--;
    }
    state.events.clearAll();
    state.count = 0;
    state.first = NaN;
    state.last = NaN;
    state.stale = false;
    this.touched();
  }

  /** Rules that fired, newest last-hit first (ties: higher level, then title). */
  list(order: 'newest' | 'level' = 'newest'): Finding[] {
    const out: Finding[] = [];
    for (const s of this.states) {
      if (s.count === 0) continue;
      if (s.stale) this.retime(s);
      out.push({ rule: s.rule, count: s.count, first: s.first, last: s.last });
    }
    return sortFindings(out, order);
  }

  /**
   * Rules that fired on `rows` (the events a query selects), each with its count, first and last time
   * among them: what the findings view shows under a query. One pass over the rows; a row that fired
   * no rule costs one bit test.
   */
  listAmong(rows: Iterable<{ readonly seq: number; readonly id: string; readonly time: number }>, order: 'newest' | 'level' = 'newest'): Finding[] {
    const counts = this.states.map(() => ({ count: 0, first: NaN, last: NaN }));
    for (const row of rows) {
      const key = this.attached && row.seq >= 0 ? row.seq : this.keys.keyOf(row.id);
      if (key < 0 || !this.anyRule.has(key)) continue;
      const time = row.time;
      for (let i = 0; i < this.states.length; i++) {
        if (!this.states[i]!.events.has(key)) continue;
        const c = counts[i]!;
        c.count++;
        if (time === time) {
          if (!(c.first <= time)) c.first = time;
          if (!(c.last >= time)) c.last = time;
        }
      }
    }
    const out: Finding[] = [];
    for (const [i, c] of counts.entries()) if (c.count > 0) out.push({ rule: this.states[i]!.rule, ...c });
    return sortFindings(out, order);
  }

  /** A pass over a rule's events: only after forget(), which is as rare as a duplicate from an earlier file. */
  private retime(state: RuleState): void {
    state.first = NaN;
    state.last = NaN;
    for (const key of state.events.keys()) {
      const time = this.keys.timeOf(key);
      if (time !== time) continue;
      if (!(state.first <= time)) state.first = time;
      if (!(state.last >= time)) state.last = time;
    }
    state.stale = false;
  }

  /** Rules that fired, by level (each rule counts once). */
  levelCounts(): LevelCounts {
    const counts = Object.fromEntries(LEVELS.map((l) => [l, 0])) as LevelCounts;
    for (const s of this.states) if (s.count > 0) counts[s.rule.level]++;
    return counts;
  }

  /** The rules an event fired, highest level first. */
  rulesOf(eventId: string): Rule[] {
    return this.rulesOfKey(this.keys.keyOf(eventId));
  }

  /** rulesOf() by the event's key (a store's seq, or the caller's own: keyedByCaller()). */
  rulesOfKey(key: number): Rule[] {
    if (key < 0 || !this.anyRule.has(key)) return [];
    const fired: Rule[] = [];
    for (const s of this.states) if (s.events.has(key)) fired.push(s.rule);
    return fired.sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.title.localeCompare(b.title));
  }

  /**
   * The keys (store seqs, or the caller's: keyedByCaller) of the events that fired at least one rule,
   * ascending; null when there are more than `limit`. Lets the archive ask SQL for the hits among a
   * query's events rather than stream every event the query selects.
   */
  firedKeys(limit: number): number[] | null {
    if (this.eventsFired > limit) return null;
    const keys: number[] = [];
    const words = this.anyRule.words;
    for (let w = 0; w < words.length; w++) {
      let word = words[w]!;
      while (word !== 0) {
        const low = word & -word;
        keys.push(w * 32 + 31 - Math.clz32(low));
        word ^= low;
      }
    }
    return keys;
  }

  /** Events that fired at least one rule. */
  get eventsWithFindings(): number {
    return this.eventsFired;
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

  private tagRule(state: RuleState): TagRule {
    const events = state.events;
    return {
      id: state.rule.id,
      title: state.rule.title,
      has: (eventId) => {
        const key = this.keys.keyOf(eventId);
        return key >= 0 && events.has(key);
      },
      hasRow: (row) => {
        if (this.attached && row.seq >= 0) return events.has(row.seq);
        const key = this.keys.keyOf(row.id);
        return key >= 0 && events.has(key);
      },
      eventIds: () => [...events.keys()].map((key) => this.keys.idOf(key)),
    };
  }

  private touched(): void {
    this.versionCounter++;
    this.changed();
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
