/**
 * The `onnx` executor: onnxruntime-node on CPU, or with the CUDA execution provider (`onnx-cuda`)
 * where the user installed the CUDA 12 binaries (see docs/backbones-and-weights.md).
 */
import { createRequire } from 'node:module';
import type { BackboneGraph } from '../../models/graph.js';
import type { FoldedWeights } from '../../weights/fold.js';
import type { ExecutorOptions, GraphExecutor } from '../types.js';
import { buildOnnxModel } from './build-model.js';

export function onnxRuntimeVersion(): string {
  const req = createRequire(import.meta.url);
  return (req('onnxruntime-node/package.json') as { version: string }).version;
}

export async function createOnnxExecutor(
  g: BackboneGraph,
  w: FoldedWeights,
  opts: ExecutorOptions & { cuda?: boolean } = {},
): Promise<GraphExecutor> {
  const ort = await import('onnxruntime-node');
  const bytes = buildOnnxModel(g, w);
  const threads = opts.threads ?? 0;
  const cuda = opts.cuda === true;
  const gpu = opts.gpu ?? 0;
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: cuda ? [{ name: 'cuda', deviceId: gpu }] : ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...(opts.memoryArena === false ? { enableCpuMemArena: false } : {}),
  });
  const outputs = g.taps.map((t) => t.value);
  return {
    info: {
      executor: cuda ? 'onnx-cuda' : 'onnx',
      version: onnxRuntimeVersion(),
      device: cuda ? `cuda:${gpu}` : `cpu (${threads || 'all'} threads)`,
    },
    async run(input, n, size) {
      const x = new ort.Tensor('float32', input, [n, g.inputChannels ?? 3, size, size]);
      const res = await session.run({ [g.input]: x }, outputs);
      x.dispose();
      return outputs.map((name) => {
        const t = res[name];
        const data = t.data as Float32Array;
        const copy = data.slice();
        t.dispose();
        return copy;
      });
    },
    async dispose() {
      await session.release();
    },
  };
}
