/**
 * AUPRO, the MVTec AD definition: ground-truth regions are the 8-connected components of each mask;
 * for every threshold, PRO = mean over regions of the fraction of the region above it, FPR = fraction of normal
 * pixels above it; the exact curve over all distinct thresholds is integrated (trapezoid) up to FPR = limit
 * (interpolated there) and divided by the limit.
 */
import { ShapeError } from '../../shared/errors.js';
import { sortByScoreDesc, type SortedScores } from './sort.js';

/** 8-connected component labels (1..count, 0 = background) of one h x w binary mask. */
export function connectedComponents(mask: Uint8Array, off: number, h: number, w: number, out: Int32Array): number {
  let count = 0;
  const stack: number[] = [];
  for (let s = 0; s < h * w; s++) {
    if (!mask[off + s] || out[s] !== 0) continue;
    count++;
    out[s] = count;
    stack.push(s);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      const y = Math.floor(p / w);
      const x = p - y * w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (mask[off + q] && out[q] === 0) {
            out[q] = count;
            stack.push(q);
          }
        }
      }
    }
  }
  return count;
}

/** Per-pixel region codes (0 = normal pixel, r >= 1 = global region id) and the AUPRO weight of each region. */
export interface RegionCodes {
  codes: Uint32Array;
  /** weight[r] = 1 / (regions * size_r); weight[0] = 0 */
  weight: Float64Array;
  regions: number;
  normalPixels: number;
}

export function regionCodes(masks: Uint8Array, n: number, h: number, w: number): RegionCodes {
  const hw = h * w;
  if (masks.length !== n * hw) throw new ShapeError('masks must be n*h*w', { masks: masks.length, n, h, w });
  const codes = new Uint32Array(n * hw);
  const sizes: number[] = [0];
  const lab = new Int32Array(hw);
  let normalPixels = 0;
  for (let i = 0; i < n; i++) {
    lab.fill(0);
    const c = connectedComponents(masks, i * hw, h, w, lab);
    const base = sizes.length - 1;
    for (let k = 0; k < c; k++) sizes.push(0);
    for (let s = 0; s < hw; s++) {
      if (lab[s] > 0) {
        codes[i * hw + s] = base + lab[s];
        sizes[base + lab[s]]++;
      } else normalPixels++;
    }
  }
  const regions = sizes.length - 1;
  const weight = Float64Array.from(sizes, (s) => (s > 0 ? 1 / (regions * s) : 0));
  return { codes, weight, regions, normalPixels };
}

/** AUPRO from scores sorted with their region codes as payload (see sortByScoreDesc). */
export function auproFromSorted(sorted: SortedScores, rc: RegionCodes, fprLimit = 0.3, labelBits = 32): number {
  if (rc.regions === 0 || rc.normalPixels === 0)
    throw new ShapeError('AUPRO needs anomalous regions and normal pixels', {
      regions: rc.regions,
      normalPixels: rc.normalPixels,
    });
  if (!(fprLimit > 0 && fprLimit <= 1)) throw new ShapeError('AUPRO FPR limit must be in (0, 1]', { fprLimit });
  const { keys, payload } = sorted;
  const { weight, normalPixels } = rc;
  const n = keys.length;
  const mask = labelBits >= 32 ? 0xffffffff : (1 << labelBits) - 1;
  let fpCount = 0;
  let pro = 0;
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  for (let r = 0; r < n; r++) {
    const g = payload[r] & mask;
    if (g === 0) fpCount++;
    else pro += weight[g];
    if (r < n - 1 && keys[r + 1] === keys[r]) continue;
    let x1 = Math.min(fpCount / normalPixels, 1);
    let y1 = Math.min(pro, 1);
    if (x1 > fprLimit) {
      y1 = y0 + ((y1 - y0) * (fprLimit - x0)) / (x1 - x0);
      x1 = fprLimit;
    }
    area += ((x1 - x0) * (y0 + y1)) / 2;
    x0 = x1;
    y0 = y1;
    if (x0 >= fprLimit) break;
  }
  return area / fprLimit;
}

/** AUPRO of n maps (h x w) against binary masks, integrated up to FPR = fprLimit (default 0.3) and normalized. */
export function aupro(
  masks: Uint8Array,
  scores: Float32Array,
  n: number,
  h: number,
  w: number,
  fprLimit = 0.3,
): number {
  if (scores.length !== n * h * w) throw new ShapeError('scores must be n*h*w', { scores: scores.length, n, h, w });
  const rc = regionCodes(masks, n, h, w);
  return auproFromSorted(sortByScoreDesc(scores, rc.codes), rc, fprLimit);
}
