/**
 * 2-D discrete wavelet transform compatible with PyWavelets (`pywt.dwt2` / `wavedec2`) and with
 * pytorch_wavelets' DWTForward(mode='zero') as the original uses it (spec 4.1).
 * Float32 in and out (as the original), float64 accumulation inside each 1-D pass.
 */
import { ShapeError } from '../../shared/errors.js';
import type { DwtMode, Wavelet } from '../../shared/wavelets.js';
import { analyseCols, analyseRows } from './dwt-kernels.js';
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

/** One level of the 2-D DWT of every (image, channel) plane: filter along W, then along H. */
export function dwt2Level(x: FeatureBatch, wavelet: Wavelet, mode: DwtMode): { LL: FeatureBatch } & DetailBands {
  const f = WAVELET_FILTERS[wavelet];
  if (x.h < 2 || x.w < 2) throw new ShapeError('DWT input plane smaller than 2x2', { h: x.h, w: x.w });
  const planes = x.n * x.c;
  const rows = analyseRows(x.data, planes * x.h, x.w, f.decLo, f.decHi, mode);
  const a = analyseCols(rows.lo, planes, x.h, rows.n, f.decLo, f.decHi, mode);
  const b = analyseCols(rows.hi, planes, x.h, rows.n, f.decLo, f.decHi, mode);
  const mk = (d: Float32Array): FeatureBatch => featureBatch(x.n, x.c, a.n, rows.n, d);
  return { LL: mk(a.lo), LH: mk(a.hi), HL: mk(b.lo), HH: mk(b.hi) };
}

/** Multi-level 2-D DWT (pywt.wavedec2 with axes (-2,-1)); throws ShapeError when the level is too deep. */
export function dwt2(x: FeatureBatch, wavelet: Wavelet, level: number, mode: DwtMode): Dwt2Result {
  if (!Number.isInteger(level) || level < 1) throw new ShapeError('wavelet level must be an integer >= 1', { level });
  const details: DetailBands[] = [];
  let cur = x;
  for (let j = 0; j < level; j++) {
    if (cur.h < 2 || cur.w < 2)
      throw new ShapeError(`wavelet level ${level} is too deep for a ${x.h}x${x.w} map`, {
        level, h: x.h, w: x.w, levelInputH: cur.h, levelInputW: cur.w,
      });
    const r = dwt2Level(cur, wavelet, mode);
    details.push({ LH: r.LH, HL: r.HL, HH: r.HH });
    cur = r.LL;
  }
  return { LL: cur, details };
}
