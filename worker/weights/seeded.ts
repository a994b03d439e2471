/**
 * Seeded weight generation, identical bit for bit in TS and in test/fixtures/make_torchvision_fixtures.py,
 * so parity tests need no committed weights. Each tensor gets its own stream keyed by (seed, tensor name):
 * u_k = mix32(fnv1a(name) ^ mix32(seed), k) / 2^24 in [0, 1), exactly representable in float32.
 * Convolution weights are uniform with variance 1/fan_in (LeCun), which keeps deep residual stacks from exploding; batch norm gets non-trivial running statistics so
 * that folding is exercised. These are NOT trained weights: scores are not comparable with published numbers.
 */
import type { ParamSpec } from '../models/graph.js';

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(s, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** murmur3 finaliser on (base + k * golden), all mod 2^32 */
export function mix32(base: number, k: number): number {
  let x = (base + Math.imul(k, 0x9e3779b1)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** uniform [0,1) values of the stream for tensor `name` */
export function seededUniform(seed: number, name: string, n: number): Float64Array {
  const base = (fnv1a32(name) ^ mix32(seed >>> 0, 0)) >>> 0;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = (mix32(base, k) >>> 8) / 16777216;
  return out;
}

/** The value of one parameter tensor under seed `seed` (float32, torchvision layout). */
export function seededTensor(seed: number, p: ParamSpec): Float32Array {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const u = seededUniform(seed, p.name, n);
  const out = new Float32Array(n);
  const bound = p.fanIn > 0 ? Math.sqrt(3 / p.fanIn) : 0;
  for (let i = 0; i < n; i++) {
    const v = u[i];
    switch (p.kind) {
      case 'conv_weight':
        out[i] = (2 * v - 1) * bound;
        break;
      case 'conv_bias':
        out[i] = (2 * v - 1) * 0.1;
        break;
      case 'bn_weight':
        out[i] = 0.5 + v;
        break;
      case 'bn_bias':
      case 'bn_mean':
        out[i] = (v - 0.5) * 0.2;
        break;
      case 'bn_var':
        out[i] = 0.5 + v;
        break;
    }
  }
  return out;
}

/** Seeded input images (n x 3 x size x size), roughly like normalised ImageNet pixels in [-2, 2). */
export function seededImages(seed: number, n: number, size: number): Float32Array {
  const u = seededUniform(seed, 'input', n * 3 * size * size);
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = 4 * u[i] - 2;
  return out;
}
