/**
 * A restricted unpickler: understands exactly what a torch state_dict pickle needs (dicts, tuples, lists,
 * numbers, strings, OrderedDict, torch._utils._rebuild_tensor_v2/_rebuild_parameter, typed storages as
 * persistent ids) and refuses every other global. It never executes anything from the file: globals are
 * resolved against a fixed table of TS functions.
 */
import { UserError } from '../../shared/errors.js';

/** A storage reference as found in a persistent id: ('storage', <dtype>, key, location, numel). */
export interface StorageRef {
  kind: 'storage';
  dtype: StorageDtype;
  key: string;
  numel: number;
}
export type StorageDtype = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64';

/** A tensor view onto a storage, as _rebuild_tensor_v2 describes it. */
export interface TensorRef {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | StorageRef
  | TensorRef
  | GlobalRef;
export interface PickleTuple {
  kind: 'tuple';
  items: PickleValue[];
}
export interface PickleDict {
  kind: 'dict';
  map: Map<string | number, PickleValue>;
}
interface GlobalRef {
  kind: 'global';
  name: string;
}

const STORAGE_TYPES: Record<string, StorageDtype> = {
  'torch FloatStorage': 'float32',
  'torch HalfStorage': 'float16',
  'torch BFloat16Storage': 'bfloat16',
  'torch DoubleStorage': 'float64',
  'torch LongStorage': 'int64',
};
const CALLABLE = new Set([
  'collections OrderedDict',
  'torch._utils _rebuild_tensor_v2',
  'torch._utils _rebuild_parameter',
]);

const isObj = (v: PickleValue, kind: string): boolean =>
  typeof v === 'object' &&
  v !== null &&
  !(v instanceof Uint8Array) &&
  !Array.isArray(v) &&
  (v as { kind: string }).kind === kind;
const tupleItems = (v: PickleValue): PickleValue[] =>
  isObj(v, 'tuple') ? (v as PickleTuple).items : Array.isArray(v) ? v : [];
const toInt = (v: PickleValue): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN);

function refuse(file: string, what: string): never {
  throw new UserError(
    `refusing to unpickle: the file asks for ${what}, which a torch state_dict never needs. wepadim never runs code from a weights file; convert it to .safetensors or re-save a plain state_dict`,
    { file },
  );
}

function callGlobal(file: string, g: GlobalRef, args: PickleValue[]): PickleValue {
  switch (g.name) {
    case 'collections OrderedDict': {
      const d: PickleDict = { kind: 'dict', map: new Map() };
      const init = args[0];
      if (Array.isArray(init)) {
        for (const pair of init) {
          const [k, v] = tupleItems(pair);
          if (typeof k !== 'string' && typeof k !== 'number')
            refuse(file, 'an OrderedDict key that is not a string or number');
          d.map.set(k, v);
        }
      }
      return d;
    }
    case 'torch._utils _rebuild_parameter':
      return args[0];
    case 'torch._utils _rebuild_tensor_v2': {
      const [storage, offset, size, stride] = args;
      if (!isObj(storage, 'storage')) refuse(file, '_rebuild_tensor_v2 without a storage');
      return {
        kind: 'tensor',
        storage: storage as StorageRef,
        offset: toInt(offset),
        shape: tupleItems(size).map(toInt),
        stride: tupleItems(stride).map(toInt),
      };
    }
  }
  return refuse(file, `a call to ${g.name.replace(' ', '.')}`);
}

/** Decode a state_dict pickle. Every failure, including malformed or truncated input, is a UserError naming `file`. */
export function unpickle(buf: Uint8Array, file: string): PickleValue {
  return unpickleFrom(buf, 0, file).value;
}

/** Decode the pickle starting at byte `start`; `end` is the byte after its STOP opcode (pickles can be concatenated). */
export function unpickleFrom(buf: Uint8Array, start: number, file: string): { value: PickleValue; end: number } {
  try {
    return unpickleUnchecked(buf, start, file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`malformed pickle: ${(e as Error).message}`, { file });
  }
}

