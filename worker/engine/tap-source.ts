/**
 * Where the engine reads one backbone tap from: a FeatureBatch in memory, or a TapSource that reads images [i0, i1)
 * on demand (the runner's file source), so a class's taps need never be held in memory at once. The DWT reads its
 * input one image chunk at a time either way, with the same kernels in the same order: the numbers do not depend on
 * the kind of source.
 */
import { featureBatch, type FeatureBatch } from './feature-batch.js';

export interface TapSource {
  /** what the source is (e.g. 'file'); a FeatureBatch has no kind */
  readonly kind: string;
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /**
   * Images [i0, i1) in NCHW float32 ((i1 - i0) * c * h * w values). A source that is not a plain copy of memory checks
   * the values it reads are finite (ShapeError naming the image), as validateFeatures does for a FeatureBatch.
   * `into`, when given and large enough, receives them (the prefix is returned): a caller reading chunk after chunk
   * reuses one buffer instead of faulting in fresh pages for every chunk.
   */
  read(i0: number, i1: number, into?: Float32Array): Float32Array;
}

/** One tap of one split: in memory, or read on demand. */
export type Tap = FeatureBatch | TapSource;

/** CNN features of one class as the group evaluator takes them: one Tap per backbone tap, in hook order. */
export interface ClassTaps {
  train: Tap[];
  test: Tap[];
}

export const isBatch = (t: Tap): t is FeatureBatch => !('read' in t);

/** 'memory' for a FeatureBatch, else the source's kind. */
export const tapKind = (t: Tap): string => (isBatch(t) ? 'memory' : t.kind);

/** Images [i0, i1) of a tap: a view of a FeatureBatch (no copy), or what the source reads (into `into` if given). */
export function readImages(t: Tap, i0: number, i1: number, into?: Float32Array): FeatureBatch {
  const per = t.c * t.h * t.w;
  const data = isBatch(t) ? t.data.subarray(i0 * per, i1 * per) : t.read(i0, i1, into);
  return featureBatch(i1 - i0, t.c, t.h, t.w, data);
}
