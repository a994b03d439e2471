/** All metrics of one variant from its smoothed maps (n x CROP x CROP) and the test truth. */
import { ShapeError } from '../../shared/errors.js';
import { regionCodes, type RegionCodes } from './aupro.js';
import { curveFromSorted, perDefectAuroc, rocAuc, rocAucFromCurve } from './sklearn-metrics.js';
import { mergedRankMetrics, rankMetrics, type RankMetrics } from './pixel-metrics-one-pass.js';
import { SortBuffers, sortByScoreDesc, type SortedScores } from './sort.js';
import { SplitSortBuffers, splitLabels, splitSortByScoreDesc, type SplitLabels } from './split-sort.js';
import type { MapScan } from './upsample-smooth.js';
import { CROP, type EvalSubset, type TestTruth, type VariantMetrics } from './types.js';

/** Image score = max of each map (spec 7.4). */
export function imageMax(maps: Float32Array, n: number, size: number): Float32Array {
  return scanMaps(maps, n, size).imageScores;
}

/** One read of the maps: each map's maximum (the image scores) and the range of all scores; NaN is rejected. */
export function scanMaps(
  maps: Float32Array,
  n: number,
  size: number,
): { imageScores: Float32Array; min: number; max: number } {
  const imageScores = new Float32Array(n);
  const hw = size * size;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    let hi = -Infinity;
    let lo = Infinity;
    let nan = false;
    for (let j = i * hw; j < (i + 1) * hw; j++) {
      const v = maps[j];
      if (v > hi) hi = v;
      if (v < lo) lo = v;
      nan ||= v !== v;
    }
    if (nan)
      throw new ShapeError('NaN in scores', {
        index: maps.subarray(i * hw, (i + 1) * hw).findIndex((v) => v !== v) + i * hw,
        length: maps.length,
      });
    imageScores[i] = hi;
    if (hi > max) max = hi;
    if (lo < min) min = lo;
  }
  return { imageScores, min, max };
}

const LABEL_BITS = 20;

/**
 * Region codes, packed with the image index above LABEL_BITS when both fit in 32 bits, and the ranking buffers
 * that every variant of a group reuses (created at the first scoreMaps; one scoreMaps at a time per PixelTruth).
 */
export interface PixelTruth {
  rc: RegionCodes;
  packed: Uint32Array;
  labelBits: number;
  /** the negatives' runs and the positives with their packed payloads, for the label-split sort */
  labels: SplitLabels;
  /** ranking buffers, made at the first scoreMaps: AUROC terms, and the sort of the path in use */
  terms?: Float64Array;
  sort?: SortBuffers;
  splitSort?: SplitSortBuffers;
}

/** The last masks seen and their truth (without buffers): the leases of one class share their test masks. */
let lastTruth: { masks: Uint8Array; n: number; pt: PixelTruth } | null = null;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))
  );
}

/**
 * Depends only on the masks: the group evaluator computes it once per call and passes it to every variant. The
 * last result is kept (compared byte for byte with the next masks); every call gets its own ranking buffers.
 */
export function pixelTruth(masks: Uint8Array, n: number): PixelTruth {
  if (lastTruth && lastTruth.n === n && sameBytes(lastTruth.masks, masks)) return { ...lastTruth.pt };
  const rc = regionCodes(masks, n, CROP, CROP);
  const hw = CROP * CROP;
  const fits = rc.regions < 1 << LABEL_BITS && n <= 1 << (32 - LABEL_BITS);
  const packed = fits ? new Uint32Array(rc.codes.length) : rc.codes;
  if (fits)
    for (let i = 0; i < packed.length; i++) packed[i] = ((Math.floor(i / hw) << LABEL_BITS) | rc.codes[i]) >>> 0;
  const pt: PixelTruth = { rc, packed, labelBits: fits ? LABEL_BITS : 32, labels: splitLabels(rc.codes, packed) };
  lastTruth = { masks: masks.slice(), n, pt };
  return { ...pt };
}

