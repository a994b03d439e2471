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

/**
 * Reusable buffers of sortByScoreDesc for inputs of one length (the group evaluator sorts every variant's
 * ~1M pixels: reusing them avoids allocating and collecting four 1M-element arrays per variant).
 * A result sorted into these buffers stays valid until the next sort into the same buffers.
 */
export class SortBuffers {
  readonly keysA: Int32Array;
  readonly keysB: Int32Array;
  readonly payloadA: Uint32Array;
  readonly payloadB: Uint32Array;
  /** digit histograms of up to 3 passes of up to maxDigitBits(length) bits */
  readonly counts: readonly [Uint32Array, Uint32Array, Uint32Array];
  constructor(readonly length: number) {
    const size = 1 << maxDigitBits(length);
    this.counts = [new Uint32Array(size), new Uint32Array(size), new Uint32Array(size)];
    this.keysA = new Int32Array(length);
    this.keysB = new Int32Array(length);
    this.payloadA = new Uint32Array(length);
    this.payloadB = new Uint32Array(length);
  }
}

/** The descending key of one float32 value (as descendingKeys). */
function descendingKey(v: number): number {
  keyBuf[0] = v === 0 ? 0 : v;
  const b = keyBits[0];
  return b < 0 ? b : ~(b | 0x80000000);
}

/**
 * Widest digit for n keys: 16 bits from 65536 keys on (measured at 1M keys: two 16-bit passes cost as much as two
 * 13-bit passes and much less than three 10-bit passes), 11 bits below (the histograms stay small).
 */
export function maxDigitBits(n: number): number {
  return n >= 1 << 16 ? 16 : 11;
}

/** Digit widths (least significant first) for keys spanning `rangeBits` bits: as few passes as the widest digit allows. */
export function digitWidths(rangeBits: number, maxBits: number): number[] {
  if (rangeBits === 0) return [];
  const passes = Math.ceil(rangeBits / maxBits);
  const widths: number[] = [];
  let left = rangeBits;
  for (let d = passes; d > 0; d--) {
    const wd = Math.ceil(left / d);
    widths.push(wd);
    left -= wd;
  }
  return widths;
}

/** The radix plan of a score array: the smallest descending key (the key of the largest score) and the digit widths. */
export interface KeyPlan {
  base: number;
  /** bits spanned by the keys relative to base */
  rangeBits: number;
  widths: number[];
}

/** One pass over the scores: their range fixes the key range (NaN is rejected with its index). */
export function keyPlan(scores: Float32Array): KeyPlan {
  const n = scores.length;
  let sMin = Infinity;
  let sMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = scores[i];
    if (v < sMin) sMin = v;
    if (v > sMax) sMax = v;
    if (v !== v) throw new ShapeError('NaN in scores', { index: i, length: n });
  }
  return keyPlanOfRange(sMin, sMax, n);
}

/** The key plan of n scores (none NaN) spanning [sMin, sMax]. */
export function keyPlanOfRange(sMin: number, sMax: number, n: number): KeyPlan {
  // key(max score) is the smallest key, key(min score) the largest
  const lo = n === 0 ? 0 : descendingKey(sMax) >>> 0;
  const hi = n === 0 ? 0 : descendingKey(sMin) >>> 0;
  const rangeBits = 32 - Math.clz32(hi - lo);
  return { base: lo | 0, rangeBits, widths: digitWidths(rangeBits, maxDigitBits(n)) };
}

/**
 * Sort by descending score, carrying payload[i] along (ties keep input order): LSD radix on the descending keys
 * minus their minimum, so that only the bits the scores actually span are sorted: two passes of up to 16-bit digits
 * for a million pixels whatever their range (three 11-bit passes at most for fewer than 65536 keys).
 * With `buf` (of the same length) no memory is allocated and the result lives in `buf`.
 */
export function sortByScoreDesc(scores: Float32Array, payload: Uint32Array, buf?: SortBuffers): SortedScores {
  const n = scores.length;
  if (payload.length !== n)
    throw new ShapeError('payload and scores differ in length', { payload: payload.length, scores: n });
  if (buf !== undefined && buf.length !== n)
    throw new ShapeError('sort buffers and scores differ in length', { buffers: buf.length, scores: n });
  const b = buf ?? new SortBuffers(n);
  const { base, widths } = keyPlan(scores);
  const [c0, c1] = b.counts;
  const w0 = widths.length > 0 ? widths[0] | 0 : 0;
  const m0 = (1 << w0) - 1;
  const m1 = widths.length > 1 ? (1 << widths[1]) - 1 : 0;
  c0.fill(0);
  c1.fill(0);
  // keys relative to the minimum (the same unsigned order) and the first two digit histograms in one pass
  let k1 = b.keysA;
  const bits = new Int32Array(scores.buffer, scores.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const bi = scores[i] === 0 ? 0 : bits[i];
    const k = ((bi < 0 ? bi : ~(bi | 0x80000000)) - base) | 0;
    k1[i] = k;
    c0[k & m0]++;
    c1[(k >>> w0) & m1]++;
  }
  let k2 = b.keysB;
  // the first pass reads the caller's payload; later passes ping-pong between A and B
  let p1: Uint32Array = payload;
  let p2: Uint32Array = b.payloadA;
  let shift = 0;
  for (let d = 0; d < widths.length; d++) {
    const c = b.counts[d];
    const width = widths[d] | 0;
    const mask = (1 << width) - 1;
    if (d >= 2) {
      c.fill(0);
      for (let i = 0; i < n; i++) c[(k1[i] >>> shift) & mask]++;
    }
    let s = 0;
    for (let j = 0; j <= mask; j++) {
      const v = c[j];
      c[j] = s;
      s += v;
    }
    // the last pass writes the descending keys back (the minimum added again)
    const add = d === widths.length - 1 ? base : 0;
    for (let i = 0; i < n; i++) {
      const k = k1[i];
      const pos = c[(k >>> shift) & mask]++;
      k2[pos] = (k + add) | 0;
      p2[pos] = p1[i];
    }
    const tk = k1;
    k1 = k2;
    k2 = tk;
    const next = p1 === payload ? b.payloadB : p1;
    p1 = p2;
    p2 = next;
    shift = (shift + width) | 0;
  }
  if (p1 === payload) {
    // no pass ran: every score is equal
    b.payloadA.set(payload);
    p1 = b.payloadA;
    for (let i = 0; i < n; i++) k1[i] = (k1[i] + base) | 0;
  }
  return { keys: k1, payload: p1 };
}

/** Indices of `scores` in descending score order (ties in index order). */
export function argsortDesc(scores: Float32Array): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return sortByScoreDesc(scores, idx).payload;
}