function unpickleUnchecked(buf: Uint8Array, start: number, file: string): { value: PickleValue; end: number } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let p = start;
  const u8 = (): number => buf[p++];
  const u16 = (): number => {
    const v = dv.getUint16(p, true);
    p += 2;
    return v;
  };
  const u32 = (): number => {
    const v = dv.getUint32(p, true);
    p += 4;
    return v;
  };
  const bytes = (n: number): Uint8Array => {
    if (p + n > buf.length) throw new UserError('truncated pickle', { file });
    const b = buf.subarray(p, p + n);
    p += n;
    return b;
  };
  const str = (n: number): string => Buffer.from(bytes(n)).toString('utf8');
  const line = (): string => {
    const e = buf.indexOf(10, p);
    if (e < 0) throw new UserError('truncated pickle', { file });
    const s = Buffer.from(buf.subarray(p, e)).toString('latin1');
    p = e + 1;
    return s;
  };
  const pop = (): PickleValue => {
    if (!stack.length) throw new UserError('malformed pickle: stack underflow', { file });
    return stack.pop() as PickleValue;
  };
  const popMark = (): PickleValue[] => {
    const m = marks.pop();
    if (m === undefined) throw new UserError('malformed pickle: no mark', { file });
    return stack.splice(m);
  };
  const top = (): PickleValue => stack[stack.length - 1];
  const setItems = (d: PickleValue, kv: PickleValue[]): void => {
    if (!isObj(d, 'dict')) refuse(file, 'item assignment on a non-dict object');
    for (let i = 0; i + 1 < kv.length; i += 2) {
      const k = kv[i];
      if (typeof k !== 'string' && typeof k !== 'number') refuse(file, 'a dict key that is not a string or number');
      (d as PickleDict).map.set(k, kv[i + 1]);
    }
  };
  const global = (mod: string, name: string): GlobalRef => {
    const key = `${mod} ${name}`;
    if (!Object.hasOwn(STORAGE_TYPES, key) && !CALLABLE.has(key)) refuse(file, `the global ${mod}.${name}`);
    return { kind: 'global', name: key };
  };
  while (p < buf.length) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        p += 8;
        break; // FRAME
      case 0x2e:
        return { value: pop(), end: p }; // STOP
      case 0x28:
        marks.push(stack.length);
        break; // MARK
      case 0x7d:
        stack.push({ kind: 'dict', map: new Map() });
        break; // EMPTY_DICT
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x29:
        stack.push({ kind: 'tuple', items: [] });
        break; // EMPTY_TUPLE
      case 0x74:
        stack.push({ kind: 'tuple', items: popMark() });
        break; // TUPLE
      case 0x85:
        stack.push({ kind: 'tuple', items: [pop()] });
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push({ kind: 'tuple', items: [a, b] });
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push({ kind: 'tuple', items: [a, b, c] });
        break;
      } // TUPLE3
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(u16());
        break; // BININT2
      case 0x4a: {
        const v = dv.getInt32(p, true);
        p += 4;
        stack.push(v);
        break;
      } // BININT
      case 0x8a: {
        // LONG1
        const n = u8();
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[p + i]);
        if (n > 0 && buf[p + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        p += n;
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: {
        const v = dv.getFloat64(p, false);
        p += 8;
        stack.push(v);
        break;
      } // BINFLOAT
      case 0x58:
        stack.push(str(u32()));
        break; // BINUNICODE
      case 0x8c:
        stack.push(str(u8()));
        break; // SHORT_BINUNICODE
      case 0x43:
        stack.push(bytes(u8()));
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(bytes(u32()));
        break; // BINBYTES
      case 0x71:
        memo.set(u8(), top());
        break; // BINPUT
      case 0x72:
        memo.set(u32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x68:
      case 0x6a: {
        const k = op === 0x68 ? u8() : u32();
        if (!memo.has(k)) throw new UserError(`malformed pickle: memo ${k} unset`, { file });
        stack.push(memo.get(k) as PickleValue);
        break;
      } // BINGET, LONG_BINGET
      case 0x63: {
        const mod = line();
        const name = line();
        stack.push(global(mod, name));
        break;
      } // GLOBAL
      case 0x93: {
        const name = pop();
        const mod = pop();
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
        stack.push(global(String(mod), String(name)));
        break;
      } // STACK_GLOBAL
      case 0x52: {
        // REDUCE
        const args = pop();
        const f = pop();
        if (!isObj(f, 'global')) refuse(file, 'a call on a non-global object');
        stack.push(callGlobal(file, f as GlobalRef, tupleItems(args)));
        break;
      }
      case 0x51: {
        // BINPERSID
        const items = tupleItems(pop());
        const t = items[1];
        const dtype = isObj(t, 'global') ? STORAGE_TYPES[(t as GlobalRef).name] : undefined;
        if (items[0] !== 'storage' || !dtype) refuse(file, 'a persistent object that is not a tensor storage');
        if (items.length > 5 && items[5] !== null)
          refuse(file, 'a legacy storage view (re-save the file with torch >= 1.6)');
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- String() is the intended rendering of this value (kept as it was; no behaviour change)
        stack.push({ kind: 'storage', dtype, key: String(items[2]), numel: toInt(items[4]) });
        break;
      }
      case 0x73: {
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      } // SETITEM
      case 0x75: {
        const kv = popMark();
        setItems(top(), kv);
        break;
      } // SETITEMS
      case 0x61: {
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) refuse(file, 'append on a non-list');
        l.push(v);
        break;
      } // APPEND
      case 0x65: {
        const vs = popMark();
        const l = top();
        if (!Array.isArray(l)) refuse(file, 'append on a non-list');
        l.push(...vs);
        break;
      } // APPENDS
      case 0x62: {
        // BUILD: only the state of an OrderedDict (torch stores `_metadata` there), which is ignored
        const state = pop();
        if (!isObj(top(), 'dict') || !(isObj(state, 'dict') || state === null))
          refuse(file, 'object state (BUILD) on something other than a dict');
        break;
      }
      default:
        refuse(file, `pickle opcode 0x${op.toString(16)} at byte ${p - 1}`);
    }
  }
  throw new UserError('truncated pickle: no STOP opcode', { file });
}
