/**
 * One class's shared inputs for a lease: the sample listing, train and test backbone features (from the
 * feature cache or computed once, split-taps.ts), and the test ground truth.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { TrialParams } from '../../shared/trial.js';
import type { SampleRef } from '../data/types.js';
import type { Tap } from '../engine/tap-source.js';
import type { TestTruth } from '../engine/types.js';
import type { FeatureEntry } from './feature-cache.js';
import type { ClassListing } from './ports.js';
import { loadSplit, timed, type ClassDataDeps, type ClassTimings, type SplitTaps } from './split-taps.js';

/** Bumped whenever image preprocessing changes in a way that changes features. */
export const PREPROCESS_VERSION = 1;

export interface ClassData {
  listing: ClassListing;
  /** one Tap per backbone tap: in shared memory, or read from a file when the split is over the memory budget */
  train: Tap[];
  test: Tap[];
  truth: TestTruth;
  extractor: FeatureEntry['extractor'];
  /** wall seconds; cpu_* = the process's CPU-seconds in the same spans (decode/resize and backbone use thread pools) */
  timings: ClassTimings;
  cache: { train: 'memory' | 'disk' | 'miss'; test: 'memory' | 'disk' | 'miss' };
  cacheKeys: { train: string; test: string };
  taps: { train: 'memory' | 'file'; test: 'memory' | 'file' };
  /** close the taps' files (call when the class is done) */
  release: () => void;
}

export type { ClassDataDeps, ClassTimings };

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

  let train: SplitTaps | null = null;
  try {
    train = await loadSplit('train', trainKey, listing.train, false, deps, timings);
    const test = await loadSplit('test', testKey, listing.test, true, deps, timings);
    const truth = test.truth;
    if (!truth) throw new Error('internal: test features without ground truth');
    const tr = train;
    return {
      listing,
      train: tr.taps,
      test: test.taps,
      truth,
      extractor: test.extractor,
      timings,
      cache: { train: tr.layer, test: test.layer },
      cacheKeys: { train: trainKey, test: testKey },
      taps: { train: tr.where, test: test.where },
      release: () => {
        tr.close();
        test.close();
      },
    };
  } catch (err) {
    train?.close();
    throw err;
  }
}
