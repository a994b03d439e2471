/**
 * Defects painted onto a synthetic scene. Each painter marks a binary region and recolours exactly those pixels,
 * so the ground-truth mask is pixel-exact (for 'missing', the region is cut to the pixels the part covered).
 */
import { countOnes, fillBlob, strokePolyline, type Canvas, type Rgb } from './canvas.js';
import type { Rng } from './rng.js';

export const DEFECT_TYPES = ['scratch', 'crack', 'blob', 'missing', 'color', 'contamination'] as const;
export type DefectType = (typeof DEFECT_TYPES)[number];

export interface DefectTarget {
  canvas: Canvas;
  /** for objects: the scene without the part, and which pixels the part covers */
  background?: Canvas;
  coverage?: Uint8Array;
}

function meanLuma(c: Canvas, region: Uint8Array): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    s += 0.299 * c.px[i * 3] + 0.587 * c.px[i * 3 + 1] + 0.114 * c.px[i * 3 + 2];
    n++;
  }
  return n ? s / n : 128;
}

function recolour(
  c: Canvas,
  region: Uint8Array,
  f: (r: number, g: number, b: number) => [number, number, number],
): void {
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    const [r, g, b] = f(c.px[i * 3], c.px[i * 3 + 1], c.px[i * 3 + 2]);
    c.px[i * 3] = r;
    c.px[i * 3 + 1] = g;
    c.px[i * 3 + 2] = b;
  }
}

/** A location for the defect: on the part for objects, anywhere away from the border for textures. */
function pickCentre(t: DefectTarget, rng: Rng): [number, number] {
  const s = t.canvas.size;
  for (let tries = 0; tries < 200; tries++) {
    const x = rng.range(0.2, 0.8) * s;
    const y = rng.range(0.2, 0.8) * s;
    if (!t.coverage || t.coverage[Math.floor(y) * s + Math.floor(x)]) return [x, y];
  }
  return [s / 2, s / 2];
}

function scratch(t: DefectTarget, rng: Rng, region: Uint8Array): void {
  const s = t.canvas.size;
  const [cx, cy] = pickCentre(t, rng);
  const len = rng.range(0.22, 0.38) * s;
  const a = rng.range(0, Math.PI);
  const bend = rng.range(-0.25, 0.25) * len;
  const p0: [number, number] = [cx - (Math.cos(a) * len) / 2, cy - (Math.sin(a) * len) / 2];
  const p2: [number, number] = [cx + (Math.cos(a) * len) / 2, cy + (Math.sin(a) * len) / 2];
  const p1: [number, number] = [cx - Math.sin(a) * bend, cy + Math.cos(a) * bend];
  const pts: [number, number][] = [];
  for (let k = 0; k <= 32; k++) {
    const q = k / 32;
    pts.push([
      (1 - q) ** 2 * p0[0] + 2 * (1 - q) * q * p1[0] + q * q * p2[0],
      (1 - q) ** 2 * p0[1] + 2 * (1 - q) * q * p1[1] + q * q * p2[1],
    ]);
  }
  strokePolyline(region, s, pts, rng.range(1.2, 2.0) * (s / 256));
  const target = meanLuma(t.canvas, region) > 120 ? 35 : 235;
  recolour(t.canvas, region, (r, g, b) => [
    r * 0.25 + target * 0.75,
    g * 0.25 + target * 0.75,
    b * 0.25 + target * 0.75,
  ]);
}

function crack(t: DefectTarget, rng: Rng, region: Uint8Array): void {
  const s = t.canvas.size;
  const u = s / 256;
  const walk = (x: number, y: number, dir: number, steps: number): [number, number][] => {
    const pts: [number, number][] = [[x, y]];
    for (let k = 0; k < steps; k++) {
      dir += rng.range(-0.7, 0.7);
      x += Math.cos(dir) * 6 * u;
      y += Math.sin(dir) * 6 * u;
      pts.push([x, y]);
    }
    return pts;
  };
  const [cx, cy] = pickCentre(t, rng);
  const dir = rng.range(0, 2 * Math.PI);
  const main = walk(cx, cy, dir, rng.int(10, 16));
  strokePolyline(region, s, main, rng.range(1.2, 1.8) * u);
  const mid = main[Math.floor(main.length / 2)];
  strokePolyline(region, s, walk(mid[0], mid[1], dir + rng.sign() * rng.range(0.6, 1.2), rng.int(4, 8)), 1.0 * u);
  recolour(t.canvas, region, (r, g, b) => [r * 0.18, g * 0.18, b * 0.18]);
}

function blob(t: DefectTarget, rng: Rng, region: Uint8Array): void {
  const s = t.canvas.size;
  const [cx, cy] = pickCentre(t, rng);
  fillBlob(region, s, cx, cy, rng.range(0.045, 0.075) * s, rng, { aspect: rng.range(0.7, 1.4), wobble: 0.3 });
  const delta = (meanLuma(t.canvas, region) > 120 ? -1 : 1) * rng.range(60, 90);
  recolour(t.canvas, region, (r, g, b) => [r + delta, g + delta * 0.95, b + delta * 0.9]);
}

