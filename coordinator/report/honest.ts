/**
 * Honest selection (issue 4): trials with `selection: {holdout, seed}` report `sel.<m>` (selection part of
 * the test set) and `rep.<m>` (report part). The configuration is chosen on sel.<m>; its rep.<m> is the
 * honest number, shown beside the optimistic <m> (chosen and reported on the full test set).
 */
import type { StoreReads } from '../store/reads/index.js';
import { type RankOptions } from '../store/reads/index.js';

export interface HonestClassRow {
  class: string;
  /** the trial that won this class on sel.<m> */
  trialId: number;
  params: Record<string, unknown>;
  sel: number;
  /** its report-part score; null when it has none */
  rep: number | null;
  /** best <m> of this class over all points (optimistic, per-class optimized) */
  optimistic: number | null;
}

export interface HonestMean {
  /** the grid point with the best class-mean sel.<m> (canonical JSON, and parsed) */
  point: string;
  params: Record<string, unknown>;
  selMean: number;
  /** class-mean rep.<m> of that point, over `repClasses` classes */
  repMean: number | null;
  repClasses: number;
  classes: number;
  /** best class-mean <m> over all points (optimistic) */
  optimisticMean: number | null;
}

export interface HonestSummary {
  metric: string;
  selMetric: string;
  repMetric: string;
  mean: HonestMean;
  perClass: HonestClassRow[];
  /** mean over classes of the per-class rows (classes without rep are left out of repMean) */
  perClassRepMean: number | null;
  perClassOptimisticMean: number | null;
}

const meanOf = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** null when the sweep has no sel.<metric> values (no trial used honest selection). */
export function honestSummary(
  reads: StoreReads,
  sweepId: number,
  metric: string,
  opts: RankOptions = {},
): HonestSummary | null {
  const selMetric = `sel.${metric}`;
  const repMetric = `rep.${metric}`;
  // cheap pre-check on the metrics index: most databases hold no selection metrics at all
  if (!reads.hasFinalMetric(selMetric)) return null;
  const selPoints = reads.rankPoints(sweepId, selMetric, opts);
  if (selPoints.length === 0) return null;
  const win = selPoints[0];
  const rep = reads
    .pointClassValues(sweepId, win.point, repMetric)
    .map((v) => v.value)
    .filter((v): v is number => v !== null);
  const optimisticPoints = reads.rankPoints(sweepId, metric, opts);
  const mean: HonestMean = {
    point: win.point,
    params: win.params,
    selMean: win.mean,
    repMean: meanOf(rep),
    repClasses: rep.length,
    classes: win.trials,
    optimisticMean: optimisticPoints.length ? optimisticPoints[0].mean : null,
  };
  const selBest = reads.bestPerClass(sweepId, selMetric, { ...opts, top: 1 });
  const repVals = reads.trialValues(
    selBest.map((b) => b.trialId),
    repMetric,
  );
  const optimistic = new Map(reads.bestPerClass(sweepId, metric, { ...opts, top: 1 }).map((b) => [b.class, b.value]));
  const perClass: HonestClassRow[] = selBest.map((b) => ({
    class: b.class,
    trialId: b.trialId,
    params: b.params,
    sel: b.value,
    rep: repVals.get(b.trialId) ?? null,
    optimistic: optimistic.get(b.class) ?? null,
  }));
  return {
    metric,
    selMetric,
    repMetric,
    mean,
    perClass,
    perClassRepMean: meanOf(perClass.map((r) => r.rep).filter((v): v is number => v !== null)),
    perClassOptimisticMean: meanOf(perClass.map((r) => r.optimistic).filter((v): v is number => v !== null)),
  };
}
