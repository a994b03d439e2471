/**
 * The engine in a worker thread: the engine is synchronous and a DWT group can take minutes, so the
 * worker's event loop (heartbeats, progress, cancellation) keeps running while it computes. Features and
 * ground truth arrive in SharedArrayBuffers (no copy), or as file descriptors the thread reads a chunk at a time;
 * scores and maps come back transferred.
 */
import { parentPort } from 'node:worker_threads';
import { evaluateDwtGroup } from '../engine/index.js';
import type { CachedDistances } from '../engine/types.js';
import { fromWire, type EngineRequest, type EngineReply } from './engine-thread.js';
import { threadCpuSeconds } from './thread-cpu.js';

const port = parentPort;
if (!port) throw new Error('engine-thread-main must run in a worker thread');

// the distance cache of the caller's latest cache id (one class at a time: an older id's cache is dropped)
let caches: { id: number; map: Map<string, CachedDistances> } | null = null;

port.on('message', (req: EngineRequest) => {
  if (req.distanceCacheId !== null && caches?.id !== req.distanceCacheId)
    caches = { id: req.distanceCacheId, map: new Map() };
  const send = (m: EngineReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  try {
    const features = { train: req.features.train.map(fromWire), test: req.features.test.map(fromWire) };
    const out = evaluateDwtGroup(features, req.truth, req.dwt, req.variants, {
      subsets: req.subsets,
      sharing: req.sharing,
      cpuClock: threadCpuSeconds,
      distanceCache: req.distanceCacheId !== null ? caches?.map : undefined,
      ...(req.maxBlockBytes !== null ? { maxBlockBytes: req.maxBlockBytes } : {}),
      ...(req.spillDir !== null ? { spillDir: req.spillDir } : {}),
      keepMaps: (i) => req.keepMaps[i] === true,
      onVariantDone: (i, o) => {
        const imageScores = o.imageScores.slice();
        const maps = o.maps ? o.maps.slice() : null;
        const transfer = [imageScores.buffer, ...(maps ? [maps.buffer] : [])];
        send({ type: 'variant', id: req.id, i, outcome: { ...o, imageScores, maps } }, transfer);
      },
    });
    send({ type: 'done', id: req.id, timings: out.timings, count: out.outcomes.length });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    send({ type: 'error', id: req.id, name: e.name, message: e.message });
  }
});
