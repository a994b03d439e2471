/**
 * AUPRO, the MVTec AD definition: ground-truth regions are the 8-connected components of each mask;
 * for every threshold, PRO = mean over regions of the fraction of the region above it, FPR = fraction of normal
 * pixels above it; the exact curve over all distinct thresholds is integrated (trapezoid) up to FPR = limit
 * (interpolated there) and divided by the limit.
 */
import { ShapeError } from '../../shared/errors.js';
import { argsortDesc } from './sort.js';

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

export function aupro(masks: Uint8Array, scores: Float32Array, n: number, h: number, w: number, fprLimit = 0.3, order?: Uint32Array): number {
  const hw = h * w;
  if (masks.length !== n * hw || scores.length !== n * hw)
    throw new ShapeError('masks and scores must both be n*h*w', { masks: masks.length, scores: scores.length, n, h, w });
  // per pixel: region weight 1/(R * size) for anomalous pixels, -1 for normal ones
  const region = new Int32Array(n * hw); // global region id + 1, 0 = normal
  const sizes: number[] = [0];
  const lab = new Int32Array(hw);
  let nOk = 0;
  for (let i = 0; i < n; i++) {
    lab.fill(0);
    const c = connectedComponents(masks, i * hw, h, w, lab);
    const base = sizes.length - 1;
    for (let k = 0; k < c; k++) sizes.push(0);
    for (let s = 0; s < hw; s++) {
      if (lab[s] > 0) {
        region[i * hw + s] = base + lab[s];
        sizes[base + lab[s]]++;
      } else nOk++;
    }
  }
  const R = sizes.length - 1;
  if (R === 0 || nOk === 0) throw new ShapeError('AUPRO needs anomalous regions and normal pixels', { regions: R, normalPixels: nOk });
  const weight = Float64Array.from(sizes, (s) => (s > 0 ? 1 / (R * s) : 0));
  const ord = order ?? argsortDesc(scores);
  let fpCount = 0;
  let pro = 0;
  let area = 0;
  let x0 = 0;
  let y0 = 0;
  for (let r = 0; r < ord.length; r++) {
    const i = ord[r];
    const g = region[i];
    if (g === 0) fpCount++;
    else pro += weight[g];
    if (r < ord.length - 1 && scores[ord[r + 1]] === scores[i]) continue;
    let x1 = Math.min(fpCount / nOk, 1);
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
