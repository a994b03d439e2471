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
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new ShapeError('smoothing sigma must be a positive number', { sigma });
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

type Boundary = 'zero' | 'reflect';

/** src index for position k outside [0, n): -1 for zero padding; scipy 'reflect' (d c b a | a b c d), period 2n. */
function boundaryIndex(k: number, n: number, b: Boundary): number {
  if (k >= 0 && k < n) return k;
  if (b === 'zero') return -1;
  let m = k % (2 * n);
  if (m < 0) m += 2 * n;
  return m < n ? m : 2 * n - 1 - m;
}

/**
 * Correlate every line of `src` (a stack of h x w planes) with `taps` along one axis.
 * taps === null means a box sum of width `box` (all ones).
 */
function pass1d(
  src: ArrayLike<number>, dst: Float64Array | Float32Array, planes: number, h: number, w: number,
  axis: 'v' | 'h', taps: Float64Array | null, r: number, b: Boundary,
): void {
  const n = axis === 'v' ? h : w;
  const stride = axis === 'v' ? w : 1;
  const lines = axis === 'v' ? planes * w : planes * h;
  const k = 2 * r + 1;
  const line = new Float64Array(n + 2 * r);
  for (let li = 0; li < lines; li++) {
    const base = axis === 'v' ? Math.floor(li / w) * h * w + (li % w) : li * w;
    for (let x = -r; x < n + r; x++) {
      const s = boundaryIndex(x, n, b);
      line[x + r] = s < 0 ? 0 : src[base + s * stride];
    }
    if (taps === null) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += line[j];
      for (let x = 0; x < n; x++) {
        dst[base + x * stride] = acc;
        acc += line[x + k] - line[x];
      }
    } else {
      for (let x = 0; x < n; x++) {
        let acc = 0;
        for (let j = 0; j < k; j++) acc += taps[j] * line[x + j];
        dst[base + x * stride] = acc;
      }
    }
  }
}

function checkMaps(maps: Float32Array, n: number, h: number, w: number): void {
  if (maps.length !== n * h * w) throw new ShapeError('map buffer does not match n*h*w', { length: maps.length, n, h, w });
}

/** The original's smoothing kernel (box (x) Gaussian, zero padding, gain k^2). Returns a new array. */
export function smoothReference(maps: Float32Array, n: number, h: number, w: number, sigma: number): Float32Array {
  checkMaps(maps, n, h, w);
  const r = radiusOf(sigma);
  const g32 = Float64Array.from(gaussianTaps(sigma), (v) => Math.fround(v)); // torch keeps the kernel in float32
  const t64 = new Float64Array(maps.length);
  const mid = new Float32Array(maps.length);
  pass1d(maps, t64, n, h, w, 'v', g32, r, 'zero');
  pass1d(t64, mid, n, h, w, 'h', null, r, 'zero'); // K1 output, float32
  pass1d(mid, t64, n, h, w, 'v', null, r, 'zero');
  const out = new Float32Array(maps.length);
  pass1d(t64, out, n, h, w, 'h', g32, r, 'zero'); // K2 output, float32
  return out;
}

/** scipy.ndimage.gaussian_filter(maps[i], sigma) for every map (truncate 4, reflect). Returns a new array. */
export function smoothGaussian(maps: Float32Array, n: number, h: number, w: number, sigma: number): Float32Array {
  checkMaps(maps, n, h, w);
  const r = radiusOf(sigma);
  const g = gaussianTaps(sigma);
  const mid = new Float32Array(maps.length);
  pass1d(maps, mid, n, h, w, 'v', g, r, 'reflect');
  const out = new Float32Array(maps.length);
  pass1d(mid, out, n, h, w, 'h', g, r, 'reflect');
  return out;
}
