/** xorshift32, identical to XorShift32 in test/fixtures/make_engine_fixtures.py. */
export class XorShift32 {
  private s: number;
  constructor(seed: number) {
    const s = (seed ^ 0x9e3779b9) >>> 0;
    this.s = s !== 0 ? s : 1;
  }
  nextU32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x;
  }
  /** n float32 values in [-1, 1): (u >> 8) / 2^23 - 1 */
  uniform(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.nextU32() >>> 8) / 8388608 - 1;
    return out;
  }
}

export function rand(seed: number, n: number): Float32Array {
  return new XorShift32(seed).uniform(n);
}
