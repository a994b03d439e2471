/**
 * The group evaluator: every variant of one DWT configuration on one class, computing shared stages once.
 * DWT blocks are shared by all variants; per-subband centred Grams and test cross-terms are shared by every
 * subband subset (a subset sums them); cov_reg only changes the N x N solve; sigma only the smoothing.
 * A variant's numbers do not depend on which other variants run with it (same kernels, same summation order).
 */
import { canonicalSubbands, SUBBANDS, type Subband } from '../../shared/subbands.js';
import type { ClassTaps } from './tap-source.js';
import { directDistances, factorWoodbury, scoreWoodbury } from './gaussian.js';
import { GroupState, now } from './group-state.js';
import { pixelTruth, scoreMaps } from './variant-metrics.js';
import { upsampleSmoothScan } from './upsample-smooth.js';
import {
  CROP,
  type CachedDistances,
  type DwtConfig,
  type GroupOptions,
  type GroupTimings,
  type TestTruth,
  type VariantConfig,
  type VariantOutcome,
} from './types.js';
import { validateFeatures, validateSubsets, validateTruth, validateVariant } from './validate.js';

function subsetOf(v: VariantConfig): Subband[] {
  const s = canonicalSubbands(v.subbands);
  return s.length === 0 ? ['LL'] : s;
}

function usesDirect(D: number, n: number, method: GroupOptions['method']): boolean {
  const m = method ?? 'auto';
  return m === 'direct' || (m === 'auto' && D <= n);
}

/** Blocks that some variant solves with the direct path (their centred features must be kept). */
function directBlocksOf(
  features: ClassTaps,
  dwt: DwtConfig,
  variants: VariantConfig[],
  opts: GroupOptions,
): Set<Subband> {
  const out = new Set<Subband>();
  const method = opts.method ?? 'auto';
  if (method === 'woodbury') return out;
  const n = features.train[0].n;
  // channel counts per block without computing the DWT: every block has (levels or 1) x sum(C) channels
  const sumC = features.train.reduce((acc, b) => acc + b.c, 0);
  const perBlock = (b: Subband): number => (b === 'LL' ? sumC : dwt.level * sumC);
  for (const v of variants) {
    const s = subsetOf(v);
    if (
      usesDirect(
        s.reduce((acc, b) => acc + perBlock(b), 0),
        n,
        method,
      )
    )
      for (const b of s) out.add(b);
  }
  return out;
}

/**
 * Squared distances (t*p + q) for one subset and cov_reg; Woodbury when D > N unless forced. `gramDone` is called
 * between the Gram/cross products and the solves (timing only).
 */
function distances(
  state: GroupState,
  subset: Subband[],
  covReg: number,
  opts: GroupOptions,
  gramDone: () => void,
): Float64Array {
  const { n, t, h, w } = state.grid();
  const p = h * w;
  const D = state.channels(subset);
  if (usesDirect(D, n, opts.method)) {
    const blocks = subset.map((b) => state.centred(b));
    gramDone();
    return directDistances(
      blocks.map((b) => b.xc),
      blocks.map((b) => b.z),
      covReg,
      opts.signal,
    );
  }
  const gram = new Float64Array(p * n * n);
  const cross = new Float64Array(p * t * n);
  const sqn = new Float64Array(p * t);
  for (const b of subset) state.addStatsInto(b, gram, cross, sqn);
  gramDone();
  return scoreWoodbury(factorWoodbury(gram, n, p, covReg, opts.signal, gram), cross, sqn, t); // factors replace the summed Grams
}

/** Distances (t*p) -> (sqrt) -> float32 grid maps (spec 7.1). */
function gridMaps(dist: Float64Array, v: VariantConfig): Float32Array {
  const m = new Float32Array(dist.length);
  for (let i = 0; i < dist.length; i++) m[i] = v.distance === 'sqrt' ? Math.sqrt(Math.max(dist[i], 0)) : dist[i];
  return m;
}

