/** @module audit/tlog/bundle-report — the result of verifying a bundle: what was proven, and precisely what is wrong. */

/** One finding. `line` is the 1-based line of events.jsonl; `index` a 0-based leaf index. */
export type BundleProblem =
  | { kind: 'malformed-bundle'; file: string; message: string }
  | { kind: 'verifier-key-mismatch'; message: string }
  | { kind: 'malformed-checkpoint'; checkpoint: string; message: string }
  | { kind: 'forged-checkpoint'; checkpoint: string; message: string }
  | { kind: 'no-valid-checkpoint'; message: string }
  | { kind: 'inconsistent-checkpoints'; checkpoints: [string, string]; sizes: [number, number]; message: string }
  | { kind: 'malformed-event'; line: number; message: string }
  | { kind: 'modified-event'; index: number; line: number; message: string }
  | { kind: 'removed-events'; fromIndex: number; toIndex: number; message: string }
  | { kind: 'reordered-event'; index: number; line: number; message: string }
  | { kind: 'duplicated-event'; index: number; line: number; message: string }
  | { kind: 'truncated-log'; eventCount: number; checkpointSize: number; checkpoint: string; message: string }
  | { kind: 'unsigned-events'; firstLine: number; count: number; message: string }
  | { kind: 'root-mismatch'; checkpoint: string; treeSize: number; firstUnverifiedIndex: number; message: string }
  | { kind: 'manifest-mismatch'; message: string };

/** Every kind of finding. */
export type BundleProblemKind = BundleProblem['kind'];

/** What became of each checkpoint. */
export interface CheckpointStatus {
  /** File path inside the bundle, or `given #n` for checkpoints passed by the caller. */
  readonly checkpoint: string;
  readonly size: number | undefined;
  readonly rootHash: string | undefined;
  readonly status: 'verified' | 'root-mismatch' | 'inconsistent' | 'beyond-events' | 'forged' | 'malformed';
}

/** The verdict on one bundle. */
export interface BundleReport {
  /** True only when every check passed. */
  readonly ok: boolean;
  readonly origin: string | undefined;
  /** The verifier key used, and whether the caller pinned it (otherwise it came from the bundle itself). */
  readonly verifierKey: string | undefined;
  readonly verifierKeyPinned: boolean;
  readonly eventCount: number;
  /** Events `[0, verifiedSize)` are proven by a valid signed checkpoint. */
  readonly verifiedSize: number;
  readonly checkpoints: readonly CheckpointStatus[];
  readonly problems: readonly BundleProblem[];
  /** Problems left out of `problems` because a kind passed its listing limit, per kind. */
  readonly omitted: Partial<Record<BundleProblemKind, number>>;
  /** Oddities that do not make the log untrustworthy (e.g. a damaged diagnostics file). */
  readonly warnings: readonly string[];
}

/** Collects problems with a per-kind cap so one systematic fault cannot produce a million lines. */
export class ProblemList {
  readonly items: BundleProblem[] = [];
  readonly omitted: Partial<Record<BundleProblemKind, number>> = {};
  readonly #perKind = new Map<BundleProblemKind, number>();
  constructor(readonly limitPerKind = 100) {}

  add(problem: BundleProblem): void {
    const n = this.#perKind.get(problem.kind) ?? 0;
    this.#perKind.set(problem.kind, n + 1);
    if (n < this.limitPerKind) this.items.push(problem);
    else this.omitted[problem.kind] = (this.omitted[problem.kind] ?? 0) + 1;
  }

  has(kind: BundleProblemKind): boolean {
    return (this.#perKind.get(kind) ?? 0) > 0;
  }

  get count(): number {
    return this.items.length + Object.values(this.omitted).reduce((a, b) => a + (b ?? 0), 0);
  }
}
