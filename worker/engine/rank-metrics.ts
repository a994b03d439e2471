/**
 * Pixel AUROC, F1-max and AUPRO in one walk over the sorted pixels (the per-variant hot path of scoreMaps).
 * The same numbers, bit for bit, as curveFromSorted + rocAucFromCurve + f1FromCurve + auproFromSorted: the same
 * curve points (one per group of tied scores), the same arithmetic in the same order; only the curve arrays are
 * never materialised. drop_intermediate needs one point of look-ahead, and its normalisation (the last point) is the
 * total of negatives and positives, known from the masks before the walk.
 */
import { ShapeError } from '../../shared/errors.js';
import type { RegionCodes } from './aupro.js';
import { pairwiseSum } from './metrics.js';
import { keyToFloat, type SortedScores } from './sort.js';

export interface RankMetrics {
  pixelAuroc: number;
  f1: number;
  f1Threshold: number;
  aupro: number;
}

/**
 * `sorted` carries the region code in its low `labelBits` payload bits (0 = normal pixel); `terms` holds at least
 * one float64 per curve point (the trapezoid terms, summed pairwise as numpy does).
 */
export function rankMetrics(sorted: SortedScores, rc: RegionCodes, labelBits: number, terms: Float64Array, fprLimit = 0.3): RankMetrics {
  const { keys, payload } = sorted;
  const n = keys.length;
  const negatives = rc.normalPixels;
  const positives = n - negatives;
  if (!(positives > 0) || !(negatives > 0)) throw new ShapeError('F1 needs both positive and negative samples', { positives, negatives });
  if (!(fprLimit > 0 && fprLimit <= 1)) throw new ShapeError('AUPRO FPR limit must be in (0, 1]', { fprLimit });
  if (terms.length < n) throw new ShapeError('AUROC term buffer is too small', { terms: terms.length, samples: n });
  const mask = labelBits >= 32 ? 0xffffffff : (1 << labelBits) - 1;
  const { weight } = rc;
  const fLast = negatives;
  const tLast = positives;
  let fp = 0;
  let tp = 0;
  // ROC: the last two points seen (i-1 = "a", i = "b", pending its keep decision) and the last kept point
  let m = 0;
  let fa = 0, ta = 0, fb = 0, tb = 0;
  let k = 0;
  let fPrev = 0;
  let tPrev = 0;
  // F1
  let best = -1;
  let thr = Number.NaN;
  let f1Open = true;
  // AUPRO
  let pro = 0;
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  let proOpen = true;
  for (let r = 0; r < n; r++) {
    const g = payload[r] & mask;
    if (g === 0) fp++;
    else {
      tp++;
      if (proOpen) pro += weight[g];
    }
    if (r < n - 1 && keys[r + 1] === keys[r]) continue;
    // a curve point (fp, tp) at this group's score
    if (m >= 1) {
      // decide for the pending point b (index m-1): the ends are kept, else a non-zero second difference
      if (m - 1 === 0 || fp - 2 * fb + fa !== 0 || tp - 2 * tb + ta !== 0) {
        const f = fb / fLast;
        const t = tb / tLast;
        terms[k++] = ((f - fPrev) * (t + tPrev)) / 2.0;
        fPrev = f;
        tPrev = t;
      }
    }
    fa = fb;
    ta = tb;
    fb = fp;
    tb = tp;
    m++;
    if (f1Open) {
      const precision = tp / (tp + fp);
      const recall = tp / positives;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      if (f1 >= best) {
        best = f1;
        thr = keyToFloat(keys[r]);
      }
      if (tp === positives) f1Open = false; // sklearn stops at full recall
    }
    if (proOpen) {
      let x1 = Math.min(fp / negatives, 1);
      let y1 = Math.min(pro, 1);
      if (x1 > fprLimit) {
        y1 = y0 + ((y1 - y0) * (fprLimit - x0)) / (x1 - x0);
        x1 = fprLimit;
      }
      area += ((x1 - x0) * (y0 + y1)) / 2;
      x0 = x1;
      y0 = y1;
      if (x0 >= fprLimit) proOpen = false;
    }
  }
  // the last point is always kept
  const f = fb / fLast;
  const t = tb / tLast;
  terms[k++] = ((f - fPrev) * (t + tPrev)) / 2.0;
  return { pixelAuroc: pairwiseSum(terms, 0, k), f1: best, f1Threshold: thr, aupro: area / fprLimit };
}
