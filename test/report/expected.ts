/**
 * Hand computation of leaderboard results from the seeded arrays: plain loops over integer
 * milli-units (seed values have 3 decimals), independent of the SQL under test.
 */
import type { SeededTrial } from '../store/seed.js';
import { canonicalParams, type TrialParams, type TrialSpec } from '../../shared/trial.js';

export interface ExpectedPoint {
  point: Record<string, unknown>;
  sumMilli: number;
  n: number;
  trials: number;
  firstId: number;
}

const pointOf = (t: { params: TrialParams }): string => {
  const { class: _c, ...rest } = canonicalParams(t.params);
  return JSON.stringify(rest);
};

/** Points ranked: complete first, then higher mean, then lower first id. trial ids are 1..n in spec order. */
export function expectedRanking(
  specs: readonly TrialSpec[],
  seeded: readonly SeededTrial[],
  metric: string,
  keep: (s: TrialSpec) => boolean = () => true,
): ExpectedPoint[] {
  const pts = new Map<string, ExpectedPoint>();
  specs.forEach((s, i) => {
    if (!keep(s)) return;
    const k = pointOf(s);
    const p = pts.get(k) ?? {
      point: JSON.parse(k) as Record<string, unknown>,
      sumMilli: 0,
      n: 0,
      trials: 0,
      firstId: i + 1,
    };
    p.trials++;
    pts.set(k, p);
  });
  for (const t of seeded) {
    const p = pts.get(pointOf(t));
    if (!p) continue;
    p.sumMilli += Math.round(t.metrics[metric] * 1000);
    p.n++;
  }
  const list = [...pts.values()].filter((p) => p.n > 0);
  list.sort((a, b) => {
    const ca = a.n === a.trials ? 1 : 0;
    const cb = b.n === b.trials ? 1 : 0;
    if (ca !== cb) return cb - ca;
    const cmp = b.sumMilli * a.n - a.sumMilli * b.n; // exact comparison of means
    return cmp !== 0 ? cmp : a.firstId - b.firstId;
  });
  return list;
}

/** Per class: the trial with the highest value, lowest id on ties. */
export function expectedBestPerClass(seeded: readonly SeededTrial[], metric: string): Map<string, SeededTrial> {
  const best = new Map<string, SeededTrial>();
  for (const t of [...seeded].sort((a, b) => a.id - b.id)) {
    const cur = best.get(t.class);
    if (!cur || t.metrics[metric] > cur.metrics[metric]) best.set(t.class, t);
  }
  return best;
}
