/**
 * Pixel AUROC, F1-max and AUPRO in one walk over the sorted pixels (the per-variant hot path of scoreMaps).
 * The same numbers, bit for bit, as curveFromSorted + rocAucFromCurve + f1FromCurve + auproFromSorted: the same
 * curve points (one per group of tied scores), the same arithmetic in the same order; only the curve arrays are
 * never materialised. drop_intermediate needs one point of look-ahead, and its normalisation (the last point) is the
 * total of negatives and positives, known from the masks before the walk.
 */
import { ShapeError } from '../../shared/errors.js';
import type { RegionCodes } from './aupro.js';
import { pairwiseSum } from './sklearn-metrics.js';
import { keyToFloat, type SortedScores } from './sort.js';
import type { SplitSorted } from './split-sort.js';

export interface RankMetrics {
  pixelAuroc: number;
  f1: number;
  f1Threshold: number;
  aupro: number;
}

/** The curve walk shared by both drivers: one call per curve point, in descending score order. */
class CurveWalk {
  // ROC: the last two points seen (a = i-1, b = i, pending its keep decision) and the last kept point
  private m = 0;
  private fa = 0;
  private ta = 0;
  private fb = 0;
  private tb = 0;
  private k = 0;
  private fPrev = 0;
  private tPrev = 0;
  // F1
  private best = -1;
  private thr = Number.NaN;
  private f1Open = true;
  // AUPRO: while open, the driver adds the weight of every positive pixel to `pro`
  pro = 0;
  proOpen = true;
  private area = 0;
  private x0 = 0;
  private y0 = 0;

  constructor(
    private readonly negatives: number,
    private readonly positives: number,
    private readonly terms: Float64Array,
    private readonly fprLimit: number,
  ) {}

  /** A curve point: fp negatives and tp positives at or above the score of descending key `key`. */
  point(fp: number, tp: number, key: number): void {
    if (this.m >= 1) {
      // decide for the pending point b (index m-1): the first is kept, else a non-zero second difference
      if (this.m === 1 || fp - 2 * this.fb + this.fa !== 0 || tp - 2 * this.tb + this.ta !== 0)
        this.keep(this.fb, this.tb);
    }
    // F1: a point that added only negatives (tp > 0 unchanged, fp larger) has a smaller F1 than the point before it
    const f1Skip = tp === this.tb && tp > 0 && this.m >= 1;
    this.fa = this.fb;
    this.ta = this.tb;
    this.fb = fp;
    this.tb = tp;
    this.m++;
    if (this.f1Open && !f1Skip) {
      const precision = tp / (tp + fp);
      const recall = tp / this.positives;
      const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
      if (f1 >= this.best) {
        this.best = f1;
        this.thr = keyToFloat(key);
      }
      if (tp === this.positives) this.f1Open = false; // sklearn stops at full recall
    }
    if (this.proOpen) {
      const lim = this.fprLimit;
      let x1 = Math.min(fp / this.negatives, 1);
      let y1 = Math.min(this.pro, 1);
      if (x1 > lim) {
        y1 = this.y0 + ((y1 - this.y0) * (lim - this.x0)) / (x1 - this.x0);
        x1 = lim;
      }
      this.area += ((x1 - this.x0) * (this.y0 + y1)) / 2;
      this.x0 = x1;
      this.y0 = y1;
      if (this.x0 >= lim) this.proOpen = false;
    }
  }

  /**
   * Consecutive groups of negatives only, from neg[a] while a < end and neg[a] < limit (split sort keys; fp = index):
   * point() for each, with the walk's state in locals. Only when no group can change F1: after the first point, with
   * tp > 0 (see point) or F1 closed. Returns the index after the run.
   */
  negativeRun(neg: Int32Array, a: number, end: number, limit: number): number {
    const tp = this.tb;
    if (this.m < 1 || (tp === 0 && this.f1Open)) return a;
    const { negatives, terms } = this;
    const lim = this.fprLimit;
    const pro = Math.min(this.pro, 1);
    const tRun = tp / this.positives; // the TPR of every point of the run
    let { fa, ta, fb, tb, m, k, fPrev, tPrev, proOpen, area, x0, y0 } = this;
    while (a < end) {
      if (!proOpen && m > 1 && fb - fa === 1 && ta === tp && tb === tp) {
        // groups of one negative each after a group of one: collinear, none kept; skip to the next tie or limit
        let j = a;
        while (j + 1 < end && neg[j] < limit && neg[j + 1] !== neg[j]) j++;
        if (j > a) {
          m += j - a;
          fa = j - 1;
          fb = j;
          a = j;
        }
      }
      const key = neg[a];
      if (key >= limit) break;
      a++;
      while (a < end && neg[a] === key) a++;
      const fp = a;
      if (m === 1 || fp - 2 * fb + fa !== 0 || tp - 2 * tb + ta !== 0) {
        const f = fb / negatives;
        const t = tb === tp ? tRun : tb / this.positives;
        terms[k++] = (f - fPrev) * (t + tPrev) * 0.5; // x / 2 and x * 0.5 round alike
        fPrev = f;
        tPrev = t;
      }
      fa = fb;
      ta = tb;
      fb = fp;
      tb = tp;
      m++;
      if (proOpen) {
        let x1 = Math.min(fp / negatives, 1);
        let y1 = pro;
        if (x1 > lim) {
          y1 = y0 + ((y1 - y0) * (lim - x0)) / (x1 - x0);
          x1 = lim;
        }
        area += (x1 - x0) * (y0 + y1) * 0.5;
        x0 = x1;
        y0 = y1;
        if (x0 >= lim) proOpen = false;
      }
    }
    this.fa = fa;
    this.ta = ta;
    this.fb = fb;
    this.tb = tb;
    this.m = m;
    this.k = k;
    this.fPrev = fPrev;
    this.tPrev = tPrev;
    this.proOpen = proOpen;
    this.area = area;
    this.x0 = x0;
    this.y0 = y0;
    return a;
  }

