/** Object-like classes of the synthetic dataset: a centred part with natural pose jitter (rotation, shift, scale)
 * on a plain background. Object pixels are recorded so 'missing piece' defects can cut into the part only. */
import { jitterColour, mix, newCanvas, type Canvas, type Rgb } from './canvas.js';
import { valueNoise, type Rng } from './rng.js';

export const OBJECT_CLASSES = ['disc', 'bracket', 'chip'] as const;
export type ObjectClass = (typeof OBJECT_CLASSES)[number];

export interface ObjectScene {
  canvas: Canvas;
  /** the same scene without the part (what a missing piece reveals) */
  background: Canvas;
  /** 1 where the part covers the pixel */
  coverage: Uint8Array;
}

/** Shader in part coordinates (units of the image size, origin at the part centre): colour or null for background. */
type PartShader = (u: number, v: number) => [number, number, number] | null;

function dist(a: number, b: number): number {
  return Math.sqrt(a * a + b * b);
}

function inRect(u: number, v: number, u0: number, v0: number, u1: number, v1: number): boolean {
  return u >= u0 && u <= u1 && v >= v0 && v <= v1;
}

function discShader(rng: Rng): PartShader {
  const metal = jitterColour([168, 170, 176], rng, 6);
  const darkMetal: Rgb = [metal[0] * 0.62, metal[1] * 0.62, metal[2] * 0.64];
  const holes = Array.from(
    { length: 6 },
    (_, k) => [0.25 * Math.cos((k * Math.PI) / 3), 0.25 * Math.sin((k * Math.PI) / 3)] as const,
  );
  return (u, v) => {
    const r = dist(u, v);
    if (r > 0.36 || r < 0.12) return null;
    if (u > 0.3 && Math.abs(v) < 0.035) return null; // orientation notch
    for (const [hu, hv] of holes) if (dist(u - hu, v - hv) < 0.03) return null;
    const light = 0.5 + 0.5 * Math.cos(Math.atan2(v, u) - 0.8);
    const rings = 0.5 + 0.5 * Math.sin(r * 160);
    const bevel = r > 0.34 || r < 0.14 ? 0.75 : 1;
    const c = mix(darkMetal, metal, 0.55 * light + 0.15 * rings + 0.3);
    return [c[0] * bevel, c[1] * bevel, c[2] * bevel];
  };
}

function bracketShader(rng: Rng): PartShader {
  const paintCol = jitterColour([88, 112, 158], rng, 6);
  const inside = (u: number, v: number): boolean =>
    (inRect(u, v, -0.3, -0.3, 0.3, -0.1) || inRect(u, v, -0.3, -0.3, -0.1, 0.3)) &&
    dist(u - 0.2, v + 0.2) > 0.04 &&
    dist(u + 0.2, v - 0.2) > 0.04;
  return (u, v) => {
    if (!inside(u, v)) return null;
    const e = 0.012;
    const edge = !inside(u - e, v) || !inside(u + e, v) || !inside(u, v - e) || !inside(u, v + e);
    const k = edge ? 0.7 : 1 + 0.08 * (u - v);
    return [paintCol[0] * k, paintCol[1] * k, paintCol[2] * k];
  };
}

function chipShader(rng: Rng): PartShader {
  const body = jitterColour([42, 42, 47], rng, 3);
  const pin = jitterColour([192, 192, 198], rng, 6);
  return (u, v) => {
    if (inRect(u, v, -0.25, -0.2, 0.25, 0.2)) {
      if (dist(u + 0.19, v + 0.14) < 0.025) return [215, 215, 210];
      if (inRect(u, v, -0.12, -0.03, 0.14, 0.0) || inRect(u, v, -0.12, 0.04, 0.06, 0.07)) return [120, 122, 126];
      return [body[0], body[1], body[2]];
    }
    if (Math.abs(u) <= 0.33 && Math.abs(u) > 0.25) {
      for (let k = 0; k < 6; k++) {
        const centre = -0.165 + k * 0.066;
        if (Math.abs(v - centre) < 0.014) {
          const shine = 0.85 + 0.15 * Math.cos(((Math.abs(u) - 0.29) / 0.04) * Math.PI);
          return [pin[0] * shine, pin[1] * shine, pin[2] * shine];
        }
      }
    }
    return null;
  };
}

const BACKGROUNDS: Record<ObjectClass, Rgb> = { disc: [36, 38, 44], bracket: [205, 205, 200], chip: [34, 92, 56] };

export function renderObject(kind: ObjectClass, size: number, rng: Rng): ObjectScene {
  const shader = kind === 'disc' ? discShader(rng) : kind === 'bracket' ? bracketShader(rng) : chipShader(rng);
  const bgCol = jitterColour(BACKGROUNDS[kind], rng, 3);
  const bgSeed = rng.int(0, 0x7fffffff);
  const angle = rng.range(-0.12, 0.12);
  const scale = rng.range(0.97, 1.03);
  const cx = size / 2 + rng.range(-0.03, 0.03) * size;
  const cy = size / 2 + rng.range(-0.03, 0.03) * size;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const background = newCanvas(size);
  const canvas = newCanvas(size);
  const coverage = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const mottle = 0.94 + 0.12 * valueNoise(bgSeed, x, y, size / 6);
      background.px[i * 3] = bgCol[0] * mottle;
      background.px[i * 3 + 1] = bgCol[1] * mottle;
      background.px[i * 3 + 2] = bgCol[2] * mottle;
      const dx = (x + 0.5 - cx) / (size * scale);
      const dy = (y + 0.5 - cy) / (size * scale);
      const col = shader(dx * cos + dy * sin, -dx * sin + dy * cos);
      if (col === null) {
        canvas.px.set(background.px.subarray(i * 3, i * 3 + 3), i * 3);
      } else {
        coverage[i] = 1;
        canvas.px[i * 3] = col[0];
        canvas.px[i * 3 + 1] = col[1];
        canvas.px[i * 3 + 2] = col[2];
      }
    }
  }
  return { canvas, background, coverage };
}
