/**
 * Per-trial artifacts under `<artifactsDir>/<trial key>/`: the trial JSON, and anomaly-map PNGs (a heat
 * overlay of the anomaly map on the image, with the ground-truth contour, a colour bar and a title; see
 * ./map-figure.ts) for the highest- and lowest-scoring test images of the trial. Files are named
 * `<class>_<defect>_<image>_score-<s>.png` (kind map-high / map-low): "high/low" is the image's score,
 * never a ranking of trials.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ArtifactRef, TrialResult } from '../../shared/result.js';
import type { TrialParams } from '../../shared/trial.js';
import type { SampleRef } from '../data/types.js';
import type { DataPort } from './ports.js';
import { heatColor } from './heat-color.js';
import { FIGURE_H, FIGURE_W, renderFigure } from './map-figure.js';

const S = 224;

export function trialArtifactsDir(artifactsDir: string, key: string): string {
  return join(artifactsDir, key);
}

export async function writeTrialJson(
  dir: string,
  key: string,
  params: TrialParams,
  result: TrialResult,
): Promise<ArtifactRef> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'trial.json');
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify({ key, params, ...result }, null, 2) + '\n');
  await rename(tmp, path);
  return { kind: 'trial-json', path };
}

export { heatColor } from './heat-color.js';

/**
 * Blend the heat map (normalised with [lo, hi]) over the image at alpha 0.5 and draw the ground-truth
 * contour (mask pixels with a 4-neighbour outside the mask) in white.
 */
export function renderOverlay(
  rgb: Uint8Array,
  map: Float32Array,
  mask: Uint8Array,
  lo: number,
  hi: number,
): Uint8Array {
  if (rgb.length !== S * S * 3 || map.length !== S * S || mask.length !== S * S) {
    throw new RangeError(
      `renderOverlay: expected 224x224 inputs (rgb ${rgb.length}, map ${map.length}, mask ${mask.length})`,
    );
  }
  const out = new Uint8Array(S * S * 3);
  const span = hi > lo ? hi - lo : 1;
  for (let p = 0; p < S * S; p++) {
    const [r, g, b] = heatColor((map[p] - lo) / span);
    out[p * 3] = (rgb[p * 3] + r) >> 1;
    out[p * 3 + 1] = (rgb[p * 3 + 1] + g) >> 1;
    out[p * 3 + 2] = (rgb[p * 3 + 2] + b) >> 1;
  }
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const p = y * S + x;
      if (!mask[p]) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === S - 1 ||
        y === S - 1 ||
        !mask[p - 1] ||
        !mask[p + 1] ||
        !mask[p - S] ||
        !mask[p + S];
      if (edge) out.fill(255, p * 3, p * 3 + 3);
    }
  }
  return out;
}

/** Indices of the `k` highest and `k` lowest image scores (ties: lower index first). */
export function extremeIndices(scores: Float32Array, k: number): { best: number[]; worst: number[] } {
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  const kk = Math.min(k, Math.floor(order.length / 2) || order.length);
  return { best: order.slice(0, kk), worst: order.slice(order.length - kk).reverse() };
}

export interface MapInputs {
  test: SampleRef[];
  scores: Float32Array;
  maps: Float32Array; // n*224*224
  masks: Uint8Array; // n*224*224
}

/** `<class>_<defect>_<image>_score-<s>.png`, safe as a file name. */
export function mapFileName(cls: string, sample: SampleRef, score: number): string {
  const stem = basename(sample.path, extname(sample.path));
  return `${cls}_${sample.defect}_${stem}_score-${score.toFixed(3)}.png`.replace(/[^\w.+=-]/g, '_');
}

export async function writeMapPngs(
  dir: string,
  data: DataPort,
  inp: MapInputs,
  k: number,
  label: { cls: string; trialKey: string },
): Promise<ArtifactRef[]> {
  await mkdir(dir, { recursive: true });
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of inp.maps) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const { best, worst } = extremeIndices(inp.scores, k);
  const chosen = [...best.map((i) => ({ i, kind: 'map-high' })), ...worst.map((i) => ({ i, kind: 'map-low' }))];
  const { rgb } = await data.loadBatch(chosen.map((c) => inp.test[c.i]));
  const refs: ArtifactRef[] = [];
  for (let j = 0; j < chosen.length; j++) {
    const { i, kind } = chosen[j];
    const map = inp.maps.subarray(i * S * S, (i + 1) * S * S);
    const mask = inp.masks.subarray(i * S * S, (i + 1) * S * S);
    const sample = inp.test[i];
    const figure = renderFigure(renderOverlay(rgb[j], map, mask, lo, hi), lo, hi, {
      cls: label.cls,
      image: `${sample.defect}/${basename(sample.path)}`,
      score: inp.scores[i],
      trialKey: label.trialKey,
    });
    const path = join(dir, mapFileName(label.cls, sample, inp.scores[i]));
    await data.writePng(path, figure, FIGURE_W, FIGURE_H, 3);
    refs.push({ kind, path });
  }
  return refs;
}
