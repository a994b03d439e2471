/**
 * The per-variant ranking step, split by label. Normal pixels (~95% of a test set) are radix-sorted as bare keys:
 * their label is known, so no payload moves with them. Anomalous pixels are sorted with their region codes.
 * A merge of the two runs (pixel-metrics-one-pass.ts' mergedRankMetrics) meets the same groups of tied scores, in the same order,
 * with the positives of a group in the same (input) order, as a walk over one sort of all pixels with their labels.
 */
import { ShapeError } from '../../shared/errors.js';
import { digitWidths, keyPlan, keyPlanOfRange, maxDigitBits, SortBuffers, sortByScoreDesc } from './sort.js';
import { WasmRadix } from './wasm/radix.js';

/**
 * Sorted keys, ascending as int32: the descending key of each score (see descendingKeys) with its sign bit flipped,
 * so that the int32 order is the unsigned order of the descending keys (larger score first).
 */
export interface SplitSorted {
  neg: Int32Array;
  pos: Int32Array;
  /** the payload of each positive key, in the same order */
  posPayload: Uint32Array;
}

/** Reusable buffers for one labelling (the positives' count is fixed by the masks). */
export class SplitSortBuffers {
  readonly negA: Int32Array;
  readonly negB: Int32Array;
  /** the positives: their scores, sorted with their payloads by sortByScoreDesc, and their keys as the negatives' */
  readonly posScores: Float32Array;
  readonly posKeys: Int32Array;
  readonly posSort: SortBuffers;
  readonly counts: Uint32Array[];
  /** a copy of the scores and the negatives' runs (at most one more than the positives), for the key pass */
  readonly scores: Float32Array;
  readonly runs: Int32Array;
  private runsOf: SplitLabels | null = null;
  /** the memory of the arrays above and the passes that run on it */
  readonly radix: WasmRadix;
  constructor(
    readonly negatives: number,
    readonly positives: number,
  ) {
    const size = 1 << maxDigitBits(negatives);
    this.radix = new WasmRadix(4 * (3 * negatives + positives + 3 * size + 2 * (positives + 1)));
    this.negA = this.radix.int32(negatives);
    this.negB = this.radix.int32(negatives);
    this.counts = [0, 1, 2].map(() => this.radix.uint32(size));
    this.scores = this.radix.float32(negatives + positives);
    this.runs = this.radix.int32(2 * (positives + 1));
    this.posScores = new Float32Array(positives);
    this.posKeys = new Int32Array(positives);
    this.posSort = new SortBuffers(positives);
  }

  /** The runs of `labels` in this memory (copied when the labels change). */
  runsFor(labels: SplitLabels): Int32Array {
    if (this.runsOf !== labels) {
      if (labels.negRuns.length > this.runs.length)
        throw new ShapeError('more negative runs than the split sort buffers hold', {
          runs: labels.negRuns.length / 2,
          capacity: this.runs.length / 2,
        });
      this.runs.set(labels.negRuns);
      this.runsOf = labels;
    }
    return this.runs;
  }
}

const FLIP = -0x80000000;

/** Exclusive prefix sums of counts[0..size). */
function prefix(c: Uint32Array, size: number): void {
  let s = 0;
  for (let j = 0; j < size; j++) {
    const v = c[j];
    c[j] = s;
    s += v;
  }
}

/** Histogram of one digit of keys[0..n). */
function count(keys: Int32Array, n: number, c: Uint32Array, shift: number, mask: number): void {
  c.fill(0, 0, mask + 1);
  for (let i = 0; i < n; i++) c[(keys[i] >>> shift) & mask]++;
}

/**
 * LSD passes over the relative keys in `a` (ping-pong with `b`); the histograms of the first `counted` digits are
 * already in `counts`. The last pass adds the base back and flips the sign bit: (k + base) ^ FLIP == k + (base ^ FLIP)
 * modulo 2^32. Returns the array holding the result.
 */
