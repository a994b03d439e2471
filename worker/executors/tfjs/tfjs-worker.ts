/**
 * Worker-thread entry for the tfjs executor: one tfjs instance per thread (Node has no wasm threads).
 * Messages: {type:'init', graph, weights, flavour} -> {type:'ready', version, device};
 * {type:'run', id, input, n, size} -> {type:'result', id, taps} | {type:'error', id, message}.
 */
import { parentPort } from 'node:worker_threads';
import type { BackboneGraph } from '../../models/graph.js';
import type { FoldedWeights } from '../../weights/fold.js';
import { runGraphTf, type TfWeights, uploadWeights } from './tfjs-graph.js';
import { loadTf, type LoadedTf, type TfjsFlavour } from './tfjs-load.js';

export type WorkerRequest =
  | { type: 'init'; graph: BackboneGraph; weights: FoldedWeights; flavour: TfjsFlavour }
  | { type: 'run'; id: number; input: Float32Array; n: number; size: number };
export type WorkerReply =
  | { type: 'ready'; version: string; device: string }
  | { type: 'result'; id: number; taps: Float32Array[] }
  | { type: 'error'; id: number; message: string };

let loaded: LoadedTf | undefined;
let graph: BackboneGraph | undefined;
let weights: TfWeights | undefined;
const port = parentPort;
if (!port) throw new Error('tfjs-worker.ts must run in a worker thread');

port.on('message', (msg: WorkerRequest) => {
  void (async () => {
    if (msg.type === 'init') {
      try {
        loaded = await loadTf(msg.flavour);
        graph = msg.graph;
        weights = uploadWeights(loaded.tf, msg.graph, msg.weights);
        port.postMessage({ type: 'ready', version: loaded.version, device: loaded.device } satisfies WorkerReply);
      } catch (e) {
        port.postMessage({ type: 'error', id: -1, message: (e as Error).message } satisfies WorkerReply);
      }
      return;
    }
    try {
      if (!loaded || !graph || !weights) throw new Error('worker not initialised');
      const taps = runGraphTf(loaded.tf, graph, weights, msg.input, msg.n, msg.size);
      port.postMessage(
        { type: 'result', id: msg.id, taps } satisfies WorkerReply,
        taps.map((t) => t.buffer as ArrayBuffer),
      );
    } catch (e) {
      port.postMessage({ type: 'error', id: msg.id, message: (e as Error).message } satisfies WorkerReply);
    }
  })();
});
