/**
 * The engine in a worker thread: the engine is synchronous and a DWT group can take minutes, so the
 * worker's event loop (heartbeats, progress, cancellation) keeps running while it computes. Features and
 * ground truth arrive in SharedArrayBuffers (no copy); scores and maps come back transferred.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateDwtGroup } from '../engine/index.js';
import type { EngineRequest, EngineReply } from './engine-thread.js';
import { threadCpuSeconds } from './thread-cpu.js';

const port = parentPort;
if (!port) throw new Error('engine-thread-main must run in a worker thread');

port.on('message', (req: EngineRequest) => {
  const send = (m: EngineReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  try {
    const out = evaluateDwtGroup(req.features, req.truth, req.dwt, req.variants, {
      subsets: req.subsets,
      sharing: req.sharing,
      cpuClock: threadCpuSeconds,
      keepMaps: (i) => req.keepMaps[i] === true,
      onVariantDone: (i, o) => {
        const imageScores = o.imageScores.slice();
        const maps = o.maps ? o.maps.slice() : null;
        const transfer = [imageScores.buffer as ArrayBuffer, ...(maps ? [maps.buffer as ArrayBuffer] : [])];
        send({ type: 'variant', id: req.id, i, outcome: { ...o, imageScores, maps } }, transfer);
      },
    });
    send({ type: 'done', id: req.id, timings: out.timings, count: out.outcomes.length });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'error', id: req.id, name: e.name, message: e.message });
  }
});
