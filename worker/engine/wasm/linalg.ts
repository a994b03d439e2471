/**
 * addDots in wasm (linalg.wat): the operands are copied into this thread's workspace, the dot products added into a
 * copy of `out` there, and the result copied back. The copies cost O(m d + n d + m n) against O(m n d) of work.
 */
import { LINALG_WASM_BASE64 } from './linalg-bytes.js';
import { ensureBytes, instantiate, type WasmMemory } from './wasm-api.js';

interface LinalgExports {
  memory: WasmMemory;
  dots: (x: number, y: number, m: number, n: number, d: number, out: number, lower: number, py: number) => void;
  fsolve4: (l: number, n: number, pb: number, norms: number) => void;
  chol: (a: number, l: number, p: number, n: number, shift: number) => number;
}

let exportsOf: LinalgExports | null = null;

/**
 * out[outOff + i*n + j] += row_i(x) . row_j(y) (rows of d values at xOff and yOff) for i < m and j < n, or only the
 * 4-row blocks of the lower triangle when `lower` (see linalg.ts addDots): the same bits as the TypeScript kernel.
 */
export function addDotsWasm(
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
  const ex = (exportsOf ??= instantiate<LinalgExports>(LINALG_WASM_BASE64));
  const same = x === y && xOff === yOff && m === n;
  const xBytes = 8 * m * d;
  const yBytes = same ? 0 : 8 * n * d;
  const blocks = n >> 2;
  const pyAt = xBytes + yBytes + 8 * m * n;
  ensureBytes(ex.memory, pyAt + 32 * blocks * d);
  const buf = ex.memory.buffer;
  packColumns(y, yOff, blocks, d, new Float64Array(buf, pyAt, 4 * blocks * d));
  new Float64Array(buf, 0, m * d).set(x.subarray(xOff, xOff + m * d));
  if (!same) new Float64Array(buf, xBytes, n * d).set(y.subarray(yOff, yOff + n * d));
  const o = new Float64Array(buf, xBytes + yBytes, m * n);
  o.set(out.subarray(outOff, outOff + m * n));
  ex.dots(0, same ? 0 : xBytes, m, n, d, xBytes + yBytes, lower ? 1 : 0, pyAt);
  out.set(o, outOff);
}

/** y's rows in blocks of 4, interleaved by channel: p[(b*d + k)*4 + c] = y[yOff + (4b + c)*d + k]. */
function packColumns(y: Float64Array, yOff: number, blocks: number, d: number, p: Float64Array): void {
  for (let b = 0; b < blocks; b++) {
    const r = yOff + 4 * b * d;
    const o = 4 * b * d;
    for (let k = 0; k < d; k++) {
      const q = o + 4 * k;
      p[q] = y[r + k];
      p[q + 1] = y[r + d + k];
      p[q + 2] = y[r + 2 * d + k];
      p[q + 3] = y[r + 3 * d + k];
    }
  }
}

/**
 * forwardSolveSquaredNorm (linalg.ts), 4 rows at a time, over rows 0..4*floor(t/4)-1 of b (t right-hand sides of n values, row r at r*n), in wasm:
 * quad[r] = |L^-1 b_r|^2 with the same bits as the TypeScript kernel. L is row-major n x n at l[lOff..]. Returns how
 * many rows it solved (the rest, fewer than 4, are left to the caller). b is not modified.
 */
export function forwardSolveNormsWasm(
  l: Float64Array,
  lOff: number,
  n: number,
  b: Float64Array,
  t: number,
  quad: Float64Array,
): number {
  const ex = (exportsOf ??= instantiate<LinalgExports>(LINALG_WASM_BASE64));
  const lBytes = 8 * n * n;
  ensureBytes(ex.memory, lBytes + 32 * n + 32);
  const buf = ex.memory.buffer;
  new Float64Array(buf, 0, n * n).set(l.subarray(lOff, lOff + n * n));
  const pb = new Float64Array(buf, lBytes, 4 * n);
  const norms = new Float64Array(buf, lBytes + 32 * n, 4);
  let r = 0;
  for (; r + 3 < t; r += 4) {
    for (let c = 0; c < 4; c++) {
      const o = (r + c) * n;
      for (let i = 0; i < n; i++) pb[4 * i + c] = b[o + i];
    }
    ex.fsolve4(0, n, lBytes, lBytes + 32 * n);
    quad.set(norms, r);
  }
  return r;
}

/**
 * choleskyShifted (linalg.ts) in wasm, the same bits: the lower factor of (a + shift I), a the symmetric n x n matrix
 * at a[aOff..], written to l (upper part zeroed). False when a pivot is not positive (l then holds a partial factor).
 */
export function choleskyShiftedWasm(a: Float64Array, aOff: number, n: number, shift: number, l: Float64Array): boolean {
  const ex = (exportsOf ??= instantiate<LinalgExports>(LINALG_WASM_BASE64));
  const nn = n * n;
  ensureBytes(ex.memory, 8 * (2 * nn + 4 * ((n + 3) >> 2) * n));
  const buf = ex.memory.buffer;
  new Float64Array(buf, 0, nn).set(a.subarray(aOff, aOff + nn));
  const lw = new Float64Array(buf, 8 * nn, nn);
  lw.fill(0);
  const ok = ex.chol(0, 8 * nn, 16 * nn, n, shift) === 1;
  l.set(lw);
  return ok;
}
