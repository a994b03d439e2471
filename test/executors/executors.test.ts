/** Executors agree with each other, batch splitting is exact, and createFeatureExtractor batches correctly. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createExecutor } from '../../worker/executors/create.js';
import { resolveBackend } from '../../worker/executors/detect.js';
import type { GraphExecutor } from '../../worker/executors/types.js';
import { backboneGraph } from '../../worker/models/catalogue.js';
import { createFeatureExtractor, RANDOM_WEIGHTS_WARNING } from '../../worker/extractor/feature-extractor.js';
import { foldWeights } from '../../worker/weights/fold.js';
import { randomStateDict } from '../../worker/weights/random-init.js';
import { writeSafetensors } from '../../worker/weights/safetensors.js';
import { seededImages } from '../../worker/weights/seeded.js';
import { importWeights } from '../../worker/weights/store.js';
import { relL2 } from '../models/torchvision-fixtures.js';

const open: GraphExecutor[] = [];
afterAll(async () => {
  await Promise.all(open.map((e) => e.dispose()));
});

describe('executors', () => {
  it('tfjs-wasm splits an odd batch across 2 worker threads and matches onnx image by image', async () => {
    const g = backboneGraph('efficientnet-b0');
    const w = foldWeights(g, randomStateDict(g, 99));
    const onnx = await createExecutor('onnx', g, w, { threads: 1 });
    const wasm = await createExecutor('tfjs-wasm', g, w, { threads: 2 });
    open.push(onnx, wasm);
    expect(wasm.info).toMatchObject({ executor: 'tfjs-wasm', version: '4.22.0' });
    expect(onnx.info.executor).toBe('onnx');
    const x = seededImages(5, 3, 32);
    const a = await onnx.run(x, 3, 32);
    const b = await wasm.run(x.slice(), 3, 32);
    expect(b.map((t) => t.length)).toEqual(a.map((t) => t.length));
    for (let t = 0; t < a.length; t++) {
      const per = a[t].length / 3;
      for (let i = 0; i < 3; i++)
        expect(relL2(b[t].subarray(i * per, (i + 1) * per), a[t].subarray(i * per, (i + 1) * per))).toBeLessThan(1e-4);
    }
  }, 300_000);

  it('auto picks onnx on CPU; onnx-cuda without its provider is a UserError; tfjs-gpu falls back', async () => {
    expect(await resolveBackend('auto', null)).toBe('onnx');
    expect(await resolveBackend('tfjs-wasm', null)).toBe('tfjs-wasm');
    await expect(resolveBackend('onnx-cuda', 0)).rejects.toThrow(/CUDA execution provider is not installed/);
    // tfjs-gpu without tfjs-node(-gpu) installed falls back to wasm (with a warning), as the issue asks
    expect(await resolveBackend('tfjs-gpu', 0)).toBe('tfjs-wasm');
  });
});

describe('createFeatureExtractor', () => {
  it('random weights: id, loud warning, FeatureBatches independent of batch size', async () => {
    const x = seededImages(21, 3, 224);
    const fe2 = await createFeatureExtractor({
      backbone: 'resnet18',
      weights: 'random:5',
      backend: 'onnx',
      batchSize: 2,
      threads: 2,
    });
    const fe3 = await createFeatureExtractor({
      backbone: 'resnet18',
      weights: 'random:5',
      backend: 'auto',
      batchSize: 3,
      threads: 2,
    });
    try {
      expect(fe2.weightsId).toBe('random-init seed 5');
      expect(fe2.weightsWarning).toBe(RANDOM_WEIGHTS_WARNING);
      expect(fe2.info.executor).toBe('onnx');
      const a = await fe2.extract(x, 3);
      const b = await fe3.extract(x, 3);
      expect(a.map((f) => [f.n, f.c, f.h, f.w])).toEqual([
        [3, 64, 56, 56],
        [3, 128, 28, 28],
        [3, 256, 14, 14],
      ]);
      for (let t = 0; t < 3; t++) expect(relL2(a[t].data, b[t].data)).toBeLessThan(1e-6);
      // the third image (second chunk at batch 2) is not left empty
      const last = a[2].data.subarray(2 * 256 * 14 * 14);
      expect(Math.max(...last.map(Math.abs))).toBeGreaterThan(0.1);
    } finally {
      await fe2.dispose();
      await fe3.dispose();
    }
  });

  it('imported weights (sha256:PREFIX and imagenet) give the same features as the same weights generated in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wepadim-fe-'));
    try {
      const f = join(dir, 'efficientnet_b0_rwightman-3dd342df.pth.safetensors');
      writeFileSync(f, writeSafetensors(randomStateDict(backboneGraph('efficientnet-b0'), 8)));
      const meta = importWeights({ file: f, arch: 'efficientnet-b0', dir: join(dir, 'w'), tag: 'IMAGENET1K_V1' });
      const x = seededImages(4, 1, 224);
      const outs = [];
      for (const weights of [`sha256:${meta.id.slice(7, 15)}`, 'imagenet', 'random:8']) {
        const fe = await createFeatureExtractor({
          backbone: 'efficientnet-b0',
          weights,
          backend: 'onnx',
          weightsDir: join(dir, 'w'),
          threads: 1,
        });
        try {
          expect(fe.weightsId).toBe(weights === 'random:8' ? 'random-init seed 8' : meta.id);
          expect(fe.weightsWarning === null).toBe(weights !== 'random:8');
          outs.push(await fe.extract(x, 1));
        } finally {
          await fe.dispose();
        }
      }
      for (let t = 0; t < 4; t++) {
        expect(Array.from(outs[0][t].data)).toEqual(Array.from(outs[2][t].data));
        expect(Array.from(outs[1][t].data)).toEqual(Array.from(outs[2][t].data));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad weights spec and a wrong image buffer size', async () => {
    await expect(
      createFeatureExtractor({ backbone: 'resnet18', weights: 'random:x', backend: 'onnx' }),
    ).rejects.toThrow(/the seed must be an integer/);
    await expect(
      createFeatureExtractor({ backbone: 'resnet18', weights: 'resnet18.pth', backend: 'onnx' }),
    ).rejects.toThrow(/use random:SEED, imagenet or sha256:HEX/);
    await expect(
      createFeatureExtractor({ backbone: 'resnet18', weights: 'random:1', backend: 'cuda' as 'onnx' }),
    ).rejects.toThrow(/unknown backend "cuda"/);
    const fe = await createFeatureExtractor({ backbone: 'efficientnet-b0', weights: 'random:1', backend: 'onnx' });
    try {
      await expect(fe.extract(new Float32Array(10), 1)).rejects.toThrow(/not n\*3\*224\*224/);
    } finally {
      await fe.dispose();
    }
  });
});
