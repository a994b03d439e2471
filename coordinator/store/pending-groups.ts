/**
 * Pending trials counted per feature_key, so acquire can pick "the largest pending group" without a
 * GROUP BY per call. The coordinator is the only writer of lease state, so it adjusts the counts as it
 * leases and requeues; a full recount (one covering-index scan of the pending partial index) runs when
 * the counts are older than `refreshMs` (to see trials another process submitted) or prove wrong.
 */
import type { Db } from './db.js';

interface GroupCount {
  count: number;
  /** smallest trial id in the group: ties go to the group submitted first */
  firstId: number;
}

export class PendingGroups {
  private groups = new Map<string, GroupCount>();
  private refreshedAt = -Infinity;
  private readonly recount;

  constructor(
    db: Db,
    private readonly refreshMs = 1000,
  ) {
    this.recount = db.prepare(
      `SELECT feature_key AS featureKey, COUNT(*) AS count, MIN(id) AS firstId
       FROM trials INDEXED BY trials_pending_feature WHERE status = 'pending' GROUP BY feature_key`,
    );
  }

  refresh(now: number): void {
    const rows = this.recount.all() as { featureKey: string; count: number; firstId: number }[];
    this.groups = new Map(rows.map((r) => [r.featureKey, { count: r.count, firstId: r.firstId }]));
    this.refreshedAt = now;
  }

  /** The feature_key with the most pending trials (ties: earliest submitted), or null when none. */
  largest(now: number, exclude: ReadonlySet<string> = new Set()): string | null {
    if (now - this.refreshedAt > this.refreshMs) this.refresh(now);
    let best: string | null = null;
    let bestCount = 0;
    let bestFirst = Infinity;
    for (const [key, g] of this.groups) {
      if (g.count <= 0 || exclude.has(key)) continue;
      if (g.count > bestCount || (g.count === bestCount && g.firstId < bestFirst)) {
        best = key;
        bestCount = g.count;
        bestFirst = g.firstId;
      }
    }
    return best;
  }

  /** Record `delta` trials of `featureKey` leaving (negative) or entering (positive) pending. */
  adjust(featureKey: string, delta: number, trialId?: number): void {
    const g = this.groups.get(featureKey);
    if (g) {
      g.count += delta;
      if (trialId !== undefined && delta > 0 && trialId < g.firstId) g.firstId = trialId;
    } else if (delta > 0) {
      this.groups.set(featureKey, { count: delta, firstId: trialId ?? Number.MAX_SAFE_INTEGER });
    }
  }

  /** Forget the counts so the next pick recounts (after a pick found the group empty). */
  invalidate(): void {
    this.refreshedAt = -Infinity;
  }
}
