/** Radix sort of float32 scores with a uint32 payload (no JS object sort): the ranking step of every metric. */
import { ShapeError } from '../../shared/errors.js';

/**
 * Order-preserving uint32 keys, descending flavour: key(a) < key(b) iff a > b.
 * -0 is mapped to +0 (they tie, as in numpy); NaN is rejected with the offending index.
 */
export function descendingKeys(scores: Float32Array): Int32Array {
  // int32 storage keeps every value a small integer for V8 (uint32 values >= 2^31 become heap numbers);
  // the radix digits are extracted with >>>, so the order is the unsigned order of the bit patterns.
  const keys = new Int32Array(scores.length);
  const bits = new Int32Array(scores.buffer, scores.byteOffset, scores.length);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (v !== v) throw new ShapeError('NaN in scores', { index: i, length: scores.length });
    const b = v === 0 ? 0 : bits[i];
    // ascending key: negatives flipped entirely, positives get the sign bit; then complement for descending
    keys[i] = b < 0 ? b : ~(b | 0x80000000);
  }
  return keys;
}

const keyBuf = new Float32Array(1);
const keyBits = new Int32Array(keyBuf.buffer);

/** The float32 value of a descending key. */
export function keyToFloat(key: number): number {
  keyBits[0] = key < 0 ? key : ~key & 0x7fffffff;
  return keyBuf[0];
}

export interface SortedScores {
  /** descending keys (bit patterns compared unsigned), in ascending order, so scores descend */
  keys: Int32Array;
  payload: Uint32Array;
}

/** Sort by descending score, carrying payload[i] along (ties keep input order). LSD radix, digits 11/11/10 bits. */
export function sortByScoreDesc(scores: Float32Array, payload: Uint32Array): SortedScores {
  const n = scores.length;
  if (payload.length !== n) throw new ShapeError('payload and scores differ in length', { payload: payload.length, scores: n });
  let k1: Int32Array = descendingKeys(scores);
  let p1: Uint32Array = payload.slice();
  let k2: Int32Array = new Int32Array(n);
  let p2: Uint32Array = new Uint32Array(n);
  const c0 = new Uint32Array(2048);
  const c1 = new Uint32Array(2048);
  const c2 = new Uint32Array(1024);
  for (let i = 0; i < n; i++) {
    const k = k1[i];
    c0[k & 2047]++;
    c1[(k >>> 11) & 2047]++;
    c2[k >>> 22]++;
  }
  for (const [c, shift, mask] of [[c0, 0, 2047], [c1, 11, 2047], [c2, 22, 1023]] as const) {
    let s = 0;
    let single = false;
    for (let b = 0; b < c.length; b++) {
      const v = c[b];
      if (v === n) single = true;
      c[b] = s;
      s += v;
    }
    if (single) continue; // every key has the same digit here: the pass would not move anything
    for (let i = 0; i < n; i++) {
      const k = k1[i];
      const pos = c[(k >>> shift) & mask]++;
      k2[pos] = k;
      p2[pos] = p1[i];
    }
    const tk = k1;
    k1 = k2;
    k2 = tk;
    const tp = p1;
    p1 = p2;
    p2 = tp;
  }
  return { keys: k1, payload: p1 };
}

/** Indices of `scores` in descending score order (ties in index order). */
export function argsortDesc(scores: Float32Array): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return sortByScoreDesc(scores, idx).payload;
}
