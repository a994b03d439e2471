/** Configuration and result types of the engine (the public contract of worker/engine/index.ts). */
import type { Subband } from '../../shared/subbands.js';
import type { Align, DistanceKind, SmoothingKind } from '../../shared/trial.js';
import type { DwtMode, Wavelet } from '../../shared/wavelets.js';
import type { FeatureBatch } from './feature-batch.js';

export type { Align, DistanceKind, SmoothingKind, Subband, DwtMode, Wavelet };

/** Crop size of the test images: maps and masks are CROP x CROP (spec 2.3-2.4). */
export const CROP = 224;

/** What determines the DWT embedding blocks (shared by every variant of a group). */
export interface DwtConfig {
  wavelet: Wavelet;
  level: number;
  mode: DwtMode;
  align: Align;
}

/** What varies cheaply on top of the DWT blocks. */
export interface VariantConfig {
  subbands: Subband[];
  cov_reg: number;
  sigma: number;
  distance: DistanceKind;
  smoothing: SmoothingKind;
}

/** A named part of the test set (e.g. the 'sel' and 'rep' halves of an honest split). */
export interface EvalSubset {
  name: string;
  indices: Uint32Array;
}

/** CNN features of one class: one FeatureBatch per backbone tap, in hook order. */
export interface ClassFeatures {
  train: FeatureBatch[];
  test: FeatureBatch[];
}

export interface TestTruth {
  labels: Uint8Array;
  /** n * CROP * CROP, values 0/1 */
  masks: Uint8Array;
  /** per test image, 'good' for normal ones */
  defects: string[];
}

export interface VariantMetrics {
  image_auroc: number;
  pixel_auroc: number;
  aupro: number;
  f1_max: number;
  f1_threshold: number;
  per_defect: Record<string, number>;
  subsets: Record<string, { image_auroc: number; pixel_auroc: number }>;
}

export interface VariantTimings {
  fit_s: number;
  score_s: number;
  metrics_s: number;
  /** the DWT seconds of the group when this variant was done (the group's total for its last variant) */
  dwt_s: number;
  /** fit_s split: Gram and cross products (gram_s) and the solves (solve_s; the direct path counts here whole) */
  gram_s?: number;
  solve_s?: number;
  /**
   * set when the group held its DWT blocks one at a time (GroupOptions.maxBlockBytes): 'spill' when they were read
   * back from GroupOptions.spillDir (one DWT), 'dwt' when each block's DWT was computed on its own
   */
  blockwise?: 'spill' | 'dwt';
  /** the same phases in CPU-seconds of the computing thread, when GroupOptions.cpuClock is given */
  cpu?: { dwt_s: number; gram_s: number; solve_s: number; score_s: number; metrics_s: number };
}

export interface VariantOutcome {
  metrics: VariantMetrics;
  imageScores: Float32Array;
  /** n * CROP * CROP smoothed maps, when requested by keepMaps */
  maps: Float32Array | null;
  timings: VariantTimings;
}

export interface CachedDistances {
  /** squared distances, t * h * w */
  dist: Float64Array;
  h: number;
  w: number;
}

export interface GroupTimings {
  dwt_s: number;
}

/** How the Gaussian model is solved: 'auto' = Woodbury when D > N, direct D x D otherwise. */
export type GaussianMethod = 'auto' | 'woodbury' | 'direct';

export interface GroupOptions {
  subsets?: EvalSubset[];
  keepMaps?: (variantIndex: number) => boolean;
  onVariantDone?: (i: number, o: VariantOutcome) => void;
  signal?: AbortSignal;
  /** false: recompute every stage per variant (the benchmark's baseline). Default true. */
  sharing?: boolean;
  /** default 'auto' */
  method?: GaussianMethod;
  /**
   * Distances computed for the same class features, kept across calls by the caller (keyed by DWT, method, subset
   * and cov_reg): a later call that needs them (e.g. recomputing one trial's maps for its artifacts) skips the DWT,
   * the Gram products and the solves. The values are the arrays the first call computed, so the results are the same.
   * Only used when sharing.
   */
  distanceCache?: Map<string, CachedDistances>;
  /**
   * Memory cap for the group (its float32 DWT blocks and the terms kept beside them, ./group-memory.ts): above it
   * the blocks are held one at a time (read back from `spillDir`, or each block's DWT when first needed), released
   * after their Gram terms. The numbers are the same either way. Default: no cap.
   */
  maxBlockBytes?: number;
  /**
   * A directory on disk (not tmpfs) for the blocks of a group over maxBlockBytes: one DWT writes them to unlinked
   * files, read back a block at a time. Without it (or when writing fails) each block's DWT is computed on its own.
   */
  spillDir?: string;
  /** CPU-seconds of the computing thread (e.g. from /proc/thread-self/stat): adds `timings.cpu` to each outcome */
  cpuClock?: () => number;
}
