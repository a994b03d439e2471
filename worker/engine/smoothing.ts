/**
 * Smoothing of anomaly maps (float32 in and out, float64 inside each pass).
 * - smoothReference: the original's utils.gaussian_filter (spec 7.3): kernel K1[i][j] = g[i], then K2[i][j] = g[j],
 *   each a k x k 2-D cross-correlation with zero padding r. K1 = (vertical g) x (horizontal box of width k);
 *   K2 = (vertical box) x (horizontal g). The intermediate result is rounded to float32 like torch's conv2d output.
 * - smoothGaussian: scipy.ndimage.gaussian_filter(sigma) semantics: truncate 4, mode 'reflect',
 *   axis 0 then axis 1, each pass rounded to float32.
 */
import { ShapeError } from '../../shared/errors.js';

function radiusOf(sigma: number): number {
  if (!(sigma > 0) || !Number.isFinite(sigma))
    throw new ShapeError('smoothing sigma must be a positive number', { sigma });
  return Math.floor(4 * sigma + 0.5);
}

/** Normalized Gaussian taps exp(-t^2 / (2 sigma^2)), t = -r..r. */
export function gaussianTaps(sigma: number): Float64Array {
  const r = radiusOf(sigma);
  const g = new Float64Array(2 * r + 1);
  let s = 0;
  for (let t = -r; t <= r; t++) {
    g[t + r] = Math.exp((-0.5 / (sigma * sigma)) * t * t);
    s += g[t + r];
  }
  for (let i = 0; i < g.length; i++) g[i] /= s;
  return g;
}

export type Boundary = 'zero' | 'reflect';

/** src index for position k outside [0, n): -1 for zero padding; scipy 'reflect' (d c b a | a b c d), period 2n. */
export function boundaryIndex(k: number, n: number, b: Boundary): number {
  if (k >= 0 && k < n) return k;
  if (b === 'zero') return -1;
  let m = k % (2 * n);
  if (m < 0) m += 2 * n;
  return m < n ? m : 2 * n - 1 - m;
}

/** Symmetric taps as scipy applies them: centre tap first, then (left + right) * tap for j = 1..r. */
function hPass(
  src: ArrayLike<number>,
  dst: Float64Array | Float32Array,
  planes: number,
  h: number,
  w: number,
  taps: Float64Array | null,
  r: number,
  b: Boundary,
): void {
  const k = 2 * r + 1;
  const line = new Float64Array(w + 2 * r);
  for (let row = 0; row < planes * h; row++) {
    const base = row * w;
    for (let x = -r; x < w + r; x++) {
      const si = boundaryIndex(x, w, b);
      line[x + r] = si < 0 ? 0 : src[base + si];
    }
    if (taps === null) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += line[j];
      for (let x = 0; x < w; x++) {
        dst[base + x] = acc;
        acc += line[x + k] - line[x];
      }
    } else {
      const c = taps[r];
      for (let x = 0; x < w; x++) {
        const m = x + r;
        let acc = c * line[m];
        for (let j = 1; j <= r; j++) acc += (line[m - j] + line[m + j]) * taps[r + j];
        dst[base + x] = acc;
      }
    }
  }
}

/** The vertical pass, row by row so that the inner loops run over contiguous memory. */
function vPass(
  src: ArrayLike<number>,
  dst: Float64Array | Float32Array,
  planes: number,
  h: number,
  w: number,
  taps: Float64Array | null,
  r: number,
  b: Boundary,
): void {
  const acc = new Float64Array(w);
  for (let p = 0; p < planes; p++) {
    const pb = p * h * w;
    if (taps === null) {
      // running box sum over rows y-r..y+r with zero padding
      acc.fill(0);
      for (let y = 0; y <= Math.min(r, h - 1); y++) for (let x = 0; x < w; x++) acc[x] += src[pb + y * w + x];
      for (let y = 0; y < h; y++) {
        const o = pb + y * w;
        for (let x = 0; x < w; x++) dst[o + x] = acc[x];
        const add = y + r + 1;
        const sub = y - r;
        if (add < h) for (let x = 0; x < w; x++) acc[x] += src[pb + add * w + x];
        if (sub >= 0) for (let x = 0; x < w; x++) acc[x] -= src[pb + sub * w + x];
      }
      continue;
    }
    for (let y = 0; y < h; y++) {
      const c = taps[r];
      const o = pb + y * w;
      for (let x = 0; x < w; x++) acc[x] = c * src[o + x];
      for (let j = 1; j <= r; j++) {
        const t = taps[r + j];
        const up = boundaryIndex(y - j, h, b);
        const dn = boundaryIndex(y + j, h, b);
        const ou = pb + up * w;
        const od = pb + dn * w;
        if (up >= 0 && dn >= 0) for (let x = 0; x < w; x++) acc[x] += (src[ou + x] + src[od + x]) * t;
        else if (up >= 0) for (let x = 0; x < w; x++) acc[x] += (src[ou + x] + 0) * t;
        else if (dn >= 0) for (let x = 0; x < w; x++) acc[x] += (0 + src[od + x]) * t;
      }
      for (let x = 0; x < w; x++) dst[o + x] = acc[x];
    }
  }
}

function checkMaps(maps: Float32Array, n: number, h: number, w: number): void {
  if (maps.length !== n * h * w)
    throw new ShapeError('map buffer does not match n*h*w', { length: maps.length, n, h, w });
}

/** The original's smoothing kernel (box (x) Gaussian, zero padding, gain k^2). Returns a new array. */
export function smoothReference(maps: Float32Array, n: number, h: number, w: number, sigma: number): Float32Array {
  checkMaps(maps, n, h, w);
  const r = radiusOf(sigma);
  const g32 = Float64Array.from(gaussianTaps(sigma), (v) => Math.fround(v)); // torch keeps the kernel in float32
  const t64 = new Float64Array(maps.length);
  const mid = new Float32Array(maps.length);
  vPass(maps, t64, n, h, w, g32, r, 'zero');
  hPass(t64, mid, n, h, w, null, r, 'zero'); // K1 output, float32
  vPass(mid, t64, n, h, w, null, r, 'zero');
  const out = new Float32Array(maps.length);
  hPass(t64, out, n, h, w, g32, r, 'zero'); // K2 output, float32
  return out;
}

/** scipy.ndimage.gaussian_filter(maps[i], sigma) for every map (truncate 4, reflect). Returns a new array. */
export function smoothGaussian(maps: Float32Array, n: number, h: number, w: number, sigma: number): Float32Array {
  checkMaps(maps, n, h, w);
  const r = radiusOf(sigma);
  const g = gaussianTaps(sigma);
  const mid = new Float32Array(maps.length);
  vPass(maps, mid, n, h, w, g, r, 'reflect');
  const out = new Float32Array(maps.length);
  hPass(mid, out, n, h, w, g, r, 'reflect');
  return out;
}
