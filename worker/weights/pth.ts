/**
 * Read a torch `.pth` state_dict in the zip format that torch.save writes since 1.6 (and torchvision
 * downloads use): `<archive>/data.pkl` (a pickle, read by the restricted unpickler) plus one raw file
 * per storage under `<archive>/data/<key>`. The legacy (pre-1.6) format is read by pth-legacy.ts.
 */
import { unzipSync } from 'fflate';
import { UserError } from '../../shared/errors.js';
import { toFloat32 } from './dtype.js';
import { type PickleDict, type PickleValue, type TensorRef, unpickle } from './pickle.js';
import type { StateDict } from './tensors.js';
import { quoted } from '../../shared/printable.js';

const isTensor = (v: PickleValue): v is TensorRef =>
  typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'tensor';

export function readPth(buf: Uint8Array, file: string): StateDict {
  if (!(buf[0] === 0x50 && buf[1] === 0x4b)) throw new UserError('not a zip-format torch file', { file });
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(buf);
  } catch (e) {
    throw new UserError(`cannot read the zip container: ${(e as Error).message}`, { file });
  }
  const pkl = Object.keys(entries).find((k) => k.endsWith('/data.pkl') || k === 'data.pkl');
  if (!pkl) throw new UserError('no data.pkl in the zip: not a torch.save file', { file });
  const prefix = pkl.slice(0, pkl.length - 'data.pkl'.length);
  const order = entries[`${prefix}byteorder`];
  if (order && Buffer.from(order).toString() !== 'little')
    throw new UserError('big-endian torch files are not supported', { file });
  let root = unpickle(entries[pkl], file);
  if (typeof root === 'object' && root !== null && (root as { kind?: string }).kind === 'dict') {
    const sd = (root as PickleDict).map.get('state_dict');
    if (sd !== undefined && !isTensor(sd)) root = sd; // a checkpoint dict {"state_dict": {...}}
  }
  if (typeof root !== 'object' || root === null || (root as { kind?: string }).kind !== 'dict') {
    throw new UserError('the pickle is not a dict of tensors (state_dict)', { file });
  }
  const out: StateDict = new Map();
  for (const [name, v] of (root as PickleDict).map) {
    if (!isTensor(v)) continue;
    const data = entries[`${prefix}data/${v.storage.key}`];
    if (!data)
      throw new UserError(`tensor ${quoted(String(name))}: storage data/${v.storage.key} missing from the zip`, {
        file,
      });
    out.set(String(name), { shape: v.shape, data: gatherTensor(data, v, file, String(name)) });
  }
  return out;
}

/** Materialise a (possibly strided) view as a contiguous float32 array. */
export function gatherTensor(bytes: Uint8Array, t: TensorRef, file: string, name: string): Float32Array {
  const n = t.shape.reduce((a, b) => a * b, 1);
  let contiguous = true;
  for (let i = t.shape.length - 1, s = 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== s) contiguous = false;
    s *= t.shape[i];
  }
  try {
    if (contiguous) return toFloat32(bytes, t.storage.dtype, t.offset, n);
    const last = t.shape.reduce((o, d, i) => o + (d - 1) * t.stride[i], t.offset);
    if (!(n <= t.storage.numel && last < t.storage.numel && t.stride.every((s) => s >= 0))) {
      throw new RangeError(
        `view (offset ${t.offset}, shape [${t.shape.join(', ')}], stride [${t.stride.join(', ')}]) does not fit its storage of ${t.storage.numel} elements`,
      );
    }
    const all = toFloat32(bytes, t.storage.dtype, 0, t.storage.numel);
    const out = new Float32Array(n);
    const idx = new Array<number>(t.shape.length).fill(0);
    for (let k = 0; k < n; k++) {
      let o = t.offset;
      for (let d = 0; d < idx.length; d++) o += idx[d] * t.stride[d];
      out[k] = all[o];
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d] < t.shape[d]) break;
        idx[d] = 0;
      }
    }
    return out;
  } catch (e) {
    throw new UserError(`tensor ${quoted(name)}: ${(e as Error).message}`, { file });
  }
}
