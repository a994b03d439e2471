/**
 * The leases this worker holds, by lease id and by trial key: each with the AbortController that stops
 * its trial and whether the trial finished locally. A lease is released once the coordinator answered
 * for its result.
 */
import type { LeasedTrial } from '../objective-types.js';

export interface Held {
  trial: LeasedTrial;
  abort: AbortController;
  /** finished locally (spooled); kept until the coordinator answered for it */
  finished: boolean;
}

export class HeldLeases {
  private readonly byLease = new Map<string, Held>();
  private readonly byKey = new Map<string, string>();

  get size(): number {
    return this.byLease.size;
  }

  add(trials: readonly LeasedTrial[]): void {
    for (const t of trials) {
      this.byLease.set(t.leaseId, { trial: t, abort: new AbortController(), finished: false });
      this.byKey.set(t.key, t.leaseId);
    }
  }

  get(leaseId: string): Held | undefined {
    return this.byLease.get(leaseId);
  }

  trials(): LeasedTrial[] {
    return [...this.byLease.values()].map((h) => h.trial);
  }

  /** the given trials whose leases are still held and not finished */
  running(trials: readonly LeasedTrial[]): LeasedTrial[] {
    return trials.filter((t) => this.byLease.get(t.leaseId)?.finished === false);
  }

  /** mark the lease's trial finished; false when the lease is unknown or was finished already */
  markFinished(leaseId: string): boolean {
    const h = this.byLease.get(leaseId);
    if (!h || h.finished) return false;
    h.finished = true;
    return true;
  }

  /** the abort signal of a held lease; an already aborted one for a lease not held */
  signalFor(leaseId: string): AbortSignal {
    return this.byLease.get(leaseId)?.abort.signal ?? AbortSignal.abort('unknown trial');
  }

  /** lease ids named directly or through their trial key (unknown keys are skipped) */
  resolve(trialKeys: readonly string[], leaseIds: readonly string[]): string[] {
    const out = new Set(leaseIds);
    for (const k of trialKeys) {
      const l = this.byKey.get(k);
      if (l) out.add(l);
    }
    return [...out];
  }

  abort(leaseId: string, reason: string): void {
    this.byLease.get(leaseId)?.abort.abort(reason);
  }

  abortAll(reason: string): void {
    for (const h of this.byLease.values()) h.abort.abort(reason);
  }

  /** forget a lease (its result was answered for) */
  release(leaseId: string): void {
    const h = this.byLease.get(leaseId);
    if (!h) return;
    this.byLease.delete(leaseId);
    if (this.byKey.get(h.trial.key) === leaseId) this.byKey.delete(h.trial.key);
  }
}
