/**
 * The 1-D analysis passes of the 2-D DWT (worker/engine/dwt.ts), specialised for speed.
 * Every output element is the float64 sum, from 0 and in tap order j = 0..L-1, of filter[j] * x[k_j] over the taps
 * whose source k_j exists (zero extension skips the others), rounded to float32 on store. The fast paths below keep
 * exactly that order, so the result is bit-identical to the plain tap-table loop (test/engine/dwt-reference.ts).
 * Outputs whose L taps are the plain run x[2i+c], x[2i+c-1], ..., x[2i+c-L+1] (no boundary) take an unrolled path
 * for L = 2 (haar/db1) and L = 8 (db4/sym4); boundary outputs and other lengths use the tap table.
 */
import { dwtOutLength, type DwtMode } from '../../shared/wavelets.js';

export interface TapPlan {
  nOut: number;
  L: number;
  /** per output i and tap j (row-major nOut x L): the source index, or -1 where the zero extension gives 0 */
  idx: Int32Array;
  /** offset c of the plain run: tap j of output i reads 2i + c - j where regular[i] is 1 */
  c: number;
  /** 1 where every tap of output i is the plain in-range source 2i + c - j */
  regular: Uint8Array;
}

/** Tap plan for a signal of length n under `mode` (same index rules as pywt's dwt_axis for these modes). */
export function tapPlan(n: number, L: number, mode: DwtMode): TapPlan {
  const nOut = dwtOutLength(n, L, mode);
  const idx = new Int32Array(nOut * L);
  const c = mode === 'periodization' ? L / 2 : 1;
  if (mode === 'periodization') {
    const ne = n + (n % 2); // odd lengths are extended by repeating the last sample
    for (let i = 0; i < nOut; i++)
      for (let j = 0; j < L; j++) {
        let k = (2 * i + c - j) % ne;
        if (k < 0) k += ne;
        idx[i * L + j] = k >= n ? n - 1 : k;
      }
  } else {
    for (let i = 0; i < nOut; i++)
      for (let j = 0; j < L; j++) {
        let k = 2 * i + 1 - j;
        if (mode === 'zero') {
          idx[i * L + j] = k < 0 || k >= n ? -1 : k;
        } else {
          // symmetric (half-sample): ... x1 x0 | x0 x1 ... x_{n-1} | x_{n-1} ..., period 2n
          k %= 2 * n;
          if (k < 0) k += 2 * n;
          idx[i * L + j] = k < n ? k : 2 * n - 1 - k;
        }
      }
  }
  const regular = new Uint8Array(nOut);
  for (let i = 0; i < nOut; i++) {
    let ok = 1;
    for (let j = 0; j < L && ok; j++) {
      const k = 2 * i + c - j;
      if (k < 0 || k >= n || idx[i * L + j] !== k) ok = 0;
    }
    regular[i] = ok;
  }
  return { nOut, L, idx, c, regular };
}

/** Analysis along W of every row (rows x w -> rows x nOut), both filters in one pass. */
export function analyseRows(
  src: Float32Array, rows: number, w: number, lo: readonly number[], hi: readonly number[], mode: DwtMode,
): { lo: Float32Array; hi: Float32Array; n: number } {
  const plan = tapPlan(w, lo.length, mode);
  const nOut = plan.nOut;
  const outLo = new Float32Array(rows * nOut);
  const outHi = new Float32Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    if (plan.L === 2) rowL2(src, r * w, outLo, outHi, r * nOut, plan, lo, hi);
    else if (plan.L === 8) rowL8(src, r * w, outLo, outHi, r * nOut, plan, lo, hi);
    else for (let i = 0; i < nOut; i++) rowTapTable(src, r * w, outLo, outHi, r * nOut, plan, lo, hi, i);
  }
  return { lo: outLo, hi: outHi, n: nOut };
}

function rowTapTable(
  src: Float32Array, base: number, outLo: Float32Array, outHi: Float32Array, ob: number,
  plan: TapPlan, lo: readonly number[], hi: readonly number[], i: number,
): void {
  const L = plan.L;
  const idx = plan.idx;
  let sLo = 0;
  let sHi = 0;
  for (let j = 0; j < L; j++) {
    const k = idx[i * L + j];
    if (k < 0) continue;
    const v = src[base + k];
    sLo += lo[j] * v;
    sHi += hi[j] * v;
  }
  outLo[ob + i] = sLo;
  outHi[ob + i] = sHi;
}

function rowL2(
  src: Float32Array, base: number, outLo: Float32Array, outHi: Float32Array, ob: number,
  plan: TapPlan, lo: readonly number[], hi: readonly number[],
): void {
  const l0 = lo[0], l1 = lo[1], h0 = hi[0], h1 = hi[1];
  const { nOut, c, regular } = plan;
  for (let i = 0; i < nOut; i++) {
    if (regular[i] === 0) {
      rowTapTable(src, base, outLo, outHi, ob, plan, lo, hi, i);
      continue;
    }
    const q = base + 2 * i + c;
    const v0 = src[q], v1 = src[q - 1];
    outLo[ob + i] = 0 + l0 * v0 + l1 * v1;
    outHi[ob + i] = 0 + h0 * v0 + h1 * v1;
  }
}

