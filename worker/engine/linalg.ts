/**
 * Small dense float64 kernels over row-major matrices held in typed arrays: Gram products,
 * Cholesky factorization and triangular solves. Plain TypeScript, no allocation inside the loops.
 */

/**
 * out[i*n + j] += sum_k a[aOff + i*d + k] * a[aOff + j*d + k] for the full symmetric n x n result
 * (computed for j <= i with a 2x2 register block, then mirrored).
 */
export function addGram(a: Float64Array, aOff: number, n: number, d: number, out: Float64Array, outOff: number): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ri = aOff + i * d;
    const ri1 = ri + d;
    let j = 0;
    for (; j + 1 <= i; j += 2) {
      const rj = aOff + j * d;
      const rj1 = rj + d;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < d; k++) {
        const x0 = a[ri + k], x1 = a[ri1 + k], y0 = a[rj + k], y1 = a[rj1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[outOff + i * n + j] += s00;
      out[outOff + i * n + j + 1] += s01;
      out[outOff + (i + 1) * n + j] += s10;
      out[outOff + (i + 1) * n + j + 1] += s11;
    }
    // j === i here: the 2x2 diagonal block, of which (i, i+1) lies above the diagonal
    let s00 = 0, s10 = 0, s11 = 0;
    for (let k = 0; k < d; k++) {
      const x0 = a[ri + k], x1 = a[ri1 + k];
      s00 += x0 * x0;
      s10 += x1 * x0;
      s11 += x1 * x1;
    }
    out[outOff + i * n + i] += s00;
    out[outOff + (i + 1) * n + i] += s10;
    out[outOff + (i + 1) * n + i + 1] += s11;
  }
  if (i < n) {
    const ri = aOff + i * d;
    for (let j = 0; j <= i; j++) {
      const rj = aOff + j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += a[ri + k] * a[rj + k];
      out[outOff + i * n + j] += s;
    }
  }
  for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) out[outOff + r * n + c] = out[outOff + c * n + r];
}

/** out[t*n + i] += sum_k z[zOff + t*d + k] * a[aOff + i*d + k]  (t < m, i < n), 2x2 register blocks. */
export function addCross(
  z: Float64Array, zOff: number, m: number, a: Float64Array, aOff: number, n: number, d: number, out: Float64Array, outOff: number,
): void {
  let t = 0;
  for (; t + 1 < m; t += 2) {
    const zt = zOff + t * d;
    const zt1 = zt + d;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const ai = aOff + i * d;
      const ai1 = ai + d;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
      for (let k = 0; k < d; k++) {
        const x0 = z[zt + k], x1 = z[zt1 + k], y0 = a[ai + k], y1 = a[ai1 + k];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      out[outOff + t * n + i] += s00;
      out[outOff + t * n + i + 1] += s01;
      out[outOff + (t + 1) * n + i] += s10;
      out[outOff + (t + 1) * n + i + 1] += s11;
    }
    for (; i < n; i++) {
      const ai = aOff + i * d;
      let s0 = 0, s1 = 0;
      for (let k = 0; k < d; k++) {
        s0 += z[zt + k] * a[ai + k];
        s1 += z[zt1 + k] * a[ai + k];
      }
      out[outOff + t * n + i] += s0;
      out[outOff + (t + 1) * n + i] += s1;
    }
  }
  for (; t < m; t++) {
    const zt = zOff + t * d;
    for (let i = 0; i < n; i++) {
      const ai = aOff + i * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += z[zt + k] * a[ai + k];
      out[outOff + t * n + i] += s;
    }
  }
}

/**
 * Lower Cholesky factor of the symmetric n x n matrix (a + shift*I), written to l (row-major, upper part zeroed).
 * Returns false when a pivot is not positive (the matrix is not numerically positive definite).
 */
export function choleskyShifted(a: Float64Array, aOff: number, n: number, shift: number, l: Float64Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
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
    for (let j = i + 1; j < n; j++) l[ri + j] = 0;
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
