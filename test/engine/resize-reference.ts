/** Test-only reference: worker/engine/resize.ts before the separable evaluation (commit 13a5881).
 *
 * Bilinear resize with torch's F.interpolate(mode='bilinear', align_corners=False) semantics, no antialias
 * (spec 4.3): x = max((i+0.5)*in/out - 0.5, 0), x0 = min(floor(x), in-1), x1 = min(x0+1, in-1).
 * Coordinates and weights are computed in float32 like torch's CPU kernel; values in float64, stored float32.
 */
import { ShapeError } from '../../shared/errors.js';

const f32 = Math.fround;

interface AxisTable {
  i0: Int32Array;
  i1: Int32Array;
  l1: Float64Array; // weight of i1 (as float32 value)
  l0: Float64Array; // weight of i0
}

function axisTable(nIn: number, nOut: number): AxisTable {
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

/** Plane-level resize into `dst` (planes x oh x ow). */
export function resizePlanesReference(
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
