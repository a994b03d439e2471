/** The tfjs graph runner keeps memory bounded: no tensors survive a forward pass, and disposal frees the weights. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { disposeWeights, runGraphTf, uploadWeights } from '../../worker/executors/tfjs/tfjs-graph.js';
import { backboneGraph } from '../../worker/models/catalogue.js';
import { foldWeights } from '../../worker/weights/fold.js';
import { randomStateDict } from '../../worker/weights/random-init.js';
import { seededImages } from '../../worker/weights/seeded.js';

describe('runGraphTf memory', () => {
  it('efficientnet-b0: tensor count is unchanged by forward passes and back to zero after dispose', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const before = tf.memory().numTensors;
    const g = backboneGraph('efficientnet-b0');
    const w = uploadWeights(tf, g, foldWeights(g, randomStateDict(g, 2)));
    const afterUpload = tf.memory().numTensors;
    expect(afterUpload - before).toBe(w.filters.size + w.biases.size);
    const x = seededImages(3, 2, 32);
    const a = runGraphTf(tf, g, w, x, 2, 32);
    runGraphTf(tf, g, w, x, 2, 32);
    expect(tf.memory().numTensors).toBe(afterUpload);
    expect(a.map((t) => t.length)).toEqual([2 * 40 * 4 * 4, 2 * 80 * 2 * 2, 2 * 112 * 2 * 2, 2 * 192 * 1 * 1]);
    disposeWeights(w);
    expect(tf.memory().numTensors).toBe(before);
  });
});
