/**
 * 2-D discrete wavelet transform compatible with PyWavelets (`pywt.dwt2` / `wavedec2`) and with
 * pytorch_wavelets' DWTForward(mode='zero') as the original uses it (spec 4.1).
 * Float32 in and out (as the original), float64 accumulation inside each 1-D pass.
 */
import { ShapeError } from '../../shared/errors.js';
import type { DwtMode, Wavelet } from '../../shared/wavelets.js';
import { colsPass, rowsPass, tapPlan } from './dwt-kernels.js';
import { featureBatch, type FeatureBatch } from './feature-batch.js';
import { WAVELET_FILTERS } from './wavelet-filters.js';

/** Detail bands of one level, named as spec 4.1: LH = high along H (pywt cH), HL = high along W (cV), HH = cD. */
export interface DetailBands {
  LH: FeatureBatch;
  HL: FeatureBatch;
  HH: FeatureBatch;
}

export interface Dwt2Result {
  /** the coarsest approximation LL_J */
  LL: FeatureBatch;
  /** details[0] is level 1 (finest), details[J-1] level J (coarsest) */
  details: DetailBands[];
}

/**
 * One level of the 2-D DWT of every (image, channel) plane: filter along W, then along H. Plane by plane, so the
 * row-pass intermediate (rounded to float32, as before) stays in a small cache-resident scratch.
 */
export function dwt2Level(x: FeatureBatch, wavelet: Wavelet, mode: DwtMode): { LL: FeatureBatch } & DetailBands {
  const f = WAVELET_FILTERS[wavelet];
  if (x.h < 2 || x.w < 2) throw new ShapeError('DWT input plane smaller than 2x2', { h: x.h, w: x.w });
  const planes = x.n * x.c;
  const L = f.decLo.length;
  const pw = tapPlan(x.w, L, mode);
  const ph = tapPlan(x.h, L, mode);
  const ow = pw.nOut;
  const oh = ph.nOut;
  const rowLo = new Float32Array(x.h * ow);
  const rowHi = new Float32Array(x.h * ow);
  const acc = { lo: new Float64Array(ow), hi: new Float64Array(ow) };
  const bands = [0, 1, 2, 3].map(() => new Float32Array(planes * oh * ow));
  const [ll, lh, hl, hh] = bands;
  for (let p = 0; p < planes; p++) {
    rowsPass(x.data, p * x.h * x.w, x.h, x.w, pw, f.decLo, f.decHi, rowLo, rowHi, 0);
    colsPass(rowLo, 0, ow, ph, f.decLo, f.decHi, ll, lh, p * oh * ow, acc);
    colsPass(rowHi, 0, ow, ph, f.decLo, f.decHi, hl, hh, p * oh * ow, acc);
  }
  const mk = (d: Float32Array): FeatureBatch => featureBatch(x.n, x.c, oh, ow, d);
  return { LL: mk(ll), LH: mk(lh), HL: mk(hl), HH: mk(hh) };
}

/** Multi-level 2-D DWT (pywt.wavedec2 with axes (-2,-1)); throws ShapeError when the level is too deep. */
export function dwt2(x: FeatureBatch, wavelet: Wavelet, level: number, mode: DwtMode): Dwt2Result {
  if (!Number.isInteger(level) || level < 1) throw new ShapeError('wavelet level must be an integer >= 1', { level });
  const details: DetailBands[] = [];
  let cur = x;
  for (let j = 0; j < level; j++) {
    if (cur.h < 2 || cur.w < 2)
      throw new ShapeError(`wavelet level ${level} is too deep for a ${x.h}x${x.w} map`, {
        level,
        h: x.h,
        w: x.w,
        levelInputH: cur.h,
        levelInputW: cur.w,
      });
    const r = dwt2Level(cur, wavelet, mode);
    details.push({ LH: r.LH, HL: r.HL, HH: r.HH });
    cur = r.LL;
  }
  return { LL: cur, details };
}
