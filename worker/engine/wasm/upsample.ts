/**
 * The wasm vertical pass of the fused upsample + smoothing (upsample.wat) and the memory it works in: the operator,
 * one map's horizontal-pass rows (tmp) and the output maps. One workspace per thread, grown as needed; a view it
 * hands out is valid until its next use.
 */
import { UPSAMPLE_WASM_BASE64 } from './upsample-bytes.js';
import { ensureBytes, instantiate, type WasmMemory } from './wasm-api.js';

interface UpsampleExports {
  memory: WasmMemory;
  vpass: (tmp: number, av: number, rv: number, out: number, h: number, size: number, stats: number) => void;
}

/** max and min of one map's float64 sums, and whether one is NaN */
export interface PassStats {
  max: number;
  min: number;
  nan: boolean;
}

export class UpsampleWorkspace {
  private static current: UpsampleWorkspace | null = null;
  private readonly exports: UpsampleExports;
  private layout = '';
  private operator: Float64Array | null = null;
  stats = new Float64Array(0);
  rv = new Int32Array(0);
  av = new Float64Array(0);
  tmp = new Float64Array(0);
  out = new Float32Array(0);

  private constructor() {
    this.exports = instantiate<UpsampleExports>(UPSAMPLE_WASM_BASE64);
  }

  /** The thread's workspace, laid out for `outLength` output values from h grid rows to size x size maps. */
  static for(outLength: number, h: number, size: number): UpsampleWorkspace {
    const ws = (UpsampleWorkspace.current ??= new UpsampleWorkspace());
    ws.lay(outLength, h, size);
    return ws;
  }

  private lay(outLength: number, h: number, size: number): void {
    const key = `${outLength}|${h}|${size}`;
    if (key === this.layout) return;
    const align = (b: number): number => Math.ceil(b / 16) * 16;
    const oRv = 32;
    const oAv = align(oRv + 8 * size);
    const oTmp = align(oAv + 8 * size * h);
    const oOut = align(oTmp + 8 * h * size);
    ensureBytes(this.exports.memory, oOut + 4 * outLength);
    const buf = this.exports.memory.buffer;
    this.stats = new Float64Array(buf, 0, 3);
    this.rv = new Int32Array(buf, oRv, 2 * size);
    this.av = new Float64Array(buf, oAv, size * h);
    this.tmp = new Float64Array(buf, oTmp, h * size);
    this.out = new Float32Array(buf, oOut, outLength);
    this.layout = key;
    this.operator = null;
  }

  /** Copy the vertical operator (size x h) and its row ranges in, unless they are the last ones copied. */
  setOperator(av: Float64Array, rv: Int32Array): void {
    if (this.operator === av) return;
    this.av.set(av);
    this.rv.set(rv);
    this.operator = av;
  }

  /** out[first..first + size*size) from tmp: one map's vertical pass. */
  vpass(first: number, h: number, size: number): PassStats {
    const s = this.stats;
    this.exports.vpass(
      this.tmp.byteOffset,
      this.av.byteOffset,
      this.rv.byteOffset,
      this.out.byteOffset + 4 * first,
      h,
      size,
      s.byteOffset,
    );
    return { max: s[0], min: s[1], nan: s[2] !== 0 };
  }
}
