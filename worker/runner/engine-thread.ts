/**
 * An EnginePort that runs evaluateDwtGroup in a worker thread (engine-thread-main.ts), so a long group
 * does not block the worker's event loop. Outcomes stream back one variant at a time (onVariantDone).
 * Aborting the signal terminates the thread (it is restarted on the next call).
 */
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../../shared/spawn.js';
import { ShapeError, UserError } from '../../shared/errors.js';
import type { FeatureBatch } from '../engine/feature-batch.js';
import { isBatch, type ClassTaps, type Tap } from '../engine/tap-source.js';
import type { DwtConfig, EvalSubset, GroupOptions, TestTruth, VariantConfig, VariantOutcome } from '../engine/types.js';
import type { EnginePort, GroupOutput } from './ports.js';
import { FileTapSource, type FileTapDescriptor } from './tap-file.js';

/** A tap as it crosses to the thread: a FeatureBatch in shared memory, or a file source as its descriptor. */
export type WireTap = FeatureBatch | FileTapDescriptor;

export interface EngineRequest {
  id: number;
  features: { train: WireTap[]; test: WireTap[] };
  truth: TestTruth;
  dwt: DwtConfig;
  variants: VariantConfig[];
  subsets: EvalSubset[];
  keepMaps: boolean[];
  sharing: boolean;
  /** the caller's distance cache (GroupOptions.distanceCache) stands for a cache the thread keeps under this id */
  distanceCacheId: number | null;
  maxBlockBytes: number | null;
  spillDir: string | null;
}

export type EngineReply =
  | { type: 'variant'; id: number; i: number; outcome: VariantOutcome }
  | { type: 'done'; id: number; timings: { dwt_s: number }; count: number }
  | { type: 'error'; id: number; name: string; message: string };

/** An error from the thread, keeping its class where it matters for retry decisions. */
export function threadError(name: string, message: string): Error {
  let e: Error;
  if (name === 'ShapeError') e = new ShapeError(message);
  else if (name === 'UserError' || name === 'DataError') e = new UserError(message);
  else e = new Error(message);
  e.name = name;
  return e;
}

const isShared = (a: ArrayBufferView): boolean => a.buffer instanceof SharedArrayBuffer;

/** A copy of `a` in a SharedArrayBuffer (or `a` itself when it already is one). */
export function toShared<T extends Float32Array | Uint8Array>(a: T): T {
  if (isShared(a)) return a;
  const Ctor = a.constructor as { new (b: SharedArrayBuffer): T };
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

export const sharedBatch = (b: FeatureBatch): FeatureBatch => ({ ...b, data: toShared(b.data) });

export function toWire(t: Tap): WireTap {
  if (isBatch(t)) return sharedBatch(t);
  if (t instanceof FileTapSource) return t.d;
  throw new Error(`a '${t.kind}' tap source cannot be passed to the engine thread`);
}

export const fromWire = (t: WireTap): Tap => ('fd' in t ? new FileTapSource(t) : t);

export class ThreadedEngine implements EnginePort {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (m: EngineReply) => void>();
  private readonly cacheIds = new WeakMap<object, number>();
  private nextCacheId = 1;

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const w = tsWorker(new URL('./engine-thread-main.ts', import.meta.url));
    w.on('message', (m: EngineReply) => this.pending.get(m.id)?.(m));
    w.on('error', (err) => this.failAll(err));
    w.on('exit', (code) => {
      if (this.worker === w) this.worker = null;
      this.failAll(new Error(`engine thread exited with code ${code}`));
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private failAll(err: Error): void {
    for (const [id, h] of this.pending) h({ type: 'error', id, name: err.name, message: err.message });
  }

  evaluateDwtGroup(
    features: ClassTaps,
    truth: TestTruth,
    dwt: DwtConfig,
    variants: VariantConfig[],
    opts: Omit<GroupOptions, 'method'> = {},
  ): Promise<GroupOutput> {
    opts.signal?.throwIfAborted();
    const w = this.ensure();
    const id = this.nextId++;
    const req: EngineRequest = {
      id,
      features: { train: features.train.map(toWire), test: features.test.map(toWire) },
      truth: { labels: toShared(truth.labels), masks: toShared(truth.masks), defects: truth.defects },
      dwt,
      variants,
      subsets: opts.subsets ?? [],
      keepMaps: variants.map((_, i) => opts.keepMaps?.(i) ?? false),
      sharing: opts.sharing ?? true,
      distanceCacheId: opts.distanceCache ? this.cacheId(opts.distanceCache) : null,
      maxBlockBytes: opts.maxBlockBytes ?? null,
      spillDir: opts.spillDir ?? null,
    };
    return new Promise<GroupOutput>((resolve, reject) => {
      const outcomes: VariantOutcome[] = new Array<VariantOutcome>(variants.length);
      const onAbort = (): void => {
        this.pending.delete(id);
        if (this.pending.size === 0) this.dispose();
        reject(opts.signal?.reason instanceof Error ? opts.signal.reason : new DOMException('aborted', 'AbortError'));
      };
      const settle = (): void => {
        this.pending.delete(id);
        opts.signal?.removeEventListener('abort', onAbort);
        if (this.pending.size === 0) w.unref();
      };
      this.pending.set(id, (m) => {
        if (m.type === 'variant') {
          outcomes[m.i] = m.outcome;
          try {
            opts.onVariantDone?.(m.i, m.outcome);
          } catch {
            // a failing progress callback must not lose the group
          }
        } else if (m.type === 'done') {
          settle();
          resolve({ outcomes, timings: m.timings });
        } else {
          settle();
          reject(threadError(m.name, m.message));
        }
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      w.ref();
      w.postMessage(req);
    });
  }

  private cacheId(m: object): number {
    let id = this.cacheIds.get(m);
    if (id === undefined) {
      id = this.nextCacheId++;
      this.cacheIds.set(m, id);
    }
    return id;
  }

  dispose(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }
}
