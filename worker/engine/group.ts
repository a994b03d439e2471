/**
 * The group evaluator: every variant of one DWT configuration on one class, computing shared stages once.
 * DWT blocks are shared by all variants; per-subband centred Grams and test cross-terms are shared by every
 * subband subset (a subset sums them); cov_reg only changes the N x N solve; sigma only the smoothing.
 * A variant's numbers do not depend on which other variants run with it (same kernels, same summation order).
 */
import { canonicalSubbands, SUBBANDS, type Subband } from '../../shared/subbands.js';
import { blockShapes, subbandBlocks } from './embedding.js';
import { groupBytes } from './group-memory.js';
import type { FeatureBatch } from './feature-batch.js';
import type { ClassTaps } from './tap-source.js';
import {
  addBlockCross,
  addBlockGram,
  addBlockStats,
  centered,
  directDistances,
  factorWoodbury,
  positionMean,
  scoreWoodbury,
  type PositionMajor,
} from './gaussian.js';
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

const now = (): number => performance.now() / 1000;

interface BlockData {
  /** centred train / test features; dropped once the block's Gram terms exist unless a direct solve needs them */
  xc?: PositionMajor;
  z?: PositionMajor;
  gram?: Float64Array;
  cross?: Float64Array;
  sqn?: Float64Array;
}

interface GridMeta {
  h: number;
  w: number;
  n: number;
  t: number;
  channels: Record<Subband, number>;
}

/**
 * Shared per-group state, filled lazily. Memory is released as soon as it is no longer needed:
 * the float32 blocks once centred, the centred features once the Gram terms exist (unless `directBlocks` need them).
 */
class GroupState {
  private meta: GridMeta | null = null;
  private raw = new Map<Subband, { train: FeatureBatch; test: FeatureBatch }>();
  private blocks = new Map<Subband, BlockData>();
  dwtSeconds = 0;
  dwtCpuSeconds = 0;
  /** one block at a time: each block's DWT is computed when it is first needed and released after its stats */
  lazy = false;
  constructor(
    private readonly features: ClassTaps,
    private readonly dwt: DwtConfig,
    private readonly directBlocks: ReadonlySet<Subband>,
    /** the blocks some variant of the group uses (only these are computed) */
    private readonly needed: readonly Subband[],
    /** per block, how many distinct distance computations (subset, cov_reg) use it: single-use Grams are not kept */
    private readonly uses: ReadonlyMap<Subband, number>,
    private readonly cpu: () => number = () => 0,
    /** the most bytes the group may hold at once (./group-memory.ts: blocks and kept terms), else one block at a time */
    private readonly maxBlockBytes = Infinity,
  ) {}

  grid(): GridMeta {
    if (!this.meta && Number.isFinite(this.maxBlockBytes)) {
      const t0 = now();
      const c0 = this.cpu();
      const s = blockShapes(this.features.train, this.dwt, this.needed);
      this.dwtSeconds += now() - t0;
      this.dwtCpuSeconds += this.cpu() - c0;
      const n = this.features.train[0].n;
      const t = this.features.test[0].n;
      const channels = {} as Record<Subband, number>;
      for (const b of this.needed) channels[b] = s.channels[b] ?? 0;
      const shape = { n, t, p: s.h * s.w, channels, needed: this.needed, direct: this.directBlocks, uses: this.uses };
      const bytes = groupBytes(shape).allBlocks;
      if (bytes > this.maxBlockBytes) {
        this.lazy = true;
        this.meta = { h: s.h, w: s.w, n, t, channels };
      }
    }
    if (!this.meta) {
      const t0 = now();
      const c0 = this.cpu();
      const train = subbandBlocks(this.features.train, this.dwt, this.needed);
      const test = subbandBlocks(this.features.test, this.dwt, this.needed);
      this.dwtSeconds += now() - t0;
      this.dwtCpuSeconds += this.cpu() - c0;
      const channels = {} as Record<Subband, number>;
      for (const b of this.needed) {
        const tr = train.blocks[b];
        const te = test.blocks[b];
        if (!tr || !te) throw new Error(`internal: block ${b} was not computed`);
        this.raw.set(b, { train: tr, test: te });
        channels[b] = tr.c;
      }
      this.meta = { h: train.h, w: train.w, n: train.n, t: test.n, channels };
    }
    return this.meta;
  }

  /** In one-block-at-a-time mode, the DWT of block b alone (the same numbers: every band comes from the same transform). */
  private ensureRaw(b: Subband): void {
    if (!this.lazy || this.raw.has(b)) return;
    const t0 = now();
    const c0 = this.cpu();
    const train = subbandBlocks(this.features.train, this.dwt, [b]).blocks[b];
    const test = subbandBlocks(this.features.test, this.dwt, [b]).blocks[b];
    this.dwtSeconds += now() - t0;
    this.dwtCpuSeconds += this.cpu() - c0;
    if (!train || !test) throw new Error(`internal: block ${b} was not computed`);
    this.raw.set(b, { train, test });
  }

