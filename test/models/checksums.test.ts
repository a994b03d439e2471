/**
 * All 10 backbones at the real 224x224 input against torchvision: tap shapes, and output checksums
 * (mean, rms, 64 sampled values) recorded by the fixture script with the same seeded weights and input.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BACKBONES, BACKBONE_TAPS } from '../../shared/backbones.js';
import { createExecutor } from '../../worker/executors/create.js';
import { backboneGraph } from '../../worker/models/catalogue.js';
import { graphParams } from '../../worker/models/graph.js';
import { foldWeights } from '../../worker/weights/fold.js';
import { randomStateDict } from '../../worker/weights/random-init.js';
import { seededImages } from '../../worker/weights/seeded.js';
import { checksumFixture, relL2 } from './torchvision-fixtures.js';

const cs = checksumFixture();

describe('every backbone on onnx matches torchvision at 224x224', () => {
  it.each(BACKBONES.map((b) => [b]))('%s', async (arch) => {
    const want = cs.archs[arch];
    expect(want.map((t) => [t.module, t.shape[1], t.shape[2]])).toEqual(
      BACKBONE_TAPS[arch].map((t) => [t.module, t.channels, t.size]),
    );
    const g = backboneGraph(arch);
    const ex = await createExecutor('onnx', g, foldWeights(g, randomStateDict(g, cs.seed)), { threads: 2 });
    try {
      const out = await ex.run(seededImages(cs.input_seed, 1, cs.size), 1, cs.size);
      want.forEach((t, i) => {
        expect(out[i].length).toBe(t.shape.reduce((a, b) => a * b, 1));
        let s = 0;
        let s2 = 0;
        for (const v of out[i]) {
          s += v;
          s2 += v * v;
        }
        const rms = Math.sqrt(s2 / out[i].length);
        expect(Math.abs(rms - t.rms) / t.rms, `${t.module} rms`).toBeLessThan(1e-4);
        expect(Math.abs(s / out[i].length - t.mean) / t.rms, `${t.module} mean`).toBeLessThan(1e-4);
        expect(
          relL2(
            t.sample_index.map((k) => out[i][k]),
            t.samples,
          ),
          `${t.module} samples`,
        ).toBeLessThan(1e-4);
      });
    } finally {
      await ex.dispose();
    }
  });
});

describe('graph parameters are exactly torchvision state_dict tensors up to the last tap', () => {
  it.each(BACKBONES.map((b) => [b]))('%s: same names and shapes', (arch) => {
    const keys = graphParams(backboneGraph(arch))
      .map((p) => `${p.name}:${p.shape.join(',')}`)
      .sort();
    const want = cs.state_dict_keys[arch];
    expect(keys.length).toBe(want.count);
    expect(createHash('sha256').update(keys.join('\n')).digest('hex')).toBe(want.sha256);
  });
});
