/** Turn an engine outcome into a TrialResult: metric names of shared/result.ts, provenance, details. */
import { codeVersion } from '../../shared/version.js';
import { isRandomWeights, RANDOM_WEIGHTS_WARNING } from '../../shared/weights-notice.js';
import { METRIC, defectMetric, type ArtifactRef, type TrialResult } from '../../shared/result.js';
import type { SelectionSpec, TrialParams } from '../../shared/trial.js';
import type { ClassData } from './class-data.js';
import { classPeakRssMb } from './class-peak-rss.js';
import type { VariantOutcome } from '../engine/types.js';

export function selectionNames(s: SelectionSpec): { sel: string; rep: string } {
  return { sel: `sel:${s.holdout}:${s.seed}`, rep: `rep:${s.holdout}:${s.seed}` };
}

export function randomInitWarning(weights: string): string | null {
  return isRandomWeights(weights) ? `${RANDOM_WEIGHTS_WARNING} (${weights})` : null;
}

export interface ResultContext {
  params: TrialParams;
  cls: ClassData;
  dwt_s: number;
  /** how many trials shared the class features and the DWT in this lease */
  sharedWith: { features: number; dwt: number };
  artifacts: ArtifactRef[];
}

/**
 * Per-phase seconds (issue 14's accounting): wall and CPU. load/backbone are the class's (shared by
 * `shared_with.features` trials), dwt is the group's so far; the rest are this variant's own.
 */
function phases(o: VariantOutcome, ctx: ResultContext): { wall: Record<string, number>; cpu: Record<string, number> } {
  const t = ctx.cls.timings;
  const ot = o.timings;
  const wall = {
    load: t.load_s,
    backbone: t.backbone_s,
    dwt: ctx.dwt_s,
    gram: ot.gram_s ?? 0,
    solve: ot.solve_s ?? ot.fit_s,
    score: ot.score_s,
    metrics: ot.metrics_s,
  };
  const c = ot.cpu;
  const cpu: Record<string, number> = c
    ? {
        load: t.cpu_load_s ?? 0,
        backbone: t.cpu_backbone_s ?? 0,
        dwt: c.dwt_s,
        gram: c.gram_s,
        solve: c.solve_s,
        score: c.score_s,
        metrics: c.metrics_s,
      }
    : {};
  const round = (r: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v.toFixed(6))]));
  return { wall: round(wall), cpu: round(cpu) };
}

export function buildResult(o: VariantOutcome, ctx: ResultContext): TrialResult {
  const m = o.metrics;
  const t = ctx.cls.timings;
  const metrics: Record<string, number> = {
    [METRIC.imageAuroc]: m.image_auroc,
    [METRIC.pixelAuroc]: m.pixel_auroc,
    [METRIC.aupro]: m.aupro,
    [METRIC.f1Max]: m.f1_max,
    [METRIC.f1Threshold]: m.f1_threshold,
    [METRIC.timeLoad]: t.load_s,
    [METRIC.timeBackbone]: t.backbone_s,
    [METRIC.timeDwt]: ctx.dwt_s,
    [METRIC.timeFit]: o.timings.fit_s,
    [METRIC.timeScore]: o.timings.score_s,
    [METRIC.timeMetrics]: o.timings.metrics_s,
    [METRIC.timeTotal]: t.load_s + t.backbone_s + ctx.dwt_s + o.timings.fit_s + o.timings.score_s + o.timings.metrics_s,
    [METRIC.peakRssMb]: classPeakRssMb(),
  };
  for (const [d, v] of Object.entries(m.per_defect)) metrics[defectMetric(d)] = v;
  const sel = ctx.params.selection;
  const warnings: string[] = [];
  if (sel) {
    const names = selectionNames(sel);
    const s = m.subsets[names.sel];
    const r = m.subsets[names.rep];
    if (!s || !r) throw new Error(`engine returned no metrics for the selection subsets ${names.sel} / ${names.rep}`);
    // a part with images of one label only has no AUROC: leave its metrics out rather than fail the trial
    const put = (name: string, v: number): void => {
      if (Number.isNaN(v))
        warnings.push(`${name} is undefined (that part of the test set has a single label); omitted`);
      else metrics[name] = v;
    };
    put(METRIC.selImageAuroc, s.image_auroc);
    put(METRIC.selPixelAuroc, s.pixel_auroc);
    put(METRIC.repImageAuroc, r.image_auroc);
    put(METRIC.repPixelAuroc, r.pixel_auroc);
  }
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== 'number' || Number.isNaN(v)) throw new Error(`metric ${k} is not a number (${String(v)})`);
  }
  const ex = ctx.cls.extractor;
  const warning = randomInitWarning(ctx.params.weights);
  if (warning) warnings.unshift(warning);
  return {
    metrics,
    artifacts: ctx.artifacts,
    provenance: {
      code_version: codeVersion(),
      backend: ex.executor,
      device: `${ex.version} ${ex.device}`.trim(),
      weights: ex.weightsId,
      dataset_root: ctx.params.root,
      class: ctx.params.class,
    },
    details: {
      weights_id: ex.weightsId,
      n_train: ctx.cls.listing.train.length,
      n_test: ctx.cls.listing.test.length,
      cache: ctx.cls.cache,
      shared_with: ctx.sharedWith,
      phases_s: phases(o, ctx),
      ...(o.timings.blockwise ? { dwt_blockwise: o.timings.blockwise } : {}),
      ...(ctx.cls.taps.train === 'file' || ctx.cls.taps.test === 'file' ? { feature_taps: ctx.cls.taps } : {}),
      ...(warnings.length ? { warnings } : {}),
    },
  };
}
