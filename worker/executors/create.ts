/** Build the executor named by `name` for a graph and its folded weights. */
import type { BackboneGraph } from '../models/graph.js';
import type { FoldedWeights } from '../weights/fold.js';
import { createOnnxExecutor } from './onnx/onnx-executor.js';
import { createTfjsExecutor } from './tfjs/tfjs-executor.js';
import type { ExecutorName, ExecutorOptions, GraphExecutor } from './types.js';

export async function createExecutor(
  name: ExecutorName,
  g: BackboneGraph,
  w: FoldedWeights,
  opts: ExecutorOptions = {},
): Promise<GraphExecutor> {
  if (name === 'onnx' || name === 'onnx-cuda') return createOnnxExecutor(g, w, { ...opts, cuda: name === 'onnx-cuda' });
  return createTfjsExecutor(g, w, name, opts);
}