function rowL8(
  src: Float32Array, base: number, outLo: Float32Array, outHi: Float32Array, ob: number,
  plan: TapPlan, lo: readonly number[], hi: readonly number[],
): void {
  const l0 = lo[0], l1 = lo[1], l2 = lo[2], l3 = lo[3], l4 = lo[4], l5 = lo[5], l6 = lo[6], l7 = lo[7];
  const h0 = hi[0], h1 = hi[1], h2 = hi[2], h3 = hi[3], h4 = hi[4], h5 = hi[5], h6 = hi[6], h7 = hi[7];
  const { nOut, c, regular } = plan;
  for (let i = 0; i < nOut; i++) {
    if (regular[i] === 0) {
      rowTapTable(src, base, outLo, outHi, ob, plan, lo, hi, i);
      continue;
    }
    const q = base + 2 * i + c;
    const v0 = src[q], v1 = src[q - 1], v2 = src[q - 2], v3 = src[q - 3];
    const v4 = src[q - 4], v5 = src[q - 5], v6 = src[q - 6], v7 = src[q - 7];
    outLo[ob + i] = 0 + l0 * v0 + l1 * v1 + l2 * v2 + l3 * v3 + l4 * v4 + l5 * v5 + l6 * v6 + l7 * v7;
    outHi[ob + i] = 0 + h0 * v0 + h1 * v1 + h2 * v2 + h3 * v3 + h4 * v4 + h5 * v5 + h6 * v6 + h7 * v7;
  }
}

/**
 * Analysis along H of every plane (planes x h x w -> planes x nOut x w), one output row at a time with contiguous
 * inner loops over W. Regular output rows read their L source rows directly; boundary rows accumulate per tap.
 */
export function analyseCols(
  src: Float32Array, planes: number, h: number, w: number, lo: readonly number[], hi: readonly number[], mode: DwtMode,
): { lo: Float32Array; hi: Float32Array; n: number } {
  const plan = tapPlan(h, lo.length, mode);
  const nOut = plan.nOut;
  const outLo = new Float32Array(planes * nOut * w);
  const outHi = new Float32Array(planes * nOut * w);
  const acc = { lo: new Float64Array(w), hi: new Float64Array(w) };
  for (let p = 0; p < planes; p++) {
    const pb = p * h * w;
    for (let i = 0; i < nOut; i++) {
      const ob = (p * nOut + i) * w;
      if (plan.regular[i] === 1 && plan.L === 2) colL2(src, pb + (2 * i + plan.c) * w, w, outLo, outHi, ob, lo, hi);
      else if (plan.regular[i] === 1 && plan.L === 8) colL8(src, pb + (2 * i + plan.c) * w, w, outLo, outHi, ob, lo, hi);
      else colTapTable(src, pb, w, outLo, outHi, ob, plan, lo, hi, i, acc);
    }
  }
  return { lo: outLo, hi: outHi, n: nOut };
}

function colTapTable(
  src: Float32Array, pb: number, w: number, outLo: Float32Array, outHi: Float32Array, ob: number,
  plan: TapPlan, lo: readonly number[], hi: readonly number[], i: number, acc: { lo: Float64Array; hi: Float64Array },
): void {
  const L = plan.L;
  const accLo = acc.lo;
  const accHi = acc.hi;
  accLo.fill(0);
  accHi.fill(0);
  for (let j = 0; j < L; j++) {
    const k = plan.idx[i * L + j];
    if (k < 0) continue;
    const fl = lo[j];
    const fh = hi[j];
    const rb = pb + k * w;
    for (let x = 0; x < w; x++) {
      const v = src[rb + x];
      accLo[x] += fl * v;
      accHi[x] += fh * v;
    }
  }
  for (let x = 0; x < w; x++) {
    outLo[ob + x] = accLo[x];
    outHi[ob + x] = accHi[x];
  }
}

/** regular output row of a 2-tap filter: r0 is the first tap's source row (2i + c), the next tap reads the row above */
function colL2(
  src: Float32Array, r0: number, w: number, outLo: Float32Array, outHi: Float32Array, ob: number,
  lo: readonly number[], hi: readonly number[],
): void {
  const l0 = lo[0], l1 = lo[1], h0 = hi[0], h1 = hi[1];
  const r1 = r0 - w;
  for (let x = 0; x < w; x++) {
    const v0 = src[r0 + x], v1 = src[r1 + x];
    outLo[ob + x] = 0 + l0 * v0 + l1 * v1;
    outHi[ob + x] = 0 + h0 * v0 + h1 * v1;
  }
}

/** regular output row of an 8-tap filter: tap j reads source row (2i + c - j) */
function colL8(
  src: Float32Array, r0: number, w: number, outLo: Float32Array, outHi: Float32Array, ob: number,
  lo: readonly number[], hi: readonly number[],
): void {
  const l0 = lo[0], l1 = lo[1], l2 = lo[2], l3 = lo[3], l4 = lo[4], l5 = lo[5], l6 = lo[6], l7 = lo[7];
  const h0 = hi[0], h1 = hi[1], h2 = hi[2], h3 = hi[3], h4 = hi[4], h5 = hi[5], h6 = hi[6], h7 = hi[7];
  const r1 = r0 - w, r2 = r1 - w, r3 = r2 - w, r4 = r3 - w, r5 = r4 - w, r6 = r5 - w, r7 = r6 - w;
  for (let x = 0; x < w; x++) {
    const v0 = src[r0 + x], v1 = src[r1 + x], v2 = src[r2 + x], v3 = src[r3 + x];
    const v4 = src[r4 + x], v5 = src[r5 + x], v6 = src[r6 + x], v7 = src[r7 + x];
    outLo[ob + x] = 0 + l0 * v0 + l1 * v1 + l2 * v2 + l3 * v3 + l4 * v4 + l5 * v5 + l6 * v6 + l7 * v7;
    outHi[ob + x] = 0 + h0 * v0 + h1 * v1 + h2 * v2 + h3 * v3 + h4 * v4 + h5 * v5 + h6 * v6 + h7 * v7;
  }
}
