/**
 * One split (train or test) of a class: its backbone taps from the feature cache or computed by the backbone, and
 * for the test split the ground truth. Taps that fit the memory budget (tap-sink.ts) are held in shared memory as
 * before; larger ones stay in a file (the cache entry's, or one written chunk by chunk as the backbone runs) and
 * the engine reads them a chunk at a time.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SampleRef } from '../data/types.js';
import { firstNonFinite } from '../engine/finite.js';
import type { Tap } from '../engine/tap-source.js';
import { CROP, type TestTruth } from '../engine/types.js';
import type { FeatureCache, FeatureEntry } from './feature-cache.js';
import { truthBytes } from './feature-cache-disk.js';
import type { DataPort, FeatureExtractorPort } from './ports.js';
import { TapFile } from './tap-file.js';
import { TapCollector, type CollectedTaps, type TapPlacement } from './tap-sink.js';

const MAP = CROP * CROP;

export interface ClassTimings {
  load_s: number;
  backbone_s: number;
  cpu_load_s?: number;
  cpu_backbone_s?: number;
}

export interface ClassDataDeps {
  data: DataPort;
  cache: FeatureCache | null;
  extractor: () => Promise<FeatureExtractorPort>;
  backend: string;
  batchSize: number;
  /** phase progress: phase name, units done, units total */
  progress: (phase: string, done: number, total: number) => void;
  signal?: AbortSignal;
  /** the bytes a split's taps may take in memory (tapMemoryBudget); default: no limit */
  tapBudget?: () => number;
  /** where taps over the budget are written when the cache does not take them (default: the OS temp folder) */
  spillDir?: string;
}

export interface SplitTaps {
  taps: Tap[];
  extractor: FeatureEntry['extractor'];
  truth: TestTruth | null;
  layer: 'memory' | 'disk' | 'miss';
  /** where the taps are: 'file' when they are read on demand */
  where: 'memory' | 'file';
  /** releases the taps' file (if any) */
  close: () => void;
}

const processCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Time `f` into the wall and process-CPU counters of one phase. */
export async function timed<T>(t: ClassTimings, phase: 'load' | 'backbone', f: () => T | Promise<T>): Promise<T> {
  const w0 = performance.now();
  const c0 = processCpu();
  try {
    return await f();
  } finally {
    const cpu = processCpu() - c0;
    if (phase === 'load') {
      t.load_s += (performance.now() - w0) / 1000;
      t.cpu_load_s = (t.cpu_load_s ?? 0) + cpu;
    } else {
      t.backbone_s += (performance.now() - w0) / 1000;
      t.cpu_backbone_s = (t.cpu_backbone_s ?? 0) + cpu;
    }
  }
}

async function extractSplit(
  samples: SampleRef[],
  split: string,
  deps: ClassDataDeps,
  t: ClassTimings,
  place: TapPlacement,
): Promise<CollectedTaps & { extractor: FeatureEntry['extractor'] }> {
  if (samples.length === 0) throw new Error(`the ${split} split has no images`);
  const ex = await deps.extractor();
  const acc = new TapCollector(samples.length, place);
  try {
    for (let i = 0; i < samples.length; i += deps.batchSize) {
      deps.signal?.throwIfAborted();
      const part = samples.slice(i, i + deps.batchSize);
      const { images } = await timed(t, 'load', () => deps.data.loadBatch(part));
      const out = await timed(t, 'backbone', () => ex.extract(images, part.length));
      for (const b of out) {
        const k = firstNonFinite(b.data);
        if (k >= 0)
          throw new Error(
            `backbone produced a non-finite value for ${part[Math.floor(k / (b.c * b.h * b.w))]?.path ?? split}`,
          );
      }
      await acc.add(out);
      deps.progress(`backbone.${split}`, Math.min(samples.length, i + part.length), samples.length);
    }
    return { ...acc.result(split), extractor: { ...ex.info, weightsId: ex.weightsId } };
  } catch (err) {
    acc.abandon();
    throw err;
  }
}

export async function loadTruth(test: SampleRef[], deps: ClassDataDeps): Promise<TestTruth> {
  const n = test.length;
  const labels = new Uint8Array(new SharedArrayBuffer(n));
  const masks = new Uint8Array(new SharedArrayBuffer(n * MAP));
  for (let i = 0; i < n; i += 8) {
    const part = test.slice(i, i + 8);
    const ms = await deps.data.loadMasks(part); // checks each mask's size against its image (docs/datasets.md)
    if (ms.length !== part.length) throw new Error(`loadMasks returned ${ms.length} masks for ${part.length} samples`);
    ms.forEach((m, j) => {
      if (m.length !== MAP)
        throw new Error(`mask ${part[j].maskPath ?? '(none)'} has ${m.length} pixels, expected ${MAP}`);
      labels[i + j] = part[j].label;
      masks.set(m, (i + j) * MAP);
    });
  }
  return { labels, masks, defects: test.map((s) => s.defect) };
}

/** The split's taps (and truth when `withTruth`): from the cache when it has them, else from the backbone. */
export async function loadSplit(
  split: 'train' | 'test',
  key: string,
  samples: SampleRef[],
  withTruth: boolean,
  deps: ClassDataDeps,
  timings: ClassTimings,
): Promise<SplitTaps> {
  const budget = deps.tapBudget?.() ?? Infinity;
  const hit = deps.cache ? await deps.cache.lookup(key, budget, split) : null;
  if (hit && 'file' in hit) {
    if (!withTruth || hit.file.truth)
      return { ...hit.file, layer: 'disk', where: 'file', truth: hit.file.truth, close: hit.file.close };
    hit.file.close();
  } else if (hit && (!withTruth || hit.entry.truth)) {
    const { batches, extractor, truth } = hit.entry;
    return { taps: batches, extractor, truth, layer: hit.layer, where: 'memory', close: () => undefined };
  }
  const cache = deps.cache;
  const place: TapPlacement = async (bytes, shapes) => {
    if (bytes <= budget) return null;
    const entryBytes = bytes + (withTruth ? truthBytes(samples.length) : 0);
    const named = cache ? await cache.spillPath(key, entryBytes) : null;
    const dir = deps.spillDir ?? tmpdir();
    if (!named) await mkdir(dir, { recursive: true });
    const anonymous = join(dir, `wepadim-taps-${process.pid}-${randomBytes(6).toString('hex')}`);
    return new TapFile(named ?? anonymous, shapes, named === null);
  };
  const r = await extractSplit(samples, split, deps, timings, place);
  try {
    const truth = withTruth ? await timed(timings, 'load', () => loadTruth(samples, deps)) : null;
    if (!r.file) {
      await cache?.put(key, { batches: r.taps, extractor: r.extractor, truth });
      return { taps: r.taps, extractor: r.extractor, truth, layer: 'miss', where: 'memory', close: () => undefined };
    }
    const file = r.file;
    if (!file.anonymous) await cache?.adopt(key, file, r.extractor, truth);
    return { taps: r.taps, extractor: r.extractor, truth, layer: 'miss', where: 'file', close: () => file.discard() };
  } catch (err) {
    r.file?.discard();
    throw err;
  }
}
