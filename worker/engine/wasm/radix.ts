/**
 * The radix scatter pass of radix.wat on int32 arrays that live in the instance's own memory. One instance per
 * set of sort buffers (its memory holds them); instantiation is synchronous (the module is 153 bytes).
 */
import { RADIX_WASM_BASE64 } from './radix-bytes.js';
import { ensureBytes, instantiate, type WasmMemory } from './wasm-api.js';

interface RadixExports {
  memory: WasmMemory;
  scatter: (src: number, dst: number, counts: number, n: number, shift: number, mask: number, add: number) => void;
  keys: (
    bits: number,
    runs: number,
    nRuns: number,
    dst: number,
    base: number,
    c0: number,
    c1: number,
    w0: number,
    m0: number,
    m1: number,
  ) => number;
}

/** Int32 and Uint32 arrays allocated in one wasm memory, and the scatter pass over them. */
export class WasmRadix {
  private readonly exports: RadixExports;
  private used = 0;

  /** `bytes`: the total size of the arrays this instance will hold. */
  constructor(bytes: number) {
    this.exports = instantiate<RadixExports>(RADIX_WASM_BASE64);
    ensureBytes(this.exports.memory, bytes);
  }

  private take(length: number): number {
    const off = this.used;
    this.used += 4 * length;
    if (this.used > this.exports.memory.buffer.byteLength)
      throw new RangeError(`wasm radix memory too small for ${this.used} bytes`);
    return off;
  }

  int32(length: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, this.take(length), length);
  }

  float32(length: number): Float32Array {
    return new Float32Array(this.exports.memory.buffer, this.take(length), length);
  }

  uint32(length: number): Uint32Array {
    return new Uint32Array(this.exports.memory.buffer, this.take(length), length);
  }

  /** Whether `a` is a view of this instance's memory (the scatter can run on it). */
  holds(a: Int32Array | Uint32Array | Float32Array): boolean {
    return a.buffer === this.exports.memory.buffer;
  }

  /** dst[counts[(k >>> shift) & mask]++] = k + add for each key k of src[0..n), in order (all three in this memory). */
  scatter(
    src: Int32Array,
    dst: Int32Array,
    counts: Uint32Array,
    n: number,
    shift: number,
    mask: number,
    add: number,
  ): void {
    this.exports.scatter(src.byteOffset, dst.byteOffset, counts.byteOffset, n, shift, mask, add);
  }

  /**
   * The relative keys of scores[i] for i in the [start, end) pairs of `runs` (nRuns pairs), in order, into dst, and
   * the histograms of their first two digits added into c0 and c1 (see radix.wat). All in this memory. Returns the
   * number of keys.
   */
  keys(
    scores: Float32Array,
    runs: Int32Array,
    nRuns: number,
    dst: Int32Array,
    base: number,
    c0: Uint32Array,
    c1: Uint32Array,
    w0: number,
    m0: number,
    m1: number,
  ): number {
    return this.exports.keys(
      scores.byteOffset,
      runs.byteOffset,
      nRuns,
      dst.byteOffset,
      base,
      c0.byteOffset,
      c1.byteOffset,
      w0,
      m0,
      m1,
    );
  }
}
