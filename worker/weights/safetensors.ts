/** Read and write the safetensors format: u64 LE header length, JSON header, raw little-endian data. */
import { UserError } from '../../shared/errors.js';
import { toFloat32 } from './dtype.js';
import type { StorageDtype } from './pickle.js';
import type { StateDict } from './tensors.js';
import { printable, quoted } from '../../shared/printable.js';

const DTYPES: Record<string, StorageDtype> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
};

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function readSafetensors(buf: Uint8Array, file: string): StateDict {
  if (buf.length < 8) throw new UserError('too short for a safetensors file', { file });
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const hlen = Number(dv.getBigUint64(0, true));
  if (hlen > buf.length - 8 || hlen > 100_000_000)
    throw new UserError(`bad safetensors header length ${hlen}`, { file });
  let header: Record<string, HeaderEntry | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(buf.subarray(8, 8 + hlen)).toString('utf8')) as typeof header;
  } catch (e) {
    throw new UserError(`safetensors header is not JSON: ${(e as Error).message}`, { file });
  }
  const data = buf.subarray(8 + hlen);
  const out: StateDict = new Map();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const e = raw as HeaderEntry;
    const okShape = Array.isArray(e.shape) && e.shape.every((d) => Number.isInteger(d) && d >= 0);
    const okOffsets =
      Array.isArray(e.data_offsets) && e.data_offsets.length === 2 && e.data_offsets.every((d) => Number.isInteger(d));
    if (!okShape || !okOffsets)
      throw new UserError(`tensor ${quoted(name)}: header entry needs an integer "shape" list and two "data_offsets"`, {
        file,
      });
    const dtype = DTYPES[e.dtype];
    if (!dtype)
      throw new UserError(`tensor ${quoted(name)}: unsupported dtype ${printable(String(e.dtype))}`, { file });
    const [a, b] = e.data_offsets;
    const n = e.shape.reduce((x, y) => x * y, 1);
    if (!(a >= 0 && b <= data.length && b >= a))
      throw new UserError(`tensor ${quoted(name)}: data offsets [${a}, ${b}] outside the file`, { file });
    try {
      out.set(name, { shape: e.shape, data: toFloat32(data.subarray(a, b), dtype, 0, n) });
    } catch (err) {
      throw new UserError(`tensor ${quoted(name)}: ${(err as Error).message}`, { file });
    }
  }
  return out;
}

/** Serialise float32 tensors (in the given order) to safetensors bytes. */
export function writeSafetensors(sd: StateDict, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  let off = 0;
  for (const [name, t] of sd) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [off, off + t.data.byteLength] };
    off += t.data.byteLength;
  }
  header.__metadata__ = metadata;
  let h = Buffer.from(JSON.stringify(header), 'utf8');
  const padLen = (8 - (h.length % 8)) % 8;
  if (padLen) h = Buffer.concat([h, Buffer.alloc(padLen, 0x20)]);
  const out = new Uint8Array(8 + h.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  let p = 8 + h.length;
  for (const t of sd.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}
