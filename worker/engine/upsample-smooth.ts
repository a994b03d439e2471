/**
 * Fused "bilinear upsample to size x size, then smooth" (spec 7.2-7.3) for the small distance grids.
 * Both steps are separable linear maps, so map = A_v . D . A_h^T with A_v = S_v U_y (size x h) and
 * A_h = S_h U_x (size x w): about 20x fewer operations than smoothing the full-resolution map.
 * Same mathematics as smoothReference/smoothGaussian(upsampleBilinear(d)) in float64; only the float32
 * rounding of the two intermediate images is skipped (differences ~1e-7 of the max, below the 2e-6 by which
 * torch's own float32 convolution departs from the exact result).
 */
import { ShapeError } from '../../shared/errors.js';
import type { SmoothingKind } from '../../shared/trial.js';
import { axisTable } from './resize.js';
import { boundaryIndex, gaussianTaps, type Boundary } from './smoothing.js';
import { UpsampleWorkspace, type PassStats } from './wasm/upsample.js';

function corr1d(v: Float64Array, taps: Float64Array, b: Boundary): Float64Array {
  const n = v.length;
  const r = (taps.length - 1) / 2;
  const out = new Float64Array(n);
  for (let x = 0; x < n; x++) {
    let acc = taps[r] * v[x];
    for (let j = 1; j <= r; j++) {
      const a = boundaryIndex(x - j, n, b);
      const c = boundaryIndex(x + j, n, b);
      acc += ((a < 0 ? 0 : v[a]) + (c < 0 ? 0 : v[c])) * taps[r + j];
    }
    out[x] = acc;
  }
  return out;
}

function box1dZero(v: Float64Array, r: number): Float64Array {
  const n = v.length;
  const out = new Float64Array(n);
  for (let x = 0; x < n; x++) {
    let acc = 0;
    for (let j = Math.max(0, x - r); j <= Math.min(n - 1, x + r); j++) acc += v[j];
    out[x] = acc;
  }
  return out;
}

const operators = new Map<string, Float64Array>();

/**
 * size x nIn operator (row-major): column q = smoothing chain applied to the bilinear upsampling of e_q.
 * axis 'v': reference = Gaussian then box (kernel K1 then K2 seen vertically); axis 'h': box then Gaussian.
 */
export function axisOperator(
  nIn: number,
  size: number,
  kind: SmoothingKind,
  sigma: number,
  axis: 'v' | 'h',
): Float64Array {
  const key = `${nIn}|${size}|${kind}|${sigma}|${axis}`;
  const hit = operators.get(key);
  if (hit) return hit;
  const t = axisTable(nIn, size);
  const taps = gaussianTaps(sigma);
  const r = (taps.length - 1) / 2;
  const g = kind === 'reference' ? Float64Array.from(taps, (v) => Math.fround(v)) : taps;
  const op = new Float64Array(size * nIn);
  for (let q = 0; q < nIn; q++) {
    let col: Float64Array = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      if (t.i0[i] === q) col[i] += t.l0[i];
      if (t.i1[i] === q) col[i] += t.l1[i];
    }
    if (kind === 'gaussian') col = corr1d(col, g, 'reflect');
    else col = axis === 'v' ? box1dZero(corr1d(col, g, 'zero'), r) : corr1d(box1dZero(col, r), g, 'zero');
    for (let i = 0; i < size; i++) op[i * nIn + q] = col[i];
  }
  if (operators.size > 256) operators.clear();
  operators.set(key, op);
  return op;
}

/**
 * Non-zero column range [lo, hi) of each row of a rows x cols operator (the operators are banded: a smoothing
 * kernel reaches only part of the grid). Skipping exact zeros leaves every sum bit-identical: the terms are
 * products with +0 or -0 coefficients, and a float64 sum that starts at +0 is never -0 and never changes when a
 * zero is added (finite inputs).
 */
function rowRanges(op: Float64Array, rows: number, cols: number): Int32Array {
  const hit = ranges.get(op);
  if (hit) return hit;
  const r = new Int32Array(2 * rows);
  for (let i = 0; i < rows; i++) {
    let lo = cols;
    let hi = 0;
    for (let j = 0; j < cols; j++)
      if (op[i * cols + j] !== 0) {
        if (j < lo) lo = j;
        hi = j + 1;
      }
    r[2 * i] = lo < hi ? lo : 0;
    r[2 * i + 1] = hi;
  }
  ranges.set(op, r);
  return r;
}

const ranges = new WeakMap<Float64Array, Int32Array>();

/** What the metrics need from one read of the smoothed maps: each map's maximum (its image score) and the range. */
export interface MapScan {
  imageScores: Float32Array;
  min: number;
  max: number;
  /** the first index of a NaN output, or -1 */
  nanAt: number;
}

