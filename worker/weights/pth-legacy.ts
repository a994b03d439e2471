/**
 * The legacy torch.save format (torch < 1.6, or `_use_new_zipfile_serialization=False`), still used by some older
 * torchvision downloads: five concatenated pickles (magic number, protocol 1001, sys_info, the object, the list of
 * storage keys) followed, for each key in that order, by an int64 element count and the raw little-endian data.
 */
import { UserError } from '../../shared/errors.js';
import { DTYPE_BYTES } from './dtype.js';
import { type PickleDict, type PickleValue, type StorageRef, type TensorRef, unpickleFrom } from './pickle.js';
import { gatherTensor } from './pth.js';
import type { StateDict } from './tensors.js';
import { quoted } from '../../shared/printable.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const isTensor = (v: PickleValue): v is TensorRef =>
  typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'tensor';
const isDict = (v: PickleValue): v is PickleDict =>
  typeof v === 'object' && v !== null && (v as { kind?: string }).kind === 'dict';

export function readLegacyPth(buf: Uint8Array, file: string): StateDict {
  const magic = unpickleFrom(buf, 0, file);
  if (magic.value !== MAGIC) throw new UserError('not a torch file (bad magic number)', { file });
  const proto = unpickleFrom(buf, magic.end, file);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
  if (proto.value !== 1001) throw new UserError(`unsupported legacy torch protocol ${String(proto.value)}`, { file });
  const sys = unpickleFrom(buf, proto.end, file);
  if (isDict(sys.value) && sys.value.map.get('little_endian') === false)
    throw new UserError('big-endian torch files are not supported', { file });
  const obj = unpickleFrom(buf, sys.end, file);
  const keys = unpickleFrom(buf, obj.end, file);
  if (!Array.isArray(keys.value)) throw new UserError('legacy torch file: storage key list missing', { file });
  let root = obj.value;
  if (isDict(root)) {
    const sd = root.map.get('state_dict');
    if (sd !== undefined && isDict(sd)) root = sd;
  }
  if (!isDict(root)) throw new UserError('the pickle is not a dict of tensors (state_dict)', { file });
  const storages = new Map<string, StorageRef>();
  for (const v of root.map.values()) if (isTensor(v)) storages.set(v.storage.key, v.storage);
  const data = new Map<string, Uint8Array>();
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = keys.end;
  for (const k of keys.value) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
    const s = storages.get(String(k));
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
    if (!s) throw new UserError(`legacy torch file: storage ${String(k)} is used by no tensor`, { file });
    if (p + 8 > buf.length) throw new UserError(`legacy torch file truncated before storage ${s.key}`, { file });
    const count = Number(dv.getBigInt64(p, true));
    const bytes = count * DTYPE_BYTES[s.dtype];
    if (count < 0 || p + 8 + bytes > buf.length)
      throw new UserError(`legacy torch file truncated in storage ${s.key}`, { file });
    data.set(s.key, buf.subarray(p + 8, p + 8 + bytes));
    p += 8 + bytes;
  }
  const out: StateDict = new Map();
  for (const [name, v] of root.map) {
    if (!isTensor(v)) continue;
    const bytes = data.get(v.storage.key);
    if (!bytes) throw new UserError(`tensor ${quoted(String(name))}: storage ${v.storage.key} missing`, { file });
    out.set(String(name), { shape: v.shape, data: gatherTensor(bytes, v, file, String(name)) });
  }
  return out;
}
