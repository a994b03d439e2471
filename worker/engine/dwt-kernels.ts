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
  /**
   * per output i, where its existing taps are a plain contiguous run (tap j reads 2i + c - j for j in
   * [jLo[i], jHi[i]) and every other tap is a zero-extension -1): that run; jLo[i] = -1 otherwise
   */
  jLo: Int32Array;
  jHi: Int32Array;
  /** the regular outputs are exactly [first, end) (empty when first === end) */
  first: number;
  end: number;
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
  const jLo = new Int32Array(nOut).fill(-1);
  const jHi = new Int32Array(nOut);
  for (let i = 0; i < nOut; i++) {
    let a = 0;
    while (a < L && idx[i * L + a] === -1) a++;
    let b = a;
    while (b < L && 2 * i + c - b >= 0 && idx[i * L + b] === 2 * i + c - b) b++;
    let rest = b;
    while (rest < L && idx[i * L + rest] === -1) rest++;
    if (b > a && rest === L) {
      jLo[i] = a;
      jHi[i] = b;
    }
  }
  let first = 0;
  while (first < nOut && regular[first] === 0) first++;
  let end = first;
  while (end < nOut && regular[end] === 1) end++;
  for (let i = end; i < nOut; i++)
    if (regular[i] === 1) throw new Error(`internal: non-contiguous regular taps (n ${n}, L ${L})`);
  return { nOut, L, idx, c, regular, jLo, jHi, first, end };
}

