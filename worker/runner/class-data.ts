/**
 * One class's shared inputs for a lease: the sample listing, train and test backbone features (from the
 * feature cache or computed once), and the test ground truth.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { featureBatch, type FeatureBatch } from '../engine/feature-batch.js';
import type { TrialParams } from '../../shared/trial.js';
import type { FeatureCache, FeatureEntry } from './feature-cache.js';
import type { SampleRef } from '../data/types.js';
import type { TestTruth } from '../engine/types.js';
import type { ClassListing, DataPort, FeatureExtractorPort } from './ports.js';

/** Bumped whenever image preprocessing changes in a way that changes features. */
export const PREPROCESS_VERSION = 1;
const MAP = 224 * 224;

export interface ClassData {
  listing: ClassListing;
  train: FeatureBatch[];
  test: FeatureBatch[];
  truth: TestTruth;
  extractor: FeatureEntry['extractor'];
  /** wall seconds; cpu_* = the process's CPU-seconds in the same spans (decode/resize and backbone use thread pools) */
  timings: ClassTimings;
  cache: { train: 'memory' | 'disk' | 'miss'; test: 'memory' | 'disk' | 'miss' };
  cacheKeys: { train: string; test: string };
}

export interface ClassTimings {
  load_s: number;
  backbone_s: number;
  cpu_load_s?: number;
  cpu_backbone_s?: number;
}

const processCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Time `f` into the wall and process-CPU counters of one phase. */
async function timed<T>(t: ClassTimings, phase: 'load' | 'backbone', f: () => T | Promise<T>): Promise<T> {
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

export interface ClassDataDeps {
  data: DataPort;
  cache: FeatureCache | null;
  extractor: () => Promise<FeatureExtractorPort>;
  backend: string;
  batchSize: number;
  /** phase progress: phase name, units done, units total */
  progress: (phase: string, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Hash of the image list: paths, sizes and modification times of images and masks, so an edited file changes the key. */
export async function imageListHash(samples: readonly SampleRef[]): Promise<string> {
  const h = createHash('sha256');
  for (const s of samples) {
    const st = await stat(s.path);
    const m = s.maskPath === null ? null : await stat(s.maskPath).catch(() => null);
    const mask = s.maskPath === null ? '' : `${s.maskPath}\0${m?.size ?? -1}\0${m?.mtimeMs ?? -1}`;
    h.update(`${s.path}\0${st.size}\0${st.mtimeMs}\0${s.label}\0${s.defect}\0${mask}\n`);
  }
  return h.digest('hex');
}

export function featureCacheKey(p: TrialParams, split: 'train' | 'test', listHash: string, backend: string): string {
  const parts = [p.dataset, p.root, p.class, split, listHash, PREPROCESS_VERSION, p.backbone, p.weights, backend];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

/**
 * The features of all `n` images, one FeatureBatch per tap, in shared memory (the engine thread reads it
 * without a copy). Each chunk's output is copied in and dropped, so the features are held only once.
 */
class TapAccumulator {
  private out: FeatureBatch[] | null = null;
  private filled = 0;
  constructor(private readonly n: number) {}

  add(chunk: FeatureBatch[]): void {
    const m = chunk[0]?.n ?? 0;
    if (!this.out) {
      this.out = chunk.map((t) =>
        featureBatch(this.n, t.c, t.h, t.w, new Float32Array(new SharedArrayBuffer(this.n * t.c * t.h * t.w * 4))),
      );
    }
    const out = this.out;
    if (chunk.length !== out.length) throw new Error(`backbone returned ${chunk.length} taps, earlier ${out.length}`);
    chunk.forEach((b, t) => {
      const o = out[t];
      if (b.c !== o.c || b.h !== o.h || b.w !== o.w || b.n !== m)
        throw new Error(`tap ${t}: inconsistent shapes between batches`);
      o.data.set(b.data.subarray(0, m * o.c * o.h * o.w), this.filled * o.c * o.h * o.w);
    });
    this.filled += m;
  }

  result(): FeatureBatch[] {
    if (!this.out || this.filled !== this.n)
      throw new Error(`backbone returned features for ${this.filled} of ${this.n} images`);
    return this.out;
  }
}

async function extractSplit(
  samples: SampleRef[],
  split: string,
  deps: ClassDataDeps,
  t: ClassTimings,
): Promise<{ batches: FeatureBatch[]; extractor: FeatureEntry['extractor'] }> {
  if (samples.length === 0) throw new Error(`the ${split} split has no images`);
  const ex = await deps.extractor();
  const acc = new TapAccumulator(samples.length);
  for (let i = 0; i < samples.length; i += deps.batchSize) {
    deps.signal?.throwIfAborted();
    const part = samples.slice(i, i + deps.batchSize);
    const { images } = await timed(t, 'load', () => deps.data.loadBatch(part));
    const out = await timed(t, 'backbone', () => ex.extract(images, part.length));
    for (const b of out) {
      for (let k = 0; k < b.data.length; k++) {
        if (!Number.isFinite(b.data[k]))
          throw new Error(
            `backbone produced a non-finite value for ${part[Math.floor(k / (b.c * b.h * b.w))]?.path ?? split}`,
          );
      }
    }
    acc.add(out);
    deps.progress(`backbone.${split}`, Math.min(samples.length, i + part.length), samples.length);
  }
  return { batches: acc.result(), extractor: { ...ex.info, weightsId: ex.weightsId } };
}

async function loadTruth(test: SampleRef[], deps: ClassDataDeps): Promise<TestTruth> {
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

export async function prepareClass(p: TrialParams, deps: ClassDataDeps): Promise<ClassData> {
  const timings: ClassTimings = { load_s: 0, backbone_s: 0, cpu_load_s: 0, cpu_backbone_s: 0 };
  deps.progress('load', 0, 1);
  const { listing, trainHash, testHash } = await timed(timings, 'load', async () => {
    const l = await deps.data.listClass(p.dataset, p.root, p.class);
    const [tr, te] = await Promise.all([imageListHash(l.train), imageListHash(l.test)]);
    return { listing: l, trainHash: tr, testHash: te };
  });
  deps.progress('load', 1, 1);
  const trainKey = featureCacheKey(p, 'train', trainHash, deps.backend);
  const testKey = featureCacheKey(p, 'test', testHash, deps.backend);

  const cache: ClassData['cache'] = { train: 'miss', test: 'miss' };
  const trainHit = deps.cache ? await deps.cache.get(trainKey) : null;
  let train: FeatureEntry;
  if (trainHit) {
    cache.train = trainHit.layer;
    train = trainHit.entry;
  } else {
    const r = await extractSplit(listing.train, 'train', deps, timings);
    train = { ...r, truth: null };
    await deps.cache?.put(trainKey, train);
  }
  const testHit = deps.cache ? await deps.cache.get(testKey) : null;
  let test: FeatureEntry;
  if (testHit && testHit.entry.truth) {
    cache.test = testHit.layer;
    test = testHit.entry;
  } else {
    const r = await extractSplit(listing.test, 'test', deps, timings);
    const truth = await timed(timings, 'load', () => loadTruth(listing.test, deps));
    test = { ...r, truth };
    await deps.cache?.put(testKey, test);
  }
  const truth = test.truth;
  if (!truth) throw new Error('internal: test features without ground truth');
  return {
    listing,
    train: train.batches,
    test: test.batches,
    truth,
    extractor: test.extractor,
    timings,
    cache,
    cacheKeys: { train: trainKey, test: testKey },
  };
}