  /** Centred features of one block (for the direct path, or before the Gram terms). */
  centred(b: Subband): { xc: PositionMajor; z: PositionMajor } {
    this.grid();
    let d = this.blocks.get(b);
    if (!d) {
      d = {};
      this.blocks.set(b, d);
    }
    if (!d.xc || !d.z) {
      this.ensureRaw(b);
      const raw = this.raw.get(b);
      if (!raw) throw new Error(`internal: block ${b} was released`);
      const mean = positionMean(raw.train);
      d.xc = centered(raw.train, mean);
      d.z = centered(raw.test, mean);
      this.raw.delete(b); // direct blocks keep xc/z instead
    }
    return { xc: d.xc, z: d.z };
  }

  /** Gram, cross terms and squared norms of one block (computed once). */
  stats(b: Subband): { gram: Float64Array; cross: Float64Array; sqn: Float64Array } {
    const existing = this.blocks.get(b);
    if (existing?.gram && existing.cross && existing.sqn)
      return { gram: existing.gram, cross: existing.cross, sqn: existing.sqn };
    const { n, t, h, w } = this.grid();
    const p = h * w;
    const d: BlockData = existing ?? {};
    this.blocks.set(b, d);
    d.gram = new Float64Array(p * n * n);
    d.cross = new Float64Array(p * t * n);
    d.sqn = new Float64Array(p * t);
    if (!this.directBlocks.has(b)) this.ensureRaw(b);
    const raw = this.raw.get(b);
    if (!this.directBlocks.has(b) && raw) {
      // centred a few positions at a time: the block's float64 centred copy is never held
      addBlockStats(raw.train, raw.test, d.gram, d.cross, d.sqn);
      this.raw.delete(b);
    } else {
      const { xc, z } = this.centred(b);
      addBlockGram(xc, d.gram);
      addBlockCross(xc, z, d.cross, d.sqn);
    }
    return { gram: d.gram, cross: d.cross, sqn: d.sqn };
  }

  /**
   * Add block b's Gram, cross terms and squared norms into the sums. A block that no other distance computation
   * needs goes straight into the sums (addDots adds complete dot products, so the sums are bit-identical to adding
   * a kept block Gram) and its per-block terms are never held.
   */
  addStatsInto(b: Subband, gram: Float64Array, cross: Float64Array, sqn: Float64Array): void {
    if (!this.blocks.get(b)?.gram && !this.directBlocks.has(b)) this.ensureRaw(b);
    const raw = this.raw.get(b);
    if (raw && !this.blocks.get(b)?.gram && !this.directBlocks.has(b) && (this.uses.get(b) ?? 0) <= 1) {
      addBlockStats(raw.train, raw.test, gram, cross, sqn);
      this.raw.delete(b);
      return;
    }
    const st = this.stats(b);
    for (let i = 0; i < gram.length; i++) gram[i] += st.gram[i];
    for (let i = 0; i < cross.length; i++) cross[i] += st.cross[i];
    for (let i = 0; i < sqn.length; i++) sqn[i] += st.sqn[i];
  }

  channels(s: readonly Subband[]): number {
    const { channels } = this.grid();
    return s.reduce((acc, b) => acc + channels[b], 0);
  }
}

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
  let shared = new GroupState(features, dwt, direct, needed, uses, cpu, maxBlockBytes);
  let dwtSeconds = 0;
  let dwtCpuSeconds = 0;
  let cachedDist: { key: string; dist: Float64Array; h: number; w: number } | null = null;
  const across = sharing ? opts.distanceCache : undefined;
  const dwtTag = `${dwt.wavelet}|${dwt.level}|${dwt.mode}|${dwt.align}|${opts.method ?? 'auto'}`;
  let cachedMaps: { key: string; maps: Float32Array } | null = null;
  const outcomes: VariantOutcome[] = new Array<VariantOutcome>(variants.length);

  for (const i of order) {
    opts.signal?.throwIfAborted();
    const v = variants[i];
    if (!sharing) {
      dwtSeconds += shared.dwtSeconds;
      dwtCpuSeconds += shared.dwtCpuSeconds;
      shared = new GroupState(features, dwt, direct, subsetOf(v), usesOf([v]), cpu, maxBlockBytes); // alone: only this variant's blocks
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
        ...(shared.lazy ? { blockwise: true } : {}),
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
  dwtSeconds += shared.dwtSeconds;
  return { outcomes, timings: { dwt_s: dwtSeconds } };
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
