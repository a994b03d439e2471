/** The part of the WebAssembly API used here (the project's lib settings carry no WebAssembly types). */
export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
const compiled = new Map<string, object>();

/** A new instance of the module in `base64` (compiled once per thread), its exports typed as T. */
export function instantiate<T>(base64: string): T {
  let m = compiled.get(base64);
  if (!m) {
    m = new wasm.Module(Buffer.from(base64, 'base64'));
    compiled.set(base64, m);
  }
  return new wasm.Instance(m, {}).exports as T;
}

/** Grow `memory` to at least `bytes`. */
export function ensureBytes(memory: WasmMemory, bytes: number): void {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
}
