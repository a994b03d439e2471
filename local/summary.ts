/**
 * The end of `wepadim run`: the leaderboard (class-mean image AUROC, with pixel AUROC beside it), each
 * class's best trial, the honest (selection/report) numbers when the sweep used them, and where the
 * artifacts are. Everything comes from the store's final metrics through coordinator/report.
 */
import { buildLeaderboard, type Leaderboard } from '../coordinator/report/leaderboard.js';
import type { FailureReason, StoreReads } from '../coordinator/store/reads/index.js';
import { METRIC } from '../shared/result.js';
import { shortKey } from '../shared/trial.js';
import { renderTable, type Row } from '../shared/table.js';
import { randomWeightsBanner } from '../shared/weights-notice.js';
import { randomWeightsOf } from '../coordinator/report/weights-notice.js';
import { buildWinnerMaps, renderWinnerMaps, type WinnerMaps } from './maps-summary.js';

export interface RunReport {
  image: Leaderboard | null;
  perClass: Leaderboard | null;
  /** pixel AUROC class mean of each of the top image points (same order) */
  pixelOfTop: (number | null)[];
  /** random-init weights specs used by the sweep (scores not comparable with published numbers) */
  randomWeights: string[];
  /** the distinct errors of the failed trials, with counts (most frequent first) */
  failureReasons: FailureReason[];
  /** the per-class winners' (and requested) anomaly maps stored at the coordinator */
  maps: WinnerMaps[];
}

/** `dbDir`: the database's folder (stored artifacts' paths are relative to it) */
export function buildRunReport(reads: StoreReads, sweep: string, dbDir: string, top = 5): RunReport {
  const sweepId = reads.sweepId(sweep);
  const maps = buildWinnerMaps(reads, sweepId, dbDir);
  const randomWeights = randomWeightsOf(reads, sweep);
  const counts = reads.statusCounts(sweepId);
  const failureReasons = counts.failed ? reads.failureReasons(sweepId) : [];
  if (counts.done === 0) return { image: null, perClass: null, pixelOfTop: [], randomWeights, failureReasons, maps };
  const image = buildLeaderboard(reads, { sweep, metric: METRIC.imageAuroc, mode: 'mean', top });
  const perClass = buildLeaderboard(reads, { sweep, metric: METRIC.imageAuroc, mode: 'per-class', top: 1 });
  const pixelOfTop = image.points.map((p) => {
    const vs = reads
      .pointClassValues(sweepId, p.point, METRIC.pixelAuroc)
      .map((v) => v.value)
      .filter((v): v is number => v !== null);
    return vs.length ? vs.reduce((a, v) => a + v, 0) / vs.length : null;
  });
  return { image, perClass, pixelOfTop, randomWeights, failureReasons, maps };
}

/** Why trials failed: each distinct error once, with how many trials ended on it. */
export function renderFailureReasons(reasons: readonly FailureReason[]): string {
  if (!reasons.length) return '';
  const n = reasons.reduce((a, r) => a + r.trials, 0);
  const lines = [`Why ${n} trial(s) failed (${reasons.length} distinct error(s), by each trial's last error):`];
  for (const r of reasons)
    lines.push(`  ${String(r.trials).padStart(5)} x ${r.error.split('\n').join('\n          ')}`);
  return lines.join('\n');
}

/** `dbPath`: the run's database, named in the command that fetches the winners' maps */
export function renderRunReport(r: RunReport, artifactsDir: string, dbPath?: string): string {
  const why = renderFailureReasons(r.failureReasons);
  if (!r.image) return `${why ? why + '\n\n' : ''}no finished trials yet; artifacts: ${artifactsDir}`;
  const vary = r.image.varying.length ? r.image.varying : ['wavelet', 'level', 'sigma', 'cov_reg'];
  const rows: Row[] = r.image.points.map((p, i) => ({
    rank: p.rank,
    image_auroc: p.mean,
    pixel_auroc: r.pixelOfTop[i] ?? null,
    classes: `${p.classes}/${p.trials}`,
    ...Object.fromEntries(vary.map((k) => [k, cellOf(p.params[k])])),
  }));
  const out = [
    ...(r.randomWeights.length ? [randomWeightsBanner(r.randomWeights)] : []),
    `Leaderboard of ${r.image.sweep}: class-mean image AUROC (${r.image.completePoints}/${r.image.totalPoints} points complete)`,
    renderTable(rows),
  ];
  const best = r.perClass?.perClass;
  if (best) {
    out.push('', `Best per class (mean of bests ${best.meanOfBest.toFixed(4)})`);
    out.push(
      renderTable(
        best.entries.map((e) => ({
          class: e.class,
          image_auroc: e.value,
          trial: shortKey(e.key),
          ...Object.fromEntries(vary.map((k) => [k, cellOf(e.params[k])])),
        })),
      ),
    );
  }
  const h = r.image.honest;
  if (h) {
    const f = (v: number | null): string => (v === null ? '-' : v.toFixed(4));
    out.push(
      '',
      `Honest selection (chosen on ${h.selMetric}, reported on ${h.repMetric}):`,
      `  one config for all classes: sel ${f(h.mean.selMean)}  rep ${f(h.mean.repMean)}  (optimistic ${f(h.mean.optimisticMean)})`,
      `  per-class configs:          rep ${f(h.perClassRepMean)}  (optimistic ${f(h.perClassOptimisticMean)})`,
    );
  }
  if (why) out.push('', why);
  const maps = renderWinnerMaps(r.maps, dbPath);
  if (maps) out.push('', maps);
  out.push('', `Worker-side artifacts: ${artifactsDir}`);
  if (r.randomWeights.length)
    out.push('', `(scores above come from ${r.randomWeights.join(', ')}: NOT comparable with published numbers)`);
  return out.join('\n');
}

function cellOf(v: unknown): string | number {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join('+');
  return JSON.stringify(v);
}