  private keep(fp: number, tp: number): void {
    const f = fp / this.negatives;
    const t = tp / this.positives;
    this.terms[this.k++] = ((f - this.fPrev) * (t + this.tPrev)) / 2.0;
    this.fPrev = f;
    this.tPrev = t;
  }

  finish(): RankMetrics {
    this.keep(this.fb, this.tb); // the last point is always kept
    return {
      pixelAuroc: pairwiseSum(this.terms, 0, this.k),
      f1: this.best,
      f1Threshold: this.thr,
      aupro: this.area / this.fprLimit,
    };
  }
}

function checkInputs(
  n: number,
  rc: RegionCodes,
  terms: Float64Array,
  fprLimit: number,
): { negatives: number; positives: number } {
  const negatives = rc.normalPixels;
  const positives = n - negatives;
  if (!(positives > 0) || !(negatives > 0))
    throw new ShapeError('F1 needs both positive and negative samples', { positives, negatives });
  if (!(fprLimit > 0 && fprLimit <= 1)) throw new ShapeError('AUPRO FPR limit must be in (0, 1]', { fprLimit });
  if (terms.length < n) throw new ShapeError('AUROC term buffer is too small', { terms: terms.length, samples: n });
  return { negatives, positives };
}

/**
 * `sorted` carries the region code in its low `labelBits` payload bits (0 = normal pixel); `terms` holds at least
 * one float64 per curve point (the trapezoid terms, summed pairwise as numpy does).
 */
export function rankMetrics(
  sorted: SortedScores,
  rc: RegionCodes,
  labelBits: number,
  terms: Float64Array,
  fprLimit = 0.3,
): RankMetrics {
  const { keys, payload } = sorted;
  const n = keys.length;
  const { negatives, positives } = checkInputs(n, rc, terms, fprLimit);
  const mask = labelBits >= 32 ? 0xffffffff : (1 << labelBits) - 1;
  const { weight } = rc;
  const walk = new CurveWalk(negatives, positives, terms, fprLimit);
  let fp = 0;
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const g = payload[r] & mask;
    if (g === 0) fp++;
    else {
      tp++;
      if (walk.proOpen) walk.pro += weight[g];
    }
    if (r < n - 1 && keys[r + 1] === keys[r]) continue;
    walk.point(fp, tp, keys[r]);
  }
  return walk.finish();
}

/**
 * The same metrics from the label-split sort: a merge of the sorted negatives and positives, one curve point per
 * group of tied scores, the positives of a group adding their AUPRO weights in the order of the single sort.
 */
export function mergedRankMetrics(
  sorted: SplitSorted,
  rc: RegionCodes,
  labelBits: number,
  terms: Float64Array,
  fprLimit = 0.3,
): RankMetrics {
  const { neg, pos, posPayload } = sorted;
  const nN = neg.length;
  const nP = pos.length;
  const { negatives, positives } = checkInputs(nN + nP, rc, terms, fprLimit);
  if (negatives !== nN || positives !== nP)
    throw new ShapeError('split sort does not match the region codes', {
      negatives,
      positives,
      sortedNegatives: nN,
      sortedPositives: nP,
    });
  const mask = labelBits >= 32 ? 0xffffffff : (1 << labelBits) - 1;
  const { weight } = rc;
  const walk = new CurveWalk(negatives, positives, terms, fprLimit);
  let a = 0;
  let b = 0;
  for (;;) {
    let key: number;
    if (a < nN) {
      key = neg[a];
      if (b < nP && pos[b] < key) key = pos[b];
    } else if (b < nP) key = pos[b];
    else break;
    while (b < nP && pos[b] === key) {
      if (walk.proOpen) walk.pro += weight[posPayload[b] & mask];
      b++;
    }
    while (a < nN && neg[a] === key) a++;
    walk.point(a, b, key ^ -0x80000000);
    // the negatives up to the next positive key, in a tight loop
    a = walk.negativeRun(neg, a, nN, b < nP ? pos[b] : 0x7fffffff + 1);
  }
  return walk.finish();
}
