/**
 * Test-only reference: the straightforward tap-table DWT that worker/engine/dwt.ts had before its kernels were
 * specialised (commit 32ef743). The fast kernels must reproduce it bit for bit (same float64 summation order).
 */
import { ShapeError } from '../../shared/errors.js';
import { dwtOutLength, type DwtMode, type Wavelet } from '../../shared/wavelets.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import { WAVELET_FILTERS } from '../../worker/engine/wavelet-filters.js';

/** Detail bands of one level, named as spec 4.1: LH = high along H (pywt cH), HL = high along W (cV), HH = cD. */
interface DetailBands {
  LH: FeatureBatch;
  HL: FeatureBatch;
  HH: FeatureBatch;
}

interface Dwt2Result {
  /** the coarsest approximation LL_J */
  LL: FeatureBatch;
  /** details[0] is level 1 (finest), details[J-1] level J (coarsest) */
  details: DetailBands[];
}

/**
 * For a signal of length n: per output i and tap j, the source index of x[2i+o-j] under `mode`,
 * or -1 where the zero extension gives 0. Row-major (nOut x L).
 */
function tapTable(n: number, L: number, mode: DwtMode): { nOut: number; idx: Int32Array } {
  const nOut = dwtOutLength(n, L, mode);
  const idx = new Int32Array(nOut * L);
  if (mode === 'periodization') {
    const ne = n + (n % 2); // odd lengths are extended by repeating the last sample
    const o = L / 2;
    for (let i = 0; i < nOut; i++)
      for (let j = 0; j < L; j++) {
        let k = (2 * i + o - j) % ne;
        if (k < 0) k += ne;
        idx[i * L + j] = k >= n ? n - 1 : k;
      }
    return { nOut, idx };
  }
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
  return { nOut, idx };
}

/** Analysis along W of every row: returns [lo, hi] (rows x nOut), each rounded to float32. */
function analyseRows(
  src: Float32Array,
  rows: number,
  w: number,
  lo: readonly number[],
  hi: readonly number[],
  mode: DwtMode,
): { lo: Float32Array; hi: Float32Array; n: number } {
  const L = lo.length;
  const { nOut, idx } = tapTable(w, L, mode);
  const outLo = new Float32Array(rows * nOut);
  const outHi = new Float32Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    const base = r * w;
    const ob = r * nOut;
    for (let i = 0; i < nOut; i++) {
      let sLo = 0;
      let sHi = 0;
      const t0 = i * L;
      for (let j = 0; j < L; j++) {
        const k = idx[t0 + j];
        if (k < 0) continue;
        const v = src[base + k];
        sLo += lo[j] * v;
        sHi += hi[j] * v;
      }
      outLo[ob + i] = sLo;
      outHi[ob + i] = sHi;
    }
  }
  return { lo: outLo, hi: outHi, n: nOut };
}

/** Analysis along H of every plane, one output row at a time (contiguous inner loops over W). */
function analyseCols(
  src: Float32Array,
  planes: number,
  h: number,
  w: number,
  lo: readonly number[],
  hi: readonly number[],
  mode: DwtMode,
): { lo: Float32Array; hi: Float32Array; n: number } {
  const L = lo.length;
  const { nOut, idx } = tapTable(h, L, mode);
  const outLo = new Float32Array(planes * nOut * w);
  const outHi = new Float32Array(planes * nOut * w);
  const accLo = new Float64Array(w);
  const accHi = new Float64Array(w);
  for (let p = 0; p < planes; p++) {
    const pb = p * h * w;
    for (let i = 0; i < nOut; i++) {
      accLo.fill(0);
      accHi.fill(0);
      for (let j = 0; j < L; j++) {
        const k = idx[i * L + j];
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
      const ob = (p * nOut + i) * w;
      for (let x = 0; x < w; x++) {
        outLo[ob + x] = accLo[x];
        outHi[ob + x] = accHi[x];
      }
    }
  }
  return { lo: outLo, hi: outHi, n: nOut };
}

/** One level of the 2-D DWT of every (image, channel) plane: filter along W, then along H. */
export function dwt2LevelReference(
  x: FeatureBatch,
  wavelet: Wavelet,
  mode: DwtMode,
): { LL: FeatureBatch } & DetailBands {
  const f = WAVELET_FILTERS[wavelet];
  if (x.h < 2 || x.w < 2) throw new ShapeError('DWT input plane smaller than 2x2', { h: x.h, w: x.w });
  const planes = x.n * x.c;
  const rows = analyseRows(x.data, planes * x.h, x.w, f.decLo, f.decHi, mode);
  const a = analyseCols(rows.lo, planes, x.h, rows.n, f.decLo, f.decHi, mode);
  const b = analyseCols(rows.hi, planes, x.h, rows.n, f.decLo, f.decHi, mode);
  const mk = (d: Float32Array): FeatureBatch => featureBatch(x.n, x.c, a.n, rows.n, d);
  return { LL: mk(a.lo), LH: mk(a.hi), HL: mk(b.lo), HH: mk(b.hi) };
}

/**
 * Multi-level 2-D DWT, written as pywt defines wavedec2 (axes (-2,-1)): one level splits x into
 * (LL, details); the deeper levels are wavedec2 of that LL, recursively. Deliberately not the engine's
 * loop (dwt.ts), so the bit-identity test compares two different programs. A plane smaller than 2x2 at
 * any level throws (dwt2LevelReference), as the engine's "level too deep" error does.
 */
export function dwt2Reference(x: FeatureBatch, wavelet: Wavelet, level: number, mode: DwtMode): Dwt2Result {
  if (!Number.isInteger(level) || level < 1) throw new ShapeError('wavelet level must be an integer >= 1', { level });
  const { LL, LH, HL, HH } = dwt2LevelReference(x, wavelet, mode);
  if (level === 1) return { LL, details: [{ LH, HL, HH }] };
  const deeper = dwt2Reference(LL, wavelet, level - 1, mode);
  return { LL: deeper.LL, details: [{ LH, HL, HH }, ...deeper.details] };
}
