/**
 * @module detection/sigma/correlation — Sigma v2 correlation rules over sliding windows held in memory per group.
 *
 * Windows are measured in event time. When a group's window satisfies the condition the rule fires once and
 * that group starts afresh (so `gte: 10` fires at the 10th event, then again at the next 10). Memory stays
 * bounded: expired groups are swept out, each group keeps only what its condition can need, and at most
 * MAX_GROUPS groups per rule are held (the least recently updated one is dropped first).
 */
import { type EventView, fieldRef } from './event-view.ts';
import type { ComparisonOp, SigmaCorrelationRule, SigmaDetectionRule, SigmaEvent, SigmaMatch } from './types.ts';

/** Most groups one correlation rule holds at once. */
export const MAX_GROUPS = 100_000;
/** Most event ids a correlation match carries. */
export const MAX_EVENT_IDS = 100;
/** Most distinct values a value_count group tracks. */
const MAX_DISTINCT = 10_000;

function compare(op: ComparisonOp, n: number, value: number): boolean {
  switch (op) {
    case 'gt': return n > value;
    case 'gte': return n >= value;
    case 'lt': return n < value;
    case 'lte': return n <= value;
    case 'eq': return n === value;
    default: return n !== value;
  }
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** A first-in first-out list of (time, sequence, id) with O(1) removal at the front. */
class Window {
  times: number[] = [];
  seqs: number[] = [];
  ids: string[] = [];
  head = 0;
  get size(): number {
    return this.times.length - this.head;
  }
  push(time: number, seq: number, id: string): void {
    this.times.push(time);
    this.seqs.push(seq);
    this.ids.push(id);
  }
  dropBefore(cutoff: number): void {
    while (this.head < this.times.length && this.times[this.head]! < cutoff) this.head++;
    this.compact();
  }
  dropFirst(n: number): void {
    this.head += n;
    this.compact();
  }
  private compact(): void {
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
  }
  latest(): number {
    return this.size === 0 ? -Infinity : this.times[this.times.length - 1]!;
  }
  lastIds(n: number): string[] {
    return this.ids.slice(Math.max(this.head, this.ids.length - n));
  }
}

interface Group {
  values: Record<string, string>;
  latest: number;
  /** event_count: the events; temporal: one window per referenced rule. */
  windows: Window[];
  /** value_count: distinct value → its latest event (Map order = recency). */
  distinct: Map<string, { time: number; id: string }>;
}

/** The running state of one correlation rule. */
export class CorrelationState {
  private readonly groups = new Map<string, Group>();
  private readonly span: number;
  private readonly refIndex = new Map<SigmaDetectionRule, number>();
  private readonly groupFields: ReturnType<typeof fieldRef>[][];
  private readonly valueFields: ReturnType<typeof fieldRef>[] | null;
  private now = -Infinity;
  private lastSweep = -Infinity;
  private seq = 0;
  private lastEvent: SigmaEvent | null = null;

  /** `referenced[i]` is the detection rule that `rule.correlation.rules[i]` names. */
  constructor(
    readonly rule: SigmaCorrelationRule,
    referenced: SigmaDetectionRule[],
  ) {
    const c = rule.correlation;
    this.span = c.timespanMs;
    referenced.forEach((r, i) => this.refIndex.set(r, i));
    // The field to read per referenced rule: an alias resolves to that rule's own field name.
    const fieldFor = (name: string, i: number) => fieldRef(c.aliases[name]?.[c.rules[i]!] ?? name);
    this.groupFields = c.rules.map((_, i) => c.groupBy.map((g) => fieldFor(g, i)));
    const vf = c.type === 'value_count' ? c.condition!.field! : null;
    this.valueFields = vf === null ? null : c.rules.map((_, i) => fieldFor(vf, i));
  }

  /** Number of groups held (for tests and metrics). */
  get groupCount(): number {
    return this.groups.size;
  }

  /** Feeds an event that `matched` (a referenced rule) matched; returns a match when the correlation fires. */
  add(matched: SigmaDetectionRule, event: SigmaEvent, view: EventView): SigmaMatch | null {
    const i = this.refIndex.get(matched);
    if (i === undefined) return null;
    const c = this.rule.correlation;
    // An event that two referenced rules both match counts once (temporal rules want it for each rule).
    if (event === this.lastEvent && (c.type === 'event_count' || c.type === 'value_count')) return null;
    this.lastEvent = event;
    const time = event.time.getTime();
    if (time > this.now) this.now = time;
    this.sweep();
    const values: Record<string, string> = {};
    const parts: string[] = [];
    c.groupBy.forEach((g, k) => {
      const v = text(view.value(this.groupFields[i]![k]!));
      values[g] = v;
      parts.push(v);
    });
    const key = parts.join('\u0001');
    let group = this.groups.get(key);
    if (group) this.groups.delete(key); // re-inserted below: Map order = least recently updated first
    else {
      group = { values, latest: time, windows: [], distinct: new Map() };
      if (this.groups.size >= MAX_GROUPS) this.groups.delete(this.groups.keys().next().value!);
    }
    this.groups.set(key, group);
    group.latest = Math.max(group.latest, time);
    const cutoff = this.now - this.span;
    const seq = ++this.seq;
    let fired: string[] | null = null;
    if (c.type === 'event_count') {
      const w = (group.windows[0] ??= new Window());
      w.push(time, seq, event.id);
      w.dropBefore(cutoff);
      // Counts above the threshold compare alike, so the window never needs more entries than that.
      const cap = Math.max(c.condition!.value + 1, MAX_EVENT_IDS);
      if (w.size > cap) w.dropFirst(w.size - cap);
      if (compare(c.condition!.op, w.size, c.condition!.value)) fired = w.lastIds(MAX_EVENT_IDS);
    } else if (c.type === 'value_count') {
      const raw = view.value(this.valueFields![i]!);
      if (raw === undefined || raw === null) return null; // an event without the field counts no value
      const v = text(raw);
      group.distinct.delete(v);
      group.distinct.set(v, { time, id: event.id });
      for (const [k, e] of group.distinct) {
        if (e.time >= cutoff && group.distinct.size <= MAX_DISTINCT) break;
        group.distinct.delete(k);
      }
      if (compare(c.condition!.op, group.distinct.size, c.condition!.value)) {
        fired = [...group.distinct.values()].slice(-MAX_EVENT_IDS).map((e) => e.id);
      }
    } else {
      const n = c.rules.length;
      while (group.windows.length < n) group.windows.push(new Window());
      const w = group.windows[i]!;
      w.push(time, seq, event.id);
      const perRule = Math.max(1, Math.floor(MAX_EVENT_IDS / n));
      for (const win of group.windows) {
        win.dropBefore(cutoff);
        if (win.size > perRule) win.dropFirst(win.size - perRule);
      }
      if (c.type === 'temporal' ? group.windows.every((win) => win.size > 0) : this.inOrder(group.windows)) {
        const all: { t: number; s: number; id: string }[] = [];
        for (const win of group.windows) for (let k = win.head; k < win.times.length; k++) all.push({ t: win.times[k]!, s: win.seqs[k]!, id: win.ids[k]! });
        fired = all.sort((a, b) => a.s - b.s).map((e) => e.id);
      }
    }
    if (fired === null) return null;
    this.groups.delete(key);
    return { ruleId: this.rule.id, title: this.rule.title, level: this.rule.level, kind: 'correlation', eventIds: fired, groupBy: { ...group.values }, tags: [...this.rule.tags] };
  }

  /** temporal_ordered: is there a match of rule 1, then of rule 2, … (by arrival) within the window? */
  private inOrder(windows: Window[]): boolean {
    let after = 0;
    for (const w of windows) {
      let found = -1;
      for (let k = w.head; k < w.times.length; k++) {
        if (w.seqs[k]! > after) {
          found = w.seqs[k]!;
          break;
        }
      }
      if (found < 0) return false;
      after = found;
    }
    return true;
  }

  /** Drops groups whose newest event has left the window; runs at most once per timespan of event time. */
  private sweep(): void {
    if (this.now - this.lastSweep < this.span) return;
    this.lastSweep = this.now;
    const cutoff = this.now - this.span;
    for (const [key, g] of this.groups) if (g.latest < cutoff) this.groups.delete(key);
  }
}
