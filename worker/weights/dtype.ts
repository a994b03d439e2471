/** Convert raw little-endian tensor bytes of the dtypes found in state_dicts to float32. */
import type { StorageDtype } from './pickle.js';

export const DTYPE_BYTES: Record<StorageDtype, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8 };

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Elements [start, start+count) of a storage of `dtype`, as float32. */
export function toFloat32(bytes: Uint8Array, dtype: StorageDtype, start: number, count: number): Float32Array {
  const w = DTYPE_BYTES[dtype];
  if (!(Number.isInteger(start) && Number.isInteger(count) && start >= 0 && count >= 0))
    throw new RangeError(`bad element range [${start}, +${count})`);
  if (bytes.byteLength < (start + count) * w)
    throw new RangeError(`storage too short: ${bytes.byteLength} bytes for ${start + count} ${dtype}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'float32' && (bytes.byteOffset + start * 4) % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, bytes.byteOffset + start * 4, count));
    return out;
  }
  for (let i = 0; i < count; i++) {
    const o = (start + i) * w;
    switch (dtype) {
      case 'float32':
        out[i] = dv.getFloat32(o, true);
        break;
      case 'float64':
        out[i] = dv.getFloat64(o, true);
        break;
      case 'float16':
        out[i] = half(dv.getUint16(o, true));
        break;
      case 'bfloat16':
        out[i] = new Float32Array(new Uint32Array([dv.getUint16(o, true) << 16]).buffer)[0];
        break;
      case 'int64':
        out[i] = Number(dv.getBigInt64(o, true));
        break;
    }
  }
  return out;
}
