/** Float RGB canvases and binary regions for the synthetic dataset. */
import type { Rng } from './rng.js';

export type Rgb = readonly [number, number, number];

export interface Canvas {
  size: number;
  /** size*size*3, values 0..255 (clamped when quantised) */
  px: Float32Array;
}

export function newCanvas(size: number): Canvas {
  return { size, px: new Float32Array(size * size * 3) };
}

export function cloneCanvas(c: Canvas): Canvas {
  return { size: c.size, px: c.px.slice() };
}

/** Round and clamp to uint8 RGB. */
export function quantise(c: Canvas): Uint8Array {
  const out = new Uint8Array(c.px.length);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round(c.px[i]);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/** Add per-pixel sensor noise (same noise model for normal and defective images). */
export function addNoise(c: Canvas, rng: Rng, sigma: number): void {
  for (let i = 0; i < c.px.length; i += 3) {
    const g = rng.normal() * sigma * 0.6;
    c.px[i] += g + rng.normal() * sigma * 0.4;
    c.px[i + 1] += g + rng.normal() * sigma * 0.4;
    c.px[i + 2] += g + rng.normal() * sigma * 0.4;
  }
}

export function mix(a: Rgb, b: Rgb, t: number): [number, number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function jitterColour(c: Rgb, rng: Rng, amount: number): [number, number, number] {
  const common = rng.normal() * amount;
  return [
    c[0] + common + rng.normal() * amount * 0.3,
    c[1] + common + rng.normal() * amount * 0.3,
    c[2] + common + rng.normal() * amount * 0.3,
  ];
}

/** Distance from (px, py) to the segment (ax, ay)-(bx, by). */
export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** Mark pixels within halfWidth of a polyline (pixel centres at +0.5). */
export function strokePolyline(
  region: Uint8Array,
  size: number,
  pts: readonly (readonly [number, number])[],
  halfWidth: number,
): void {
  for (let s = 0; s + 1 < pts.length; s++) {
    const [ax, ay] = pts[s];
    const [bx, by] = pts[s + 1];
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - halfWidth - 1));
    const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx) + halfWidth + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - halfWidth - 1));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by) + halfWidth + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if (segmentDistance(x + 0.5, y + 0.5, ax, ay, bx, by) <= halfWidth) region[y * size + x] = 1;
      }
    }
  }
}

/** Mark pixels inside a star-shaped blob: radius r(phi) = r * (1 + sum a_k sin(k phi + p_k)), axes ratio `aspect`. */
export function fillBlob(
  region: Uint8Array,
  size: number,
  cx: number,
  cy: number,
  r: number,
  rng: Rng,
  opts: { aspect?: number; wobble?: number } = {},
): void {
  const aspect = opts.aspect ?? 1;
  const wobble = opts.wobble ?? 0.25;
  const harmonics = [2, 3, 5].map((k) => ({ k, a: (rng.range(0, wobble) / k) * 2, p: rng.range(0, 2 * Math.PI) }));
  const rot = rng.range(0, Math.PI);
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  const reach = r * (1 + wobble * 2) * Math.max(aspect, 1 / aspect) + 1;
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(size - 1, Math.ceil(cy + reach));
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(size - 1, Math.ceil(cx + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * cos + dy * sin) / aspect;
      const v = (-dx * sin + dy * cos) * aspect;
      const phi = Math.atan2(v, u);
      let rr = r;
      for (const h of harmonics) rr += r * h.a * Math.sin(h.k * phi + h.p);
      if (u * u + v * v <= rr * rr) region[y * size + x] = 1;
    }
  }
}

export function countOnes(region: Uint8Array): number {
  let n = 0;
  for (const v of region) n += v;
  return n;
}
