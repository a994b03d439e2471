/**
 * The tfjs executor. `tfjs-gpu` / `tfjs-node` run in-process on libtensorflow; `tfjs-wasm` runs one tfjs wasm
 * instance per worker thread (default 2) and splits each batch across them by image.
 */
import { cpus } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../../../shared/spawn.js';
import type { BackboneGraph } from '../../models/graph.js';
import type { FoldedWeights } from '../../weights/fold.js';
import type { ExecutorOptions, GraphExecutor } from '../types.js';
import { disposeWeights, runGraphTf, uploadWeights } from './tfjs-graph.js';
import { loadTf, type TfjsFlavour } from './tfjs-load.js';
import type { WorkerReply, WorkerRequest } from './tfjs-worker.js';

export async function createTfjsExecutor(
  g: BackboneGraph,
  w: FoldedWeights,
  flavour: TfjsFlavour,
  opts: ExecutorOptions = {},
): Promise<GraphExecutor> {
  if (flavour !== 'tfjs-wasm') {
    const lt = await loadTf(flavour);
    const tw = uploadWeights(lt.tf, g, w);
    return {
      info: {
        executor: flavour,
        version: lt.version,
        device: opts.gpu != null && flavour === 'tfjs-gpu' ? `cuda:${opts.gpu}` : lt.device,
      },
      run: (input, n, size) => new Promise((ok) => ok(runGraphTf(lt.tf, g, tw, input, n, size))),
      dispose: () => new Promise((ok) => ok(disposeWeights(tw))),
    };
  }
  const threads = Math.max(1, opts.threads ?? Math.min(2, cpus().length));
  const pool = await Promise.all(Array.from({ length: threads }, () => startWorker(g, w)));
  const version = pool[0].version;
  let nextId = 0;
  return {
    info: { executor: 'tfjs-wasm', version, device: `cpu (wasm simd, ${threads} worker threads)` },
    async run(input, n, size) {
      const per = (g.inputChannels ?? 3) * size * size;
      const chunk = Math.ceil(n / pool.length);
      const jobs: Promise<Float32Array[]>[] = [];
      const counts: number[] = [];
      for (let i = 0, s = 0; s < n; i++, s += chunk) {
        const m = Math.min(chunk, n - s);
        counts.push(m);
        jobs.push(pool[i].run(nextId++, input.slice(s * per, (s + m) * per), m, size));
      }
      const parts = await Promise.all(jobs);
      return g.taps.map((_, t) => {
        const out = new Float32Array(parts.reduce((a, p) => a + p[t].length, 0));
        let o = 0;
        for (const p of parts) {
          out.set(p[t], o);
          o += p[t].length;
        }
        return out;
      });
    },
    async dispose() {
      await Promise.all(pool.map((p) => p.worker.terminate()));
    },
  };
}

interface PoolWorker {
  worker: Worker;
  version: string;
  run(id: number, input: Float32Array, n: number, size: number): Promise<Float32Array[]>;
}

async function startWorker(g: BackboneGraph, w: FoldedWeights): Promise<PoolWorker> {
  const worker = tsWorker(new URL('./tfjs-worker.ts', import.meta.url));
  const pending = new Map<number, { resolve: (t: Float32Array[]) => void; reject: (e: Error) => void }>();
  let onReady: ((r: WorkerReply) => void) | undefined;
  worker.on('message', (r: WorkerReply) => {
    if (r.type === 'ready' || (r.type === 'error' && r.id === -1)) return onReady?.(r);
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.type === 'result') p?.resolve(r.taps);
    else if (r.type === 'error') p?.reject(new Error(`tfjs-wasm worker: ${r.message}`));
  });
  worker.on('error', (e) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  });
  const ready = await new Promise<WorkerReply>((resolve, reject) => {
    onReady = resolve;
    worker.once('error', reject);
    worker.postMessage({ type: 'init', graph: g, weights: w, flavour: 'tfjs-wasm' } satisfies WorkerRequest);
  });
  if (ready.type !== 'ready') {
    await worker.terminate();
    throw new Error(`tfjs-wasm worker failed to start: ${ready.type === 'error' ? ready.message : ready.type}`);
  }
  return {
    worker,
    version: ready.version,
    run: (id, input, n, size) =>
      new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'run', id, input, n, size } satisfies WorkerRequest, [input.buffer as ArrayBuffer]);
      }),
  };
}
