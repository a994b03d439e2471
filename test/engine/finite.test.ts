import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../../worker/engine/finite.js';

/** the reference: the float test the bit test replaces */
const reference = (a: Float32Array): number => a.findIndex((v) => !Number.isFinite(v));

describe('firstNonFinite (float32 exponent bits)', () => {
  it('agrees with Number.isFinite on every special value and on random bit patterns', () => {
    const specials = [
      0, -0, 1, -1, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45, 1.1754943508222875e-38,
    ];
    const bad = [NaN, Infinity, -Infinity];
    for (const v of specials) expect(firstNonFinite(new Float32Array([v]))).toBe(-1);
    for (const v of bad) expect(firstNonFinite(new Float32Array([1, 2, v, 3]))).toBe(2);
    // every exponent/sign combination with random mantissas, including signalling and negative NaNs
    const words = new Uint32Array(1 << 16);
    let x = 12345;
    for (let i = 0; i < words.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      words[i] = ((i & 0x1ff) << 23) | (x & 0x7fffff);
    }
    const all = new Float32Array(words.buffer);
    for (let i = 0; i < all.length; i += 97) {
      const slice = all.subarray(i, i + 97);
      expect(firstNonFinite(slice)).toBe(reference(slice));
    }
  });

  it('reads a subarray from its own offset', () => {
    const a = new Float32Array([NaN, 1, 2, Infinity]);
    expect(firstNonFinite(a.subarray(1, 3))).toBe(-1);
    expect(firstNonFinite(a.subarray(1))).toBe(2);
  });
});
