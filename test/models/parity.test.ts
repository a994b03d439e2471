/**
 * Parity with torchvision 0.14 (fixtures from test/fixtures/make_torchvision_fixtures.py): the same seeded
 * weights and inputs on both sides; every tap must agree within relative L2 error 1e-4.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../../shared/backbones.js';
import { createExecutor } from '../../worker/executors/create.js';
import type { ExecutorName, GraphExecutor } from '../../worker/executors/types.js';
import { backboneGraph } from '../../worker/models/catalogue.js';
import { foldWeights } from '../../worker/weights/fold.js';
import { randomStateDict } from '../../worker/weights/random-init.js';
import { seededImages } from '../../worker/weights/seeded.js';
import { parityFixture, relL2 } from './torchvision-fixtures.js';

const fx = parityFixture();
const open: GraphExecutor[] = [];
afterAll(async () => {
  await Promise.all(open.map((e) => e.dispose()));
});

async function executor(name: ExecutorName, arch: Backbone): Promise<GraphExecutor> {
  const g = backboneGraph(arch);
  const ex = await createExecutor(name, g, foldWeights(g, randomStateDict(g, fx.seed)), {
    threads: name === 'onnx' ? 2 : 1,
  });
  open.push(ex);
  return ex;
}

describe.each(['resnet18', 'efficientnet-b0'] as const)('%s parity with torchvision', (arch) => {
  const ref = fx.taps(arch);

  it('onnx: every tap within rel L2 1e-4 for 2 images', async () => {
    const ex = await executor('onnx', arch);
    const out = await ex.run(seededImages(fx.inputSeed, fx.n, fx.size), fx.n, fx.size);
    expect(out.map((o) => o.length)).toEqual(ref.map((r) => r.data.length));
    for (let t = 0; t < ref.length; t++) expect(relL2(out[t], ref[t].data), ref[t].module).toBeLessThanOrEqual(1e-4);
  });

  it('tfjs-wasm: every tap within rel L2 1e-4 for the first image', async () => {
    const ex = await executor('tfjs-wasm', arch);
    const out = await ex.run(seededImages(fx.inputSeed, fx.n, fx.size).slice(0, 3 * fx.size * fx.size), 1, fx.size);
    for (let t = 0; t < ref.length; t++) {
      const one = ref[t].data.subarray(0, ref[t].data.length / fx.n);
      expect(relL2(out[t], one), ref[t].module).toBeLessThanOrEqual(1e-4);
    }
  }, 300_000);
});