export function evaluateDwtGroup(
  features: ClassTaps,
  truth: TestTruth,
  dwt: DwtConfig,
  variants: VariantConfig[],
  opts: GroupOptions = {},
): { outcomes: VariantOutcome[]; timings: GroupTimings } {
  validateFeatures(features);
  const T = features.test[0].n;
  validateTruth(truth, T);
  variants.forEach(validateVariant);
  const subsets = opts.subsets ?? [];
  validateSubsets(subsets, T);
  const sharing = opts.sharing ?? true;

  const keyOf = (v: VariantConfig): string => `${subsetOf(v).join('+')}|${v.cov_reg}`;
  const order = variants
    .map((_, i) => i)
    .sort((a, b) => {
      const ka = `${keyOf(variants[a])}|${variants[a].distance}`;
      const kb = `${keyOf(variants[b])}|${variants[b].distance}`;
      return ka < kb ? -1 : ka > kb ? 1 : a - b;
    });

  const direct = directBlocksOf(features, dwt, variants, opts);
  const needed = SUBBANDS.filter((b) => variants.some((v) => subsetOf(v).includes(b)));
  const usesOf = (vs: VariantConfig[]): Map<Subband, number> => {
    const m = new Map<Subband, number>();
    const keys = new Set(vs.map(keyOf));
    for (const k of keys) for (const b of k.split('|')[0].split('+') as Subband[]) m.set(b, (m.get(b) ?? 0) + 1);
    return m;
  };
  const uses = usesOf(variants);
  const truthPixels = variants.length > 0 ? pixelTruth(truth.masks, T) : null;
  const cpu = opts.cpuClock ?? ((): number => 0);
  const maxBlockBytes = opts.maxBlockBytes ?? Infinity;
  const spillDir = opts.spillDir;
  let shared = new GroupState(features, dwt, direct, needed, uses, cpu, maxBlockBytes, spillDir);
  let dwtSeconds = 0;
  let dwtCpuSeconds = 0;
  let cachedDist: { key: string; dist: Float64Array; h: number; w: number } | null = null;
  const across = sharing ? opts.distanceCache : undefined;
  const dwtTag = `${dwt.wavelet}|${dwt.level}|${dwt.mode}|${dwt.align}|${opts.method ?? 'auto'}`;
  let cachedMaps: { key: string; maps: Float32Array } | null = null;
  const outcomes: VariantOutcome[] = new Array<VariantOutcome>(variants.length);

  try {
    for (const i of order) evaluateOne(i);
  } finally {
    shared.release();
  }
  dwtSeconds += shared.dwtSeconds;
  return { outcomes, timings: { dwt_s: dwtSeconds } };

  function evaluateOne(i: number): void {
    opts.signal?.throwIfAborted();
    const v = variants[i];
    if (!sharing) {
      dwtSeconds += shared.dwtSeconds;
      dwtCpuSeconds += shared.dwtCpuSeconds;
      shared.release();
      shared = new GroupState(features, dwt, direct, subsetOf(v), usesOf([v]), cpu, maxBlockBytes, spillDir); // alone: only this variant's blocks
      cachedDist = null;
      cachedMaps = null;
    }
    const t0 = now();
    const c0 = cpu();
    const dwtBefore = shared.dwtSeconds;
    const dwtCpuBefore = shared.dwtCpuSeconds;
    const key = keyOf(v);
    let tg = -1;
    let cg = 0;
    if (!cachedDist || cachedDist.key !== key) {
      const gramDone = (): void => {
        tg = now();
        cg = cpu();
      };
      const hit: CachedDistances | undefined = across?.get(`${dwtTag}|${key}`);
      if (hit) {
        cachedDist = { key, ...hit };
      } else {
        const { h, w } = shared.grid();
        cachedDist = { key, dist: distances(shared, subsetOf(v), v.cov_reg, opts, gramDone), h, w };
        across?.set(`${dwtTag}|${key}`, { dist: cachedDist.dist, h, w });
      }
      cachedMaps = null;
    }
    const dist = cachedDist;
    const { h, w } = dist;
    const t1 = now();
    const c1 = cpu();
    if (tg < 0) {
      tg = t1;
      cg = c1;
    }
    const mapKey = `${key}|${v.distance}`;
    if (!cachedMaps || cachedMaps.key !== mapKey) cachedMaps = { key: mapKey, maps: gridMaps(cachedDist.dist, v) };
    // bilinear to CROP x CROP and smoothing, fused (spec 7.2-7.3)
    // a kept map gets its own array; the others stay in the smoothing's workspace (no 4 MB allocation per variant)
    const keep = opts.keepMaps?.(i) ?? false;
    const { maps, scan } = upsampleSmoothScan(
      cachedMaps.maps,
      T,
      h,
      w,
      CROP,
      v.smoothing,
      v.sigma,
      keep ? 'new' : 'workspace',
    );
    const t2 = now();
    const c2 = cpu();
    const { metrics, imageScores } = scoreMaps(maps, truth, T, subsets, truthPixels ?? undefined, scan);
    const t3 = now();
    const c3 = cpu();
    const dwtHere = shared.dwtSeconds - dwtBefore;
    const dwtCpuHere = shared.dwtCpuSeconds - dwtCpuBefore;
    const outcome: VariantOutcome = {
      metrics,
      imageScores,
      maps: keep ? maps : null,
      timings: {
        fit_s: t1 - t0 - dwtHere,
        score_s: t2 - t1,
        metrics_s: t3 - t2,
        dwt_s: dwtSeconds + shared.dwtSeconds,
        gram_s: tg - t0 - dwtHere,
        solve_s: t1 - tg,
        ...(shared.lazy ? { blockwise: shared.spilled ? 'spill' : 'dwt' } : {}),
        ...(opts.cpuClock
          ? {
              cpu: {
                dwt_s: dwtCpuSeconds + shared.dwtCpuSeconds,
                gram_s: cg - c0 - dwtCpuHere,
                solve_s: c1 - cg,
                score_s: c2 - c1,
                metrics_s: c3 - c2,
              },
            }
          : {}),
      },
    };
    outcomes[i] = outcome;
    opts.onVariantDone?.(i, outcome);
  }
}

/** One trial alone: the reference path (identical numbers to the same variant inside a group). */
export function evaluateTrial(
  features: ClassTaps,
  truth: TestTruth,
  dwt: DwtConfig,
  v: VariantConfig,
  opts: Omit<GroupOptions, 'keepMaps' | 'onVariantDone'> & { keepMaps?: boolean } = {},
): VariantOutcome {
  const { keepMaps, ...rest } = opts;
  return evaluateDwtGroup(features, truth, dwt, [v], { ...rest, keepMaps: () => keepMaps ?? false }).outcomes[0];
}
