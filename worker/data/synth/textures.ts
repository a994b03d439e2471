/** Texture classes of the synthetic dataset: stripes, grid, weave, noise. Each normal image varies in phase,
 * orientation (slightly), period, colour and illumination, like the texture classes of MVTec AD. */
import { newCanvas, jitterColour, mix, type Canvas, type Rgb } from './canvas.js';
import { valueNoise, type Rng } from './rng.js';

export const TEXTURE_CLASSES = ['stripes', 'grid', 'weave', 'noise'] as const;
export type TextureClass = (typeof TEXTURE_CLASSES)[number];

type Shader = (x: number, y: number) => [number, number, number];

function paint(size: number, shader: Shader, rng: Rng): Canvas {
  const c = newCanvas(size);
  // slow illumination gradient, +-4 %
  const gx = rng.range(-0.04, 0.04) / size;
  const gy = rng.range(-0.04, 0.04) / size;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const [r, g, b] = shader(x + 0.5, y + 0.5);
      const light = 1 + gx * (x - size / 2) + gy * (y - size / 2);
      const i = (y * size + x) * 3;
      c.px[i] = r * light;
      c.px[i + 1] = g * light;
      c.px[i + 2] = b * light;
    }
  }
  return c;
}

function rotated(size: number, angle: number, ox: number, oy: number): (x: number, y: number) => [number, number] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const h = size / 2;
  return (x, y) => [(x - h) * cos + (y - h) * sin + ox, -(x - h) * sin + (y - h) * cos + oy];
}

function stripes(size: number, rng: Rng): Canvas {
  const u = size / 256;
  const period = 14 * u * rng.range(0.97, 1.03);
  const frame = rotated(size, 0.35 + rng.range(-0.03, 0.03), 0, rng.range(0, period));
  const light = jitterColour([190, 165, 120], rng, 6);
  const dark = jitterColour([95, 72, 52], rng, 6);
  return paint(
    size,
    (x, y) => {
      const [, v] = frame(x, y);
      const t = 0.5 + 0.5 * Math.tanh(3 * Math.sin((2 * Math.PI * v) / period));
      return mix(dark, light, t);
    },
    rng,
  );
}

function grid(size: number, rng: Rng): Canvas {
  const u = size / 256;
  const period = 22 * u * rng.range(0.98, 1.02);
  const half = 1.6 * u;
  const frame = rotated(size, rng.range(-0.02, 0.02), rng.range(0, period), rng.range(0, period));
  const bg = jitterColour([58, 64, 70], rng, 4);
  const wire = jitterColour([175, 178, 182], rng, 6);
  return paint(
    size,
    (x, y) => {
      const [a, b] = frame(x, y);
      const da = Math.abs((((a % period) + period) % period) - period / 2);
      const db = Math.abs((((b % period) + period) % period) - period / 2);
      const d = Math.min(da, db);
      const t = Math.max(0, Math.min(1, half + 0.5 - d));
      const crossing = da < half + 0.5 && db < half + 0.5 ? 0.85 : 1;
      return mix(bg, wire, t * crossing);
    },
    rng,
  );
}

function weave(size: number, rng: Rng): Canvas {
  const u = size / 256;
  const cell = 16 * u * rng.range(0.98, 1.02);
  const ox = rng.range(0, 2 * cell);
  const oy = rng.range(0, 2 * cell);
  const warm = jitterColour([200, 180, 140], rng, 6);
  const shade = jitterColour([120, 100, 70], rng, 5);
  return paint(
    size,
    (x, y) => {
      const a = x + ox;
      const b = y + oy;
      const ci = Math.floor(a / cell);
      const cj = Math.floor(b / cell);
      const horizontal = (ci + cj) % 2 === 0;
      const along = horizontal ? a : b;
      const across = horizontal ? b - cj * cell : a - ci * cell;
      const bulge = Math.sin((Math.PI * across) / cell);
      const strands = 0.9 + 0.1 * Math.sin((2 * Math.PI * along * 3) / cell);
      return mix(shade, warm, Math.max(0, bulge * strands));
    },
    rng,
  );
}

function noiseField(size: number, rng: Rng): Canvas {
  const u = size / 256;
  const seed = rng.int(0, 0x7fffffff);
  const lo: Rgb = jitterColour([70, 92, 58], rng, 5);
  const hi: Rgb = jitterColour([150, 172, 118], rng, 5);
  return paint(
    size,
    (x, y) => {
      const n =
        0.6 * valueNoise(seed, x, y, 28 * u) +
        0.3 * valueNoise(seed + 1, x, y, 9 * u) +
        0.1 * valueNoise(seed + 2, x, y, 3 * u);
      return mix(lo, hi, n);
    },
    rng,
  );
}

export function renderTexture(kind: TextureClass, size: number, rng: Rng): Canvas {
  switch (kind) {
    case 'stripes':
      return stripes(size, rng);
    case 'grid':
      return grid(size, rng);
    case 'weave':
      return weave(size, rng);
    case 'noise':
      return noiseField(size, rng);
  }
}
