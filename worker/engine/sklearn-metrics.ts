/**
 * Ranking metrics with sklearn's semantics: roc_auc_score (roc_curve with drop_intermediate, trapezoid summed
 * with numpy's pairwise summation, so the value is bit-identical), F1-max over all thresholds, per-defect AUROC.
 */
import { ShapeError } from '../../shared/errors.js';
import { sortByScoreDesc, type SortedScores } from './sort.js';

/** numpy's pairwise summation (add.reduce over a contiguous float64 array). */
export function pairwiseSum(a: Float64Array, off = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[off + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[off],
      r1 = a[off + 1],
      r2 = a[off + 2],
      r3 = a[off + 3];
    let r4 = a[off + 4],
      r5 = a[off + 5],
      r6 = a[off + 6],
      r7 = a[off + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const o = off + i;
      r0 += a[o];
      r1 += a[o + 1];
      r2 += a[o + 2];
      r3 += a[o + 3];
      r4 += a[o + 4];
      r5 += a[o + 5];
      r6 += a[o + 6];
      r7 += a[o + 7];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[off + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
}

/** Cumulative (fps, tps) at the end of each group of tied scores, in descending score order (sklearn _binary_clf_curve). */
export interface ClfCurve {
  fps: Float64Array;
  tps: Float64Array;
  /** the score of each group */
  thresholds: Float32Array;
  length: number;
}

/**
 * How a sorted payload is read: the low `labelBits` bits are the sample's ground-truth code (non-zero = positive);
 * the bits above are the test image index, used with `include` to keep only some images.
 */
export interface PayloadPacking {
  labelBits: number;
  include: Uint8Array | null;
}

/**
 * The curve from sorted scores (a non-zero payload label marks a positive). With `include`, only the samples of the
 * included images count, and ties are grouped among them: the same curve as sorting those samples alone.
 */
export function curveFromSorted(
  sorted: SortedScores,
  packing: PayloadPacking = { labelBits: 32, include: null },
): ClfCurve {
  const { keys, payload } = sorted;
  const n = keys.length;
  const { include } = packing;
  const shift = packing.labelBits;
  const mask = shift >= 32 ? 0xffffffff : (1 << shift) - 1;
  let size = n;
  if (include !== null) {
    size = 0;
    for (let r = 0; r < n; r++) size += include[payload[r] >>> shift];
  }
  const fps = new Float64Array(size);
  const tps = new Float64Array(size);
  const thresholds = new Float32Array(size);
  // thresholds are written as bit patterns: the float32 of a descending key (as keyToFloat)
  const thrBits = new Int32Array(thresholds.buffer, thresholds.byteOffset, thresholds.length);
  let tp = 0;
  let count = 0;
  let m = 0;
  let prev = 0;
  for (let r = 0; r < n; r++) {
    const pl = payload[r];
    if (include !== null && include[pl >>> shift] === 0) continue;
    const k = keys[r];
    if (count > 0 && k !== prev) {
      fps[m] = count - tp;
      tps[m] = tp;
      thrBits[m] = prev < 0 ? prev : ~prev & 0x7fffffff;
      m++;
    }
    if ((pl & mask) !== 0) tp++;
    count++;
    prev = k;
  }
  if (count > 0) {
    fps[m] = count - tp;
    tps[m] = tp;
    thrBits[m] = prev < 0 ? prev : ~prev & 0x7fffffff;
    m++;
  }
  return { fps, tps, thresholds, length: m };
}

export function binaryClfCurve(labels: Uint8Array, scores: Float32Array): ClfCurve {
  if (labels.length !== scores.length)
    throw new ShapeError('labels and scores differ in length', { labels: labels.length, scores: scores.length });
  return curveFromSorted(sortByScoreDesc(scores, Uint32Array.from(labels)));
}

function needBothClasses(c: ClfCurve, what: string): void {
  const pos = c.length > 0 ? c.tps[c.length - 1] : 0;
  const neg = c.length > 0 ? c.fps[c.length - 1] : 0;
  if (!(pos > 0) || !(neg > 0))
    throw new ShapeError(`${what} needs both positive and negative samples`, { positives: pos, negatives: neg });
}

/** sklearn.metrics.roc_auc_score(labels, scores) for binary labels (nonzero = positive). */
export function rocAuc(labels: Uint8Array, scores: Float32Array): number {
  return rocAucFromCurve(binaryClfCurve(labels, scores));
}

/** AUROC of a curve; `terms` (at least c.length long) avoids allocating the trapezoid terms. */
export function rocAucFromCurve(c: ClfCurve, terms: Float64Array = new Float64Array(c.length)): number {
  needBothClasses(c, 'AUROC');
  const { fps, tps } = c;
  const m = c.length;
  if (terms.length < m) throw new ShapeError('AUROC term buffer is too small', { terms: terms.length, points: m });
  // drop_intermediate (when more than 2 points): keep the ends and every point where either second difference is
  // non-zero; the last point is always kept, so the normalisation is known before the walk
  const drop = m > 2;
  const fLast = fps[m - 1];
  const tLast = tps[m - 1];
  // points: (0,0) then the kept points; one trapezoid term per kept point
  let k = 0;
  let fPrev = 0;
  let tPrev = 0;
  for (let i = 0; i < m; i++) {
    const keep =
      !drop ||
      i === 0 ||
      i === m - 1 ||
      fps[i + 1] - 2 * fps[i] + fps[i - 1] !== 0 ||
      tps[i + 1] - 2 * tps[i] + tps[i - 1] !== 0;
    if (!keep) continue;
    const f = fps[i] / fLast;
    const t = tps[i] / tLast;
    terms[k++] = ((f - fPrev) * (t + tPrev)) / 2.0;
    fPrev = f;
    tPrev = t;
  }
  return pairwiseSum(terms, 0, k);
}

/** Best F1 over every threshold (predict positive when score >= threshold), as from sklearn's precision_recall_curve. */
export function f1Max(labels: Uint8Array, scores: Float32Array): { f1: number; threshold: number } {
  return f1FromCurve(binaryClfCurve(labels, scores));
}

export function f1FromCurve(c: ClfCurve): { f1: number; threshold: number } {
  needBothClasses(c, 'F1');
  const P = c.tps[c.length - 1];
  let best = -1;
  let thr = Number.NaN;
  for (let i = 0; i < c.length; i++) {
    const tp = c.tps[i];
    const precision = tp / (tp + c.fps[i]);
    const recall = tp / P;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 >= best) {
      best = f1;
      thr = c.thresholds[i];
    }
    if (tp === P) break; // sklearn stops at full recall
  }
  return { f1: best, threshold: thr };
}

/** Image AUROC of each defect type against the normal ('good') images. */
export function perDefectAuroc(defects: readonly string[], imageScores: Float32Array): Record<string, number> {
  if (defects.length !== imageScores.length)
    throw new ShapeError('defects and image scores differ in length', {
      defects: defects.length,
      scores: imageScores.length,
    });
  const good: number[] = [];
  const byType = new Map<string, number[]>();
  defects.forEach((d, i) => {
    if (d === 'good') good.push(i);
    else byType.set(d, [...(byType.get(d) ?? []), i]);
  });
  const out: Record<string, number> = {};
  for (const [d, idx] of [...byType.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const all = [...good, ...idx];
    const labels = Uint8Array.from(all, (_, j) => (j < good.length ? 0 : 1));
    const s = Float32Array.from(all, (i) => imageScores[i]);
    if (good.length === 0)
      throw new ShapeError(`per-defect AUROC of '${d}' needs normal ('good') test images`, {
        good: 0,
        defective: idx.length,
      });
    out[d] = rocAuc(labels, s);
  }
  return out;
}