/** Float64 scratch for boundary rows of the column pass (length >= the row width). */
export interface ColScratch {
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * Analysis along W of `rows` consecutive rows of width w starting at src[srcOff]: writes rows x plan.nOut values
 * to outLo / outHi from outOff, both filters in one pass.
 */
export function rowsPass(
  src: Float32Array,
  srcOff: number,
  rows: number,
  w: number,
  plan: TapPlan,
  lo: readonly number[],
  hi: readonly number[],
  outLo: Float32Array,
  outHi: Float32Array,
  outOff: number,
): void {
  const { nOut, L, first, end } = plan;
  for (let r = 0; r < rows; r++) {
    const base = srcOff + r * w;
    const ob = outOff + r * nOut;
    for (let i = 0; i < first; i++) rowTapTable(src, base, outLo, outHi, ob, plan, lo, hi, i);
    if (L === 2) rowL2(src, base, outLo, outHi, ob, plan.c, first, end, lo, hi);
    else if (L === 8) rowL8(src, base, outLo, outHi, ob, plan.c, first, end, lo, hi);
    else for (let i = first; i < end; i++) rowTapTable(src, base, outLo, outHi, ob, plan, lo, hi, i);
    for (let i = end; i < nOut; i++) rowTapTable(src, base, outLo, outHi, ob, plan, lo, hi, i);
  }
}

function rowTapTable(
  src: Float32Array,
  base: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  plan: TapPlan,
  lo: readonly number[],
  hi: readonly number[],
  i: number,
): void {
  const a = plan.jLo[i];
  if (a >= 0) {
    const b = plan.jHi[i];
    const q = base + 2 * i + plan.c;
    let sl = 0;
    let sh = 0;
    for (let j = a; j < b; j++) {
      const v = src[q - j];
      sl += lo[j] * v;
      sh += hi[j] * v;
    }
    outLo[ob + i] = sl;
    outHi[ob + i] = sh;
    return;
  }
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
  src: Float32Array,
  base: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  c: number,
  first: number,
  end: number,
  lo: readonly number[],
  hi: readonly number[],
): void {
  const l0 = lo[0],
    l1 = lo[1],
    h0 = hi[0],
    h1 = hi[1];
  for (let i = first; i < end; i++) {
    const q = base + 2 * i + c;
    const v0 = src[q],
      v1 = src[q - 1];
    outLo[ob + i] = 0 + l0 * v0 + l1 * v1;
    outHi[ob + i] = 0 + h0 * v0 + h1 * v1;
  }
}

function rowL8(
  src: Float32Array,
  base: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  c: number,
  first: number,
  end: number,
  lo: readonly number[],
  hi: readonly number[],
): void {
  const l0 = lo[0],
    l1 = lo[1],
    l2 = lo[2],
    l3 = lo[3],
    l4 = lo[4],
    l5 = lo[5],
    l6 = lo[6],
    l7 = lo[7];
  const h0 = hi[0],
    h1 = hi[1],
    h2 = hi[2],
    h3 = hi[3],
    h4 = hi[4],
    h5 = hi[5],
    h6 = hi[6],
    h7 = hi[7];
  for (let i = first; i < end; i++) {
    const q = base + 2 * i + c;
    const v0 = src[q],
      v1 = src[q - 1],
      v2 = src[q - 2],
      v3 = src[q - 3];
    const v4 = src[q - 4],
      v5 = src[q - 5],
      v6 = src[q - 6],
      v7 = src[q - 7];
    outLo[ob + i] = 0 + l0 * v0 + l1 * v1 + l2 * v2 + l3 * v3 + l4 * v4 + l5 * v5 + l6 * v6 + l7 * v7;
    outHi[ob + i] = 0 + h0 * v0 + h1 * v1 + h2 * v2 + h3 * v3 + h4 * v4 + h5 * v5 + h6 * v6 + h7 * v7;
  }
}

/**
 * Analysis along H of one h x w plane at src[srcOff]: writes plan.nOut x w values to outLo / outHi from outOff,
 * one output row at a time with contiguous inner loops over W. Regular output rows read their L source rows
 * directly; boundary rows accumulate tap by tap in `acc`.
 */
export function colsPass(
  src: Float32Array,
  srcOff: number,
  w: number,
  plan: TapPlan,
  lo: readonly number[],
  hi: readonly number[],
  outLo: Float32Array,
  outHi: Float32Array,
  outOff: number,
  acc: ColScratch,
): void {
  const { nOut, L, c, regular } = plan;
  for (let i = 0; i < nOut; i++) {
    const ob = outOff + i * w;
    if (regular[i] === 1 && L === 2) colL2(src, srcOff + (2 * i + c) * w, w, outLo, outHi, ob, lo, hi);
    else if (regular[i] === 1 && L === 8) colL8(src, srcOff + (2 * i + c) * w, w, outLo, outHi, ob, lo, hi);
    else if (plan.jLo[i] >= 0)
      colSpan(src, srcOff + (2 * i + c) * w, w, outLo, outHi, ob, plan.jLo[i], plan.jHi[i], lo, hi);
    else colTapTable(src, srcOff, w, outLo, outHi, ob, plan, lo, hi, i, acc);
  }
}

function colTapTable(
  src: Float32Array,
  pb: number,
  w: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  plan: TapPlan,
  lo: readonly number[],
  hi: readonly number[],
  i: number,
  acc: { lo: Float64Array; hi: Float64Array },
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

/** boundary output row whose existing taps are the plain run j in [a, b): tap j reads source row (2i + c - j) */
function colSpan(
  src: Float32Array,
  r0: number,
  w: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  a: number,
  b: number,
  lo: readonly number[],
  hi: readonly number[],
): void {
  for (let x = 0; x < w; x++) {
    let sl = 0;
    let sh = 0;
    for (let j = a; j < b; j++) {
      const v = src[r0 - j * w + x];
      sl += lo[j] * v;
      sh += hi[j] * v;
    }
    outLo[ob + x] = sl;
    outHi[ob + x] = sh;
  }
}

/** regular output row of a 2-tap filter: r0 is the first tap's source row (2i + c), the next tap reads the row above */
function colL2(
  src: Float32Array,
  r0: number,
  w: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  lo: readonly number[],
  hi: readonly number[],
): void {
  const l0 = lo[0],
    l1 = lo[1],
    h0 = hi[0],
    h1 = hi[1];
  const r1 = r0 - w;
  for (let x = 0; x < w; x++) {
    const v0 = src[r0 + x],
      v1 = src[r1 + x];
    outLo[ob + x] = 0 + l0 * v0 + l1 * v1;
    outHi[ob + x] = 0 + h0 * v0 + h1 * v1;
  }
}

/** regular output row of an 8-tap filter: tap j reads source row (2i + c - j) */
function colL8(
  src: Float32Array,
  r0: number,
  w: number,
  outLo: Float32Array,
  outHi: Float32Array,
  ob: number,
  lo: readonly number[],
  hi: readonly number[],
): void {
  const l0 = lo[0],
    l1 = lo[1],
    l2 = lo[2],
    l3 = lo[3],
    l4 = lo[4],
    l5 = lo[5],
    l6 = lo[6],
    l7 = lo[7];
  const h0 = hi[0],
    h1 = hi[1],
    h2 = hi[2],
    h3 = hi[3],
    h4 = hi[4],
    h5 = hi[5],
    h6 = hi[6],
    h7 = hi[7];
  const r1 = r0 - w,
    r2 = r1 - w,
    r3 = r2 - w,
    r4 = r3 - w,
    r5 = r4 - w,
    r6 = r5 - w,
    r7 = r6 - w;
  for (let x = 0; x < w; x++) {
    const v0 = src[r0 + x],
      v1 = src[r1 + x],
      v2 = src[r2 + x],
      v3 = src[r3 + x];
    const v4 = src[r4 + x],
      v5 = src[r5 + x],
      v6 = src[r6 + x],
      v7 = src[r7 + x];
    outLo[ob + x] = 0 + l0 * v0 + l1 * v1 + l2 * v2 + l3 * v3 + l4 * v4 + l5 * v5 + l6 * v6 + l7 * v7;
    outHi[ob + x] = 0 + h0 * v0 + h1 * v1 + h2 * v2 + h3 * v3 + h4 * v4 + h5 * v5 + h6 * v6 + h7 * v7;
  }
}
