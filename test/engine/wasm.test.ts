import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesModule, compileWat, WAT_MODULES } from '../../worker/engine/wasm/build.js';
import { WasmRadix } from '../../worker/engine/wasm/radix.js';
import { addDots, choleskyShifted, forwardSolveSquaredNorm } from '../../worker/engine/linalg.js';
import { addDotsWasm, choleskyShiftedWasm, forwardSolveNormsWasm } from '../../worker/engine/wasm/linalg.js';
import { XorShift32 } from './prng.js';

describe('wasm radix scatter', () => {
  for (const name of WAT_MODULES)
    it(`the committed ${name}-bytes.ts is the compilation of ${name}.wat (run \`npm run gen:wasm\` after editing it)`, async () => {
      const committed = readFileSync(new URL(`../../worker/engine/wasm/${name}-bytes.ts`, import.meta.url), 'utf8');
      expect(committed).toBe(bytesModule(name, await compileWat(name)));
    });

  it('scatters like the typed-array loop, in memory grown beyond one page', () => {
    const n = 70000; // 280 KB per array: the instance's memory has to grow
    const r = new WasmRadix(4 * (2 * n + 4096));
    const src = r.int32(n);
    const dst = r.int32(n);
    const counts = r.uint32(4096);
    expect([src, dst, counts].every((a) => r.holds(a))).toBe(true);
    expect(r.holds(new Int32Array(4))).toBe(false);
    const rng = new XorShift32(5);
    for (let i = 0; i < n; i++) src[i] = rng.nextU32() | 0;
    for (const [shift, add] of [
      [0, 0],
      [12, 123456789],
      [20, -7],
    ] as const) {
      const mask = 4095;
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(src[i] >>> shift) & mask]++;
      let s = 0;
      for (let j = 0; j <= mask; j++) [counts[j], s] = [s, s + counts[j]];
      const c = Uint32Array.from(counts);
      const want = new Int32Array(n);
      for (let i = 0; i < n; i++) want[c[(src[i] >>> shift) & mask]++] = (src[i] + add) | 0;
      r.scatter(src, dst, counts, n, shift, mask, add);
      expect(dst).toEqual(want);
      expect(counts).toEqual(c); // the counts end as the bucket ends, as in the JS loop
    }
  });

  it('refuses to hand out more memory than it was sized for', () => {
    const r = new WasmRadix(100);
    r.int32(16);
    expect(() => r.int32(1 << 20)).toThrow(/wasm radix memory too small/);
  });
});

describe('wasm Gram and cross products (linalg.wat)', () => {
  for (const [m, n, d, lower] of [
    [9, 9, 37, true],
    [12, 12, 64, false],
    [7, 13, 5, false],
    [16, 16, 1, true],
    [3, 2, 50, false],
    [33, 30, 448, false],
    [41, 41, 130, true],
  ] as const)
    it(`add the same bits as the TypeScript kernel: m ${m}, n ${n}, d ${d}${lower ? ', lower' : ''}`, () => {
      const rng = new XorShift32(m * 1000 + n * 10 + d);
      const u = (): number => rng.nextU32() / 4294967296 - 0.5;
      const x = Float64Array.from({ length: m * d + 3 }, u);
      const y = lower ? x : Float64Array.from({ length: n * d + 1 }, u);
      const yOff = lower ? 3 : 1;
      const before = Float64Array.from({ length: m * n + 4 }, u);
      const want = before.slice();
      const got = before.slice();
      addDots(x, 3, y, yOff, m, n, d, want, 4, lower);
      addDotsWasm(x, 3, y, yOff, m, n, d, got, 4, lower);
      expect(got).toEqual(want);
      expect(got.subarray(0, 4)).toEqual(before.subarray(0, 4)); // nothing before outOff is touched
      // and the values are the dot products added once (not just equal to each other)
      const i = m - 1,
        j = lower ? Math.min(n - 1, i) : n - 1;
      let s = 0;
      for (let k = 0; k < d; k++) s += x[3 + i * d + k] * y[yOff + j * d + k];
      expect(got[4 + i * n + j]).toBe(before[4 + i * n + j] + s);
    });
});

describe('wasm forward solves (linalg.wat fsolve4)', () => {
  for (const [n, t] of [
    [1, 4],
    [5, 9],
    [37, 12],
    [64, 7],
  ] as const)
    it(`give the same bits as forwardSolveSquaredNorm per image: n ${n}, t ${t}`, () => {
      const rng = new XorShift32(n * 100 + t);
      const u = (): number => rng.nextU32() / 4294967296 - 0.5;
      // a lower-triangular factor with a dominant diagonal, at an offset into a larger array
      const l = new Float64Array(n * n + 5);
      for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) l[5 + i * n + k] = k === i ? 1 + Math.abs(u()) : u();
      const b = Float64Array.from({ length: t * n }, u);
      const before = b.slice();
      const quad = new Float64Array(t).fill(-1);
      const solved = forwardSolveNormsWasm(l, 5, n, b, t, quad);
      expect(solved).toBe(t - (t % 4));
      expect(b).toEqual(before); // b is left as it was
      const own = l.slice(5);
      for (let r = 0; r < t; r++) {
        const want = forwardSolveSquaredNorm(own, n, before.slice(), r * n);
        if (r < solved) expect(quad[r]).toBe(want);
        else expect(quad[r]).toBe(-1); // the tail is the caller's
      }
      expect(quad[0]).toBeGreaterThan(0);
    });
});

describe('wasm Cholesky (linalg.wat chol)', () => {
  /** x x^T / d at an offset: symmetric, positive semi-definite, full rank when d >= n */
  const gram = (n: number, d: number, seed: number): Float64Array => {
    const rng = new XorShift32(seed);
    const x = Float64Array.from({ length: n * d }, () => rng.nextU32() / 4294967296 - 0.5);
    const a = new Float64Array(n * n + 7);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += x[i * d + k] * x[j * d + k];
        a[7 + i * n + j] = s / d;
      }
    return a;
  };
  for (const [n, d, shift] of [
    [1, 3, 0],
    [3, 5, 0.01],
    [4, 9, 0],
    [7, 2, 0.1],
    [8, 20, 1e-6],
    [13, 40, 0.001],
    [37, 30, 0.01],
  ] as const)
    it(`gives the same bits as choleskyShifted: n ${n}, d ${d}, shift ${shift}`, () => {
      const a = gram(n, d, n * 31 + d);
      const want = new Float64Array(n * n).fill(9);
      const got = new Float64Array(n * n).fill(9);
      const okWant = choleskyShifted(a, 7, n, shift, want);
      const okGot = choleskyShiftedWasm(a, 7, n, shift, got);
      expect(okGot).toBe(okWant);
      expect(okWant).toBe(true);
      expect(got).toEqual(want);
      // and it is a factor: (L L^T)[n-1][0] is a[n-1][0]
      let s = 0;
      for (let k = 0; k < n; k++) s += got[(n - 1) * n + k] * got[k];
      expect(s).toBeCloseTo(a[7 + (n - 1) * n] + (n === 1 ? shift : 0), 9);
    });

  it('refuses a matrix that is not positive definite, as choleskyShifted does', () => {
    const n = 9;
    const a = gram(n, 3, 5); // rank 3 of 9: a pivot reaches zero
    const l = new Float64Array(n * n);
    expect(choleskyShifted(a, 7, n, 0, new Float64Array(n * n))).toBe(false);
    expect(choleskyShiftedWasm(a, 7, n, 0, l)).toBe(false);
    expect(choleskyShiftedWasm(a, 7, n, 0.5, l)).toBe(true); // a shift makes it definite
  });
});