/** n maps of h x w (float32 distances) -> n smoothed maps of size x size (float32). */
export function upsampleSmooth(
  maps: Float32Array,
  n: number,
  h: number,
  w: number,
  size: number,
  kind: SmoothingKind,
  sigma: number,
): Float32Array {
  return upsampleSmoothScan(maps, n, h, w, size, kind, sigma).maps;
}

/**
 * One map's vertical pass in TypeScript (the fallback of the wasm pass, for sizes that are not a multiple of 4):
 * out[ob + y*size + x] = sum over the band of av[y][a] * tmp[a][x], a ascending, four columns at a time.
 */
function verticalPass(
  tmp: Float64Array,
  av: Float64Array,
  rv: Int32Array,
  out: Float32Array,
  ob: number,
  h: number,
  size: number,
): PassStats {
  let max = -Infinity;
  let min = Infinity;
  let nan = false;
  for (let y = 0; y < size; y++) {
    const lo = rv[2 * y];
    const end = rv[2 * y + 1];
    const cb = y * h;
    const o = ob + y * size;
    let x = 0;
    for (; x + 3 < size; x += 4) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let a = lo, t = lo * size + x; a < end; a++, t += size) {
        const c = av[cb + a];
        s0 += c * tmp[t];
        s1 += c * tmp[t + 1];
        s2 += c * tmp[t + 2];
        s3 += c * tmp[t + 3];
      }
      out[o + x] = s0;
      out[o + x + 1] = s1;
      out[o + x + 2] = s2;
      out[o + x + 3] = s3;
      max = Math.max(max, s0, s1, s2, s3);
      min = Math.min(min, s0, s1, s2, s3);
      nan ||= s0 !== s0 || s1 !== s1 || s2 !== s2 || s3 !== s3;
    }
    for (; x < size; x++) {
      let s0 = 0;
      for (let a = lo; a < end; a++) s0 += av[cb + a] * tmp[a * size + x];
      out[o + x] = s0;
      max = Math.max(max, s0);
      min = Math.min(min, s0);
      nan ||= s0 !== s0;
    }
  }
  return { max, min, nan };
}

/**
 * upsampleSmooth, also scanning its outputs as it writes them (the metrics then need no pass of their own).
 * The maps go into a new array, into `into`, or (into = 'workspace') stay in this thread's wasm workspace: that view
 * is valid until the next call. The maximum and minimum are taken over the float64 sums and rounded to float32 at
 * the end: rounding is monotonic, so they equal the maxima of the outputs. The vertical pass runs in wasm (SIMD,
 * bit-identical) when size is a multiple of 4.
 */
export function upsampleSmoothScan(
  maps: Float32Array,
  n: number,
  h: number,
  w: number,
  size: number,
  kind: SmoothingKind,
  sigma: number,
  into: Float32Array | 'new' | 'workspace' = 'new',
): { maps: Float32Array; scan: MapScan } {
  if (maps.length !== n * h * w)
    throw new ShapeError('map buffer does not match n*h*w', { length: maps.length, n, h, w });
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new ShapeError('smoothing sigma must be a positive number', { sigma });
  const total = n * size * size;
  if (into instanceof Float32Array && into.length !== total)
    throw new ShapeError('output buffer does not match n*size*size', { length: into.length, n, size });
  const av = axisOperator(h, size, kind, sigma, 'v');
  const ah = axisOperator(w, size, kind, sigma, 'h');
  const rv = rowRanges(av, size, h);
  const rh = rowRanges(ah, size, w);
  const ws = size % 4 === 0 ? UpsampleWorkspace.for(total, h, size) : null;
  ws?.setOperator(av, rv);
  const out = ws ? ws.out : into instanceof Float32Array ? into : new Float32Array(total);
  const tmp = ws ? ws.tmp : new Float64Array(h * size); // D . A_h^T
  const imageScores = new Float32Array(n);
  let min = Infinity;
  let max = -Infinity;
  let nan = false;
  for (let i = 0; i < n; i++) {
    const mb = i * h * w;
    for (let a = 0; a < h; a++)
      for (let x = 0; x < size; x++) {
        let s = 0;
        const end = rh[2 * x + 1];
        for (let b = rh[2 * x]; b < end; b++) s += maps[mb + a * w + b] * ah[x * w + b];
        tmp[a * size + x] = s;
      }
    const st = ws ? ws.vpass(i * size * size, h, size) : verticalPass(tmp, av, rv, out, i * size * size, h, size);
    imageScores[i] = st.max;
    if (st.max > max) max = st.max;
    if (st.min < min) min = st.min;
    nan ||= st.nan;
  }
  const nanAt = nan ? out.findIndex((v) => v !== v) : -1;
  let result = out;
  if (ws && into !== 'workspace') {
    result = into instanceof Float32Array ? into : new Float32Array(total);
    result.set(out);
  }
  return { maps: result, scan: { imageScores, min: Math.fround(min), max: Math.fround(max), nanAt } };
}