function missing(t: DefectTarget, rng: Rng, region: Uint8Array): void {
  const s = t.canvas.size;
  const [cx, cy] = pickCentre(t, rng);
  fillBlob(region, s, cx, cy, rng.range(0.06, 0.09) * s, rng, { aspect: rng.range(0.6, 1.6), wobble: 0.2 });
  if (t.background && t.coverage) {
    for (let i = 0; i < region.length; i++) region[i] &= t.coverage[i];
    const bg = t.background.px;
    for (let i = 0; i < region.length; i++) if (region[i]) t.canvas.px.set(bg.subarray(i * 3, i * 3 + 3), i * 3);
    return;
  }
  // texture: the pattern is gone, leaving a flat patch of a darker base colour
  let r0 = 0;
  let g0 = 0;
  let b0 = 0;
  const n = countOnes(region) || 1;
  for (let i = 0; i < region.length; i++) {
    if (!region[i]) continue;
    r0 += t.canvas.px[i * 3];
    g0 += t.canvas.px[i * 3 + 1];
    b0 += t.canvas.px[i * 3 + 2];
  }
  recolour(t.canvas, region, () => [(r0 / n) * 0.55, (g0 / n) * 0.55, (b0 / n) * 0.55]);
}

const TINTS: readonly Rgb[] = [
  [205, 45, 40],
  [45, 70, 210],
  [225, 200, 35],
  [170, 50, 190],
];

function colourSpot(t: DefectTarget, rng: Rng, region: Uint8Array): void {
  const s = t.canvas.size;
  const [cx, cy] = pickCentre(t, rng);
  fillBlob(region, s, cx, cy, rng.range(0.05, 0.08) * s, rng, { aspect: rng.range(0.7, 1.4), wobble: 0.15 });
  const tint = rng.pick(TINTS);
  recolour(t.canvas, region, (r, g, b) => [
    r * 0.35 + tint[0] * 0.65,
    g * 0.35 + tint[1] * 0.65,
    b * 0.35 + tint[2] * 0.65,
  ]);
}

const DARK_DIRT: readonly Rgb[] = [
  [72, 46, 22],
  [28, 26, 24],
  [60, 90, 20],
];
const LIGHT_DIRT: readonly Rgb[] = [
  [215, 200, 160],
  [190, 150, 60],
  [150, 190, 60],
];

function contamination(t: DefectTarget, rng: Rng, region: Uint8Array): void {
  const s = t.canvas.size;
  const u = s / 256;
  const [cx, cy] = pickCentre(t, rng);
  const specks = rng.int(6, 12);
  for (let k = 0; k < specks; k++) {
    const a = rng.range(0, 2 * Math.PI);
    const d = rng.range(0, 0.06) * s;
    fillBlob(region, s, cx + Math.cos(a) * d, cy + Math.sin(a) * d, rng.range(1.5, 4) * u, rng, { wobble: 0.35 });
  }
  const fibre: [number, number][] = [[cx, cy]];
  let dir = rng.range(0, 2 * Math.PI);
  for (let k = 0; k < 8; k++) {
    dir += rng.range(-0.5, 0.5);
    const [px, py] = fibre[fibre.length - 1];
    fibre.push([px + Math.cos(dir) * 4 * u, py + Math.sin(dir) * 4 * u]);
  }
  strokePolyline(region, s, fibre, 0.9 * u);
  // foreign material that stands out from the surface it lands on
  const luma = meanLuma(t.canvas, region);
  const dirt = rng.pick(luma > 110 ? DARK_DIRT : LIGHT_DIRT);
  recolour(t.canvas, region, (r, g, b) => [
    r * 0.15 + dirt[0] * 0.85,
    g * 0.15 + dirt[1] * 0.85,
    b * 0.15 + dirt[2] * 0.85,
  ]);
}

const PAINTERS: Record<DefectType, (t: DefectTarget, rng: Rng, region: Uint8Array) => void> = {
  scratch,
  crack,
  blob,
  missing,
  color: colourSpot,
  contamination,
};

/** Paint one defect; returns its mask (1 = defective pixel). Retries placement until the mask is non-trivial. */
export function paintDefect(type: DefectType, target: DefectTarget, rng: Rng): Uint8Array {
  const s = target.canvas.size;
  const minPixels = Math.max(4, Math.round(s * s * 0.0008));
  for (let attempt = 0; ; attempt++) {
    const region = new Uint8Array(s * s);
    const backup = target.canvas.px.slice();
    PAINTERS[type](target, rng, region);
    if (target.coverage) {
      // defects stay on the part: undo whatever was painted on the background
      for (let i = 0; i < region.length; i++) {
        if (region[i] && !target.coverage[i]) {
          region[i] = 0;
          target.canvas.px.set(backup.subarray(i * 3, i * 3 + 3), i * 3);
        }
      }
    }
    if (countOnes(region) >= minPixels || attempt >= 9) return region;
    target.canvas.px.set(backup);
  }
}
