/** Radix argsort of float32 scores (no JS object sort): the ranking step shared by every pixel metric. */
import { ShapeError } from '../../shared/errors.js';

/**
 * Order-preserving uint32 keys of float32 values, descending-order flavour: key(a) < key(b) iff a > b.
 * -0 is mapped to +0 (they tie, as in numpy); NaN is rejected with the offending index.
 */
export function descendingKeys(scores: Float32Array): Uint32Array {
  const keys = new Uint32Array(scores.length);
  const bits = new Uint32Array(scores.buffer, scores.byteOffset, scores.length);
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (v !== v) throw new ShapeError('NaN in scores', { index: i, length: scores.length });
    const b = v === 0 ? 0 : bits[i];
    const asc = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[i] = ~asc >>> 0;
  }
  return keys;
}

/** Indices of `scores` sorted by descending value (ties in index order): LSD radix sort, 3 passes of 11 bits. */
export function argsortDesc(scores: Float32Array): Uint32Array {
  const n = scores.length;
  let keys = descendingKeys(scores);
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let keys2 = new Uint32Array(n);
  let idx2 = new Uint32Array(n);
  const count = new Uint32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & 2047]++;
    if (count.some((c) => c === n)) continue; // every key has the same digit: nothing to do
    let sum = 0;
    for (let b = 0; b < 2048; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const pos = count[(k >>> shift) & 2047]++;
      keys2[pos] = k;
      idx2[pos] = idx[i];
    }
    [keys, keys2] = [keys2, keys];
    [idx, idx2] = [idx2, idx];
  }
  return idx;
}