function sortKeys(
  a: Int32Array,
  b: Int32Array,
  n: number,
  widths: readonly number[],
  counts: Uint32Array[],
  counted: number,
  base: number,
  radix: WasmRadix,
): Int32Array {
  let src = a;
  let dst = b;
  let shift = 0;
  for (let d = 0; d < widths.length; d++) {
    const c = counts[d];
    const mask = (1 << widths[d]) - 1;
    if (d >= counted) count(src, n, c, shift, mask);
    prefix(c, mask + 1);
    const add = d === widths.length - 1 ? (base ^ FLIP) | 0 : 0;
    radix.scatter(src, dst, c, n, shift, mask, add);
    const t = src;
    src = dst;
    dst = t;
    shift += widths[d];
  }
  if (widths.length === 0) for (let i = 0; i < n; i++) src[i] = (src[i] + base) ^ FLIP;
  return src;
}

/** Where the positives are: fixed by the masks, computed once for every variant of a group. */
export interface SplitLabels {
  length: number;
  /** [start, end) index pairs of the runs of negative pixels, ascending */
  negRuns: Int32Array;
  negatives: number;
  /** indices of the positive pixels, ascending, and their payloads */
  posIndex: Uint32Array;
  posPayload: Uint32Array;
}

/** The split labelling of `positive` (non-zero = positive: a mask or region codes), each positive carrying payload[i]. */
export function splitLabels(positive: Uint8Array | Uint32Array, payload: Uint32Array): SplitLabels {
  const n = positive.length;
  if (payload.length !== n)
    throw new ShapeError('payload and labels differ in length', { payload: payload.length, labels: n });
  const runs: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (positive[i] !== 0) idx.push(i);
    else if (i === 0 || positive[i - 1] !== 0) runs.push(i, i + 1);
    else runs[runs.length - 1] = i + 1;
  }
  const posIndex = Uint32Array.from(idx);
  return {
    length: n,
    negRuns: Int32Array.from(runs),
    negatives: n - idx.length,
    posIndex,
    posPayload: posIndex.map((i) => payload[i]),
  };
}

/**
 * Sort `scores` by descending value, split by label: stable, so tied positives keep input order. With `range`
 * (the scores' minimum and maximum, found by the caller's own pass, which also rejects NaN) the scores are read once.
 * The result lives in `buf`.
 */
export function splitSortByScoreDesc(
  scores: Float32Array,
  labels: SplitLabels,
  buf: SplitSortBuffers,
  range?: { min: number; max: number },
): SplitSorted {
  const n = scores.length;
  const positives = labels.posIndex.length;
  if (labels.length !== n)
    throw new ShapeError('labels and scores differ in length', { labels: labels.length, scores: n });
  if (buf.negatives !== labels.negatives || buf.positives !== positives)
    throw new ShapeError('split sort buffers do not match the labels', {
      negatives: buf.negatives,
      positives: buf.positives,
      labelNegatives: labels.negatives,
      labelPositives: positives,
    });
  const { base, rangeBits } = range ? keyPlanOfRange(range.min, range.max, n) : keyPlan(scores);
  const nw = digitWidths(rangeBits, maxDigitBits(buf.negatives));
  const [c0, c1] = buf.counts;
  const w0 = nw.length > 0 ? nw[0] : 0;
  const m0 = (1 << w0) - 1;
  const m1 = nw.length > 1 ? (1 << nw[1]) - 1 : 0;
  c0.fill(0, 0, m0 + 1);
  c1.fill(0, 0, m1 + 1);
  buf.scores.set(scores);
  const q = buf.radix.keys(
    buf.scores,
    buf.runsFor(labels),
    labels.negRuns.length / 2,
    buf.negA,
    base,
    c0,
    c1,
    w0,
    m0,
    m1,
  );
  const negSorted = sortKeys(buf.negA, buf.negB, q, nw, buf.counts, 2, base, buf.radix);
  // the positives (a few percent): sorted with their payloads, stable, then keyed as the negatives
  const { posIndex } = labels;
  for (let j = 0; j < positives; j++) buf.posScores[j] = scores[posIndex[j]];
  const posSorted = sortByScoreDesc(buf.posScores, labels.posPayload, buf.posSort);
  for (let j = 0; j < positives; j++) buf.posKeys[j] = posSorted.keys[j] ^ FLIP;
  return { neg: negSorted, pos: buf.posKeys, posPayload: posSorted.payload };
}
