/**
 * The radix scatter pass of radix.wat on int32 arrays that live in the instance's own memory. One instance per
 * set of sort buffers (its memory holds them); instantiation is synchronous (the module is 153 bytes).
 */
import { RADIX_WASM_BASE64 } from './radix-bytes.js';

/** The part of the WebAssembly API used here (the project's lib settings carry no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;

interface RadixExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  scatter: (src: number, dst: number, counts: number, n: number, shift: number, mask: number, add: number) => void;
}

/** Int32 and Uint32 arrays allocated in one wasm memory, and the scatter pass over them. */
export class WasmRadix {
  private readonly exports: RadixExports;
  private used = 0;

  /** `bytes`: the total size of the arrays this instance will hold. */
  constructor(bytes: number) {
    compiled ??= new wasm.Module(Buffer.from(RADIX_WASM_BASE64, 'base64'));
    this.exports = new wasm.Instance(compiled, {}).exports as RadixExports;
    const have = this.exports.memory.buffer.byteLength;
    if (bytes > have) this.exports.memory.grow(Math.ceil((bytes - have) / 65536));
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
