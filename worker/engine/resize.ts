/**
 * Bilinear resize with torch's F.interpolate(mode='bilinear', align_corners=False) semantics, no antialias
 * (spec 4.3): x = max((i+0.5)*in/out - 0.5, 0), x0 = min(floor(x), in-1), x1 = min(x0+1, in-1).
 * Coordinates and weights are computed in float32 like torch's CPU kernel; values in float64, stored float32.
 */
import { ShapeError } from '../../shared/errors.js';
import { featureBatch, type FeatureBatch } from './feature-batch.js';

const f32 = Math.fround;

export interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  l1: Float64Array; // weight of i1 (as float32 value)
  l0: Float64Array; // weight of i0
}

export function axisTable(nIn: number, nOut: number): AxisTable {
  const t: AxisTable = {
    i0: new Int32Array(nOut),
    i1: new Int32Array(nOut),
    l1: new Float64Array(nOut),
    l0: new Float64Array(nOut),
  };
  const scale = f32(nIn / nOut);
  for (let i = 0; i < nOut; i++) {
    let x = f32(f32(scale * f32(i + 0.5)) - 0.5);
    if (x < 0) x = 0;
    const x0 = Math.min(Math.floor(x), nIn - 1);
    const x1 = Math.min(x0 + 1, nIn - 1);
    const lam = f32(x - x0);
    t.i0[i] = x0;
    t.i1[i] = x1;
    t.l1[i] = lam;
    t.l0[i] = f32(1 - lam);
  }
  return t;
}

/** Resize every (image, channel) plane of `x` to oh x ow. Returns `x` itself when the size already matches. */
export function resizeBilinear(x: FeatureBatch, oh: number, ow: number): FeatureBatch {
  if (oh === x.h && ow === x.w) return x;
  const out = featureBatch(x.n, x.c, oh, ow);
  resizePlanes(x.data, x.n * x.c, x.h, x.w, out.data, oh, ow);
  return out;
}

/**
 * Plane-level resize into `dst` (planes x oh x ow). Separable evaluation of the same float64 expression
 * h0 * (w0 * x[r0][a] + w1 * x[r0][b]) + h1 * (w0 * x[r1][a] + w1 * x[r1][b]): the horizontal interpolation of each
 * source row that some output row reads is computed once per plane (unrounded float64, so the result is bit-identical
 * to evaluating the expression per output). Downsizes along H (oh < h) use the per-output expression directly.
 */
export function resizePlanes(
  src: Float32Array,
  planes: number,
  h: number,
  w: number,
  dst: Float32Array,
  oh: number,
  ow: number,
): void {
  if (h < 1 || w < 1 || oh < 1 || ow < 1)
    throw new ShapeError('bilinear resize needs non-empty sizes', { h, w, oh, ow });
  const ty = axisTable(h, oh);
  const tx = axisTable(w, ow);
  if (oh < h) {
    resizeDirect(src, planes, h, w, dst, oh, ow, ty, tx);
    return;
  }
  const used: number[] = [];
  for (let r = 0; r < h; r++) if (ty.i0.includes(r) || ty.i1.includes(r)) used.push(r);
  const hx = new Float64Array(h * ow);
  const { i0, i1, l0, l1 } = tx;
  for (let p = 0; p < planes; p++) {
    const sb = p * h * w;
    const db = p * oh * ow;
    for (const r of used) {
      const sr = sb + r * w;
      const hr = r * ow;
      for (let xx = 0; xx < ow; xx++) hx[hr + xx] = l0[xx] * src[sr + i0[xx]] + l1[xx] * src[sr + i1[xx]];
    }
    for (let y = 0; y < oh; y++) {
      const r0 = ty.i0[y] * ow;
      const r1 = ty.i1[y] * ow;
      const h0 = ty.l0[y];
      const h1 = ty.l1[y];
      const orow = db + y * ow;
      for (let xx = 0; xx < ow; xx++) dst[orow + xx] = h0 * hx[r0 + xx] + h1 * hx[r1 + xx];
    }
  }
}

/** the per-output expression, cheaper than the separable form when rows are dropped (oh < h) */
function resizeDirect(
  src: Float32Array,
  planes: number,
  h: number,
  w: number,
  dst: Float32Array,
  oh: number,
  ow: number,
  ty: AxisTable,
  tx: AxisTable,
): void {
  for (let p = 0; p < planes; p++) {
    const sb = p * h * w;
    const db = p * oh * ow;
    for (let y = 0; y < oh; y++) {
      const r0 = sb + ty.i0[y] * w;
      const r1 = sb + ty.i1[y] * w;
      const h0 = ty.l0[y];
      const h1 = ty.l1[y];
      const orow = db + y * ow;
      for (let xx = 0; xx < ow; xx++) {
        const a = tx.i0[xx];
        const b = tx.i1[xx];
        const w0 = tx.l0[xx];
        const w1 = tx.l1[xx];
        dst[orow + xx] = h0 * (w0 * src[r0 + a] + w1 * src[r0 + b]) + h1 * (w0 * src[r1 + a] + w1 * src[r1 + b]);
      }
    }
  }
}

/** Distance maps (n x h x w, float32) upsampled to size x size (spec 7.2). */
export function upsampleBilinear(maps: Float32Array, n: number, h: number, w: number, size: number): Float32Array {
  if (maps.length !== n * h * w)
    throw new ShapeError('map buffer does not match n*h*w', { length: maps.length, n, h, w });
  const out = new Float32Array(n * size * size);
  resizePlanes(maps, n, h, w, out, size, size);
  return out;
}
