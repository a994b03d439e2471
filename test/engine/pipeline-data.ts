/** Builds the end-to-end inputs of pipeline.json exactly as fx_pipeline() in the fixture script does. */
import type { Subband } from '../../shared/subbands.js';
import type { Wavelet } from '../../shared/wavelets.js';
import { featureBatch, type FeatureBatch } from '../../worker/engine/feature-batch.js';
import { CROP, type ClassFeatures, type TestTruth } from '../../worker/engine/types.js';
import type { StoredArray } from './fixtures.js';
import { rand } from './prng.js';

export interface PipelineCase {
  wavelet: Wavelet;
  level: number;
  subbands: Subband[];
  sigma: number;
  cov_reg: number;
  seed: number;
  chans: number[];
  sizes: number[];
  n_train: number;
  n_test: number;
  grid: [number, number];
  D: number;
  embedding_test0: StoredArray;
  dist: StoredArray;
  image_scores: StoredArray;
  map0_stride7: StoredArray;
  image_auroc: number;
  pixel_auroc: number;
}

export function pipelineFeatures(c: PipelineCase): ClassFeatures {
  const train: FeatureBatch[] = c.chans.map((ch, l) => {
    const s = c.sizes[l];
    return featureBatch(c.n_train, ch, s, s, rand(c.seed + l, c.n_train * ch * s * s));
  });
  const test: FeatureBatch[] = c.chans.map((ch, l) => {
    const s = c.sizes[l];
    const b = featureBatch(c.n_test, ch, s, s, rand(c.seed + 5 + l, c.n_test * ch * s * s));
    const per = ch * s * s;
    for (let i = Math.floor(c.n_test / 2); i < c.n_test; i++)
      for (let j = i * per; j < (i + 1) * per; j++) b.data[j] += 0.5;
    return b;
  });
  return { train, test };
}

export function pipelineTruth(t: number): TestTruth {
  const masks = new Uint8Array(t * CROP * CROP);
  const labels = new Uint8Array(t);
  const defects: string[] = [];
  for (let i = 0; i < t; i++) {
    const anomalous = i >= Math.floor(t / 2);
    labels[i] = anomalous ? 1 : 0;
    defects.push(anomalous ? (i % 2 ? 'shift' : 'scratch') : 'good');
    if (!anomalous) continue;
    for (let y = 20 + 30 * i; y < 60 + 30 * i; y++)
      for (let x = 100 - 10 * i; x < 150 - 10 * i; x++) masks[(i * CROP + y) * CROP + x] = 1;
  }
  return { labels, masks, defects };
}