/**
 * Pixel AUROC, F1 and AUPRO of one variant. Without subsets: the label-split sort (normal pixels as bare keys) and
 * its merge walk. With subsets: one sort of all pixels with their packed payloads, which the subsets' curves reuse.
 */
function rankAll(
  maps: Float32Array,
  pt: PixelTruth,
  needPayloads: boolean,
  range: { min: number; max: number },
): { ranked: RankMetrics; sorted: SortedScores | null } {
  const terms = (pt.terms ??= new Float64Array(pt.packed.length));
  if (!needPayloads) {
    pt.splitSort ??= new SplitSortBuffers(pt.labels.negatives, pt.labels.posIndex.length);
    const split = splitSortByScoreDesc(maps, pt.labels, pt.splitSort, range);
    return { ranked: mergedRankMetrics(split, pt.rc, pt.labelBits, terms), sorted: null };
  }
  pt.sort ??= new SortBuffers(pt.packed.length);
  const sorted = sortByScoreDesc(maps, pt.packed, pt.sort);
  return { ranked: rankMetrics(sorted, pt.rc, pt.labelBits, terms), sorted };
}

function withSubsetName<T>(name: string, k: number, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ShapeError) throw new ShapeError(`test subset '${name}': ${e.message}`, { ...e.sizes, images: k });
    throw e;
  }
}

/** Pixel AUROC of a subset of images by gathering its pixels (used when the payload cannot carry image indices). */
function gatheredPixelAuroc(maps: Float32Array, masks: Uint8Array, indices: Uint32Array): number {
  const hw = CROP * CROP;
  const px = new Float32Array(indices.length * hw);
  const pl = new Uint8Array(indices.length * hw);
  indices.forEach((img, j) => {
    px.set(maps.subarray(img * hw, (img + 1) * hw), j * hw);
    pl.set(masks.subarray(img * hw, (img + 1) * hw), j * hw);
  });
  return rocAuc(pl, px);
}

/** `scan`: the maps' maxima and range when the caller has them (upsampleSmoothScan), else one pass finds them. */
export function scoreMaps(
  maps: Float32Array,
  truth: TestTruth,
  n: number,
  subsets: readonly EvalSubset[],
  pt: PixelTruth = pixelTruth(truth.masks, n),
  given?: MapScan,
): { metrics: VariantMetrics; imageScores: Float32Array } {
  if (given && given.nanAt >= 0) throw new ShapeError('NaN in scores', { index: given.nanAt, length: maps.length });
  const scan = given ?? scanMaps(maps, n, CROP);
  const imageScores = scan.imageScores;
  const { ranked, sorted } = rankAll(maps, pt, subsets.length > 0 && pt.labelBits < 32, scan);
  const sub: VariantMetrics['subsets'] = {};
  for (const s of subsets) {
    sub[s.name] = withSubsetName(s.name, s.indices.length, () => {
      const include = new Uint8Array(n);
      for (const img of s.indices) include[img] = 1;
      return {
        image_auroc: rocAuc(
          Uint8Array.from(s.indices, (img) => truth.labels[img]),
          Float32Array.from(s.indices, (img) => imageScores[img]),
        ),
        pixel_auroc:
          sorted !== null
            ? rocAucFromCurve(curveFromSorted(sorted, { labelBits: pt.labelBits, include }))
            : gatheredPixelAuroc(maps, truth.masks, s.indices),
      };
    });
  }
  return {
    imageScores,
    metrics: {
      image_auroc: rocAuc(truth.labels, imageScores),
      pixel_auroc: ranked.pixelAuroc,
      aupro: ranked.aupro,
      f1_max: ranked.f1,
      f1_threshold: ranked.f1Threshold,
      per_defect: perDefectAuroc(truth.defects, imageScores),
      subsets: sub,
    },
  };
}
