import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bytesModule, compileWat, WAT_MODULES } from '../../worker/engine/wasm/build.js';
import { WasmRadix } from '../../worker/engine/wasm/radix.js';
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
    for (const [shift, add] of [[0, 0], [12, 123456789], [20, -7]] as const) {
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
