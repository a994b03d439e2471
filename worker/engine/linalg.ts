/**
 * Small dense float64 kernels over row-major matrices held in typed arrays: Gram products,
 * Cholesky factorization and triangular solves. Plain TypeScript, no allocation inside the loops; the Gram and
 * cross products run in wasm SIMD (wasm/linalg.wat), with addDots as their reference and small-case path.
 */
import { addDotsWasm } from './wasm/linalg.js';

/** Plain dot product of two rows of length d. */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += x[xo + k] * y[yo + k];
  return s;
}

/**
 * out[(i*ldo) + j] += row_i(x) . row_j(y) for rows i in [i0, i1) of x and j in [j0, j1(i)) of y, where
 * j1(i) = min(n, jEnd(i)). A 4 x 2 register block (6 loads per 8 multiply-adds) does the bulk.
 * The TypeScript reference of the Gram and cross products (exported for the wasm kernel's tests).
 */
export function addDots(
  x: Float64Array,
  xOff: number,
  y: Float64Array,
  yOff: number,
  m: number,
  n: number,
  d: number,
  out: Float64Array,
  outOff: number,
  lower: boolean,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const r0 = xOff + i * d,
      r1 = r0 + d,
      r2 = r1 + d,
      r3 = r2 + d;
    const jEnd = lower ? Math.min(n, i + 4) : n;
    let j = 0;
    for (; j + 1 < jEnd; j += 2) {
      const c0 = yOff + j * d,
        c1 = c0 + d;
      let s00 = 0,
        s01 = 0,
        s10 = 0,
        s11 = 0,
        s20 = 0,
        s21 = 0,
        s30 = 0,
        s31 = 0;
      for (let k = 0; k < d; k++) {
        const y0 = y[c0 + k],
          y1 = y[c1 + k];
        const x0 = x[r0 + k],
          x1 = x[r1 + k],
          x2 = x[r2 + k],
          x3 = x[r3 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s30 += x3 * y0;
        s31 += x3 * y1;
      }
      const o = outOff + i * n + j;
      out[o] += s00;
      out[o + 1] += s01;
      out[o + n] += s10;
      out[o + n + 1] += s11;
      out[o + 2 * n] += s20;
      out[o + 2 * n + 1] += s21;
      out[o + 3 * n] += s30;
      out[o + 3 * n + 1] += s31;
    }
    for (; j < jEnd; j++)
      for (let r = 0; r < 4; r++) out[outOff + (i + r) * n + j] += dot(x, r0 + r * d, y, yOff + j * d, d);
  }
  for (; i < m; i++) {
    const jEnd = lower ? i + 1 : n;
    for (let j = 0; j < jEnd; j++) out[outOff + i * n + j] += dot(x, xOff + i * d, y, yOff + j * d, d);
  }
}

/** Below this many multiply-adds the TypeScript kernel runs (the wasm one copies its operands in and out). */
const WASM_MIN_WORK = 4096;

/** addDots, in wasm SIMD for all but tiny products (wasm/linalg.wat: the same bits, about 2x faster). */
function dots(
  x: Float64Array,
  xOff: number,
  y: Float64Array,
  yOff: number,
  m: number,
  n: number,
  d: number,
  out: Float64Array,
  outOff: number,
  lower: boolean,
): void {
  if (m * n * d >= WASM_MIN_WORK) addDotsWasm(x, xOff, y, yOff, m, n, d, out, outOff, lower);
  else addDots(x, xOff, y, yOff, m, n, d, out, outOff, lower);
}

/**
 * out[i*n + j] += sum_k a[aOff + i*d + k] * a[aOff + j*d + k]: the full symmetric n x n result
 * (the lower triangle and diagonal blocks are computed, then mirrored).
 */
export function addGram(a: Float64Array, aOff: number, n: number, d: number, out: Float64Array, outOff: number): void {
  dots(a, aOff, a, aOff, n, n, d, out, outOff, true);
  for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) out[outOff + r * n + c] = out[outOff + c * n + r];
}

/** out[t*n + i] += sum_k z[zOff + t*d + k] * a[aOff + i*d + k]  (t < m, i < n). */
export function addCross(
  z: Float64Array,
  zOff: number,
  m: number,
  a: Float64Array,
  aOff: number,
  n: number,
  d: number,
  out: Float64Array,
  outOff: number,
): void {
  dots(z, zOff, a, aOff, m, n, d, out, outOff, false);
}

/**
 * Lower Cholesky factor of the symmetric n x n matrix (a + shift*I), written to l (row-major, upper part zeroed).
 * Returns false when a pivot is not positive (the matrix is not numerically positive definite).
 */
export function choleskyShifted(a: Float64Array, aOff: number, n: number, shift: number, l: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let j = 0;
    // four entries of row i at once: four independent subtraction chains sharing the loads of row i. Each entry's
    // chain still subtracts l[i][k] * l[j][k] for k = 0, 1, ... in order from the same start, so the factor has
    // the same bits as the one-entry loop below (test/engine/linalg-chains.test.ts)
    for (; j + 3 <= i; j += 4) {
      const r0 = j * n,
        r1 = r0 + n,
        r2 = r1 + n,
        r3 = r2 + n;
      const diag = j + 3 === i;
      let s0 = a[aOff + ri + j],
        s1 = a[aOff + ri + j + 1],
        s2 = a[aOff + ri + j + 2],
        s3 = a[aOff + ri + j + 3];
      if (diag) s3 += shift;
      for (let k = 0; k < j; k++) {
        const x = l[ri + k];
        s0 -= x * l[r0 + k];
        s1 -= x * l[r1 + k];
        s2 -= x * l[r2 + k];
        s3 -= x * l[r3 + k];
      }
      const y0 = s0 / l[r0 + j];
      l[ri + j] = y0;
      s1 -= y0 * l[r1 + j];
      const y1 = s1 / l[r1 + j + 1];
      l[ri + j + 1] = y1;
      s2 -= y0 * l[r2 + j];
      s2 -= y1 * l[r2 + j + 1];
      const y2 = s2 / l[r2 + j + 2];
      l[ri + j + 2] = y2;
      s3 -= y0 * l[r3 + j];
      s3 -= y1 * l[r3 + j + 1];
      s3 -= y2 * l[r3 + j + 2];
      if (diag) {
        if (!(s3 > 0)) return false;
        l[ri + i] = Math.sqrt(s3);
      } else {
        l[ri + j + 3] = s3 / l[r3 + j + 3];
      }
    }
    for (; j <= i; j++) {
      const rj = j * n;
      let s = a[aOff + ri + j];
      if (i === j) s += shift;
      for (let k = 0; k < j; k++) s -= l[ri + k] * l[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        l[ri + i] = Math.sqrt(s);
      } else {
        l[ri + j] = s / l[rj + j];
      }
    }
    for (let jj = i + 1; jj < n; jj++) l[ri + jj] = 0;
  }
  return true;
}

/** Solves L y = b in place (b overwritten by y) for lower-triangular L; returns y . y. */
export function forwardSolveSquaredNorm(l: Float64Array, n: number, b: Float64Array, bOff: number): number {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[bOff + i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[bOff + k];
    const y = s / l[ri + i];
    b[bOff + i] = y;
    norm += y * y;
  }
  return norm;
}
