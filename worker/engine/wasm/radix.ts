/**
 * The radix scatter pass of radix.wat on int32 arrays that live in the instance's own memory. One instance per
 * set of sort buffers (its memory holds them); instantiation is synchronous (the module is 153 bytes).
 */
import { RADIX_WASM_BASE64 } from './radix-bytes.js';
import { ensureBytes, instantiate, type WasmMemory } from './wasm-api.js';

interface RadixExports {
  memory: WasmMemory;
  scatter: (src: number, dst: number, counts: number, n: number, shift: number, mask: number, add: number) => void;
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
    if (this.used > this.exports.memory.buffer.byteLength) throw new RangeError(`wasm radix memory too small for ${this.used} bytes`);
    return off;
  }

  int32(length: number): Int32Array {
    return new Int32Array(this.exports.memory.buffer, this.take(length), length);
  }

  uint32(length: number): Uint32Array {
    return new Uint32Array(this.exports.memory.buffer, this.take(length), length);
  }

  /** Whether `a` is a view of this instance's memory (the scatter can run on it). */
  holds(a: Int32Array | Uint32Array): boolean {
    return a.buffer === this.exports.memory.buffer;
  }

  /** dst[counts[(k >>> shift) & mask]++] = k + add for each key k of src[0..n), in order (all three in this memory). */
  scatter(src: Int32Array, dst: Int32Array, counts: Uint32Array, n: number, shift: number, mask: number, add: number): void {
    this.exports.scatter(src.byteOffset, dst.byteOffset, counts.byteOffset, n, shift, mask, add);
  }
}
