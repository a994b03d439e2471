/** Input checks of the group evaluator: shapes that do not fit and non-finite values raise ShapeError with the sizes. */
import { ShapeError } from '../../shared/errors.js';
import { isSubband } from '../../shared/subbands.js';
import { assertFinite } from './finite.js';
import { isBatch, type ClassTaps } from './tap-source.js';
import { CROP, type EvalSubset, type TestTruth, type VariantConfig } from './types.js';

/** Shapes of every tap; the values of in-memory taps (a TapSource checks the chunks it reads). */
export function validateFeatures(f: ClassTaps): void {
  const { train, test } = f;
  if (train.length === 0 || train.length !== test.length)
    throw new ShapeError('train and test need the same non-zero number of feature taps', {
      trainTaps: train.length,
      testTaps: test.length,
    });
  train.forEach((tr, i) => {
    const te = test[i];
    if (tr.c !== te.c || tr.h !== te.h || tr.w !== te.w)
      throw new ShapeError(`tap ${i}: train and test feature maps differ`, {
        tap: i,
        train: [tr.c, tr.h, tr.w],
        test: [te.c, te.h, te.w],
      });
    if (tr.n !== train[0].n || te.n !== test[0].n)
      throw new ShapeError(`tap ${i}: image count differs from tap 0`, {
        tap: i,
        trainN: tr.n,
        testN: te.n,
        trainN0: train[0].n,
        testN0: test[0].n,
      });
    const len = (b: typeof tr): number => (isBatch(b) ? b.data.length : b.n * b.c * b.h * b.w);
    if (len(tr) !== tr.n * tr.c * tr.h * tr.w || len(te) !== te.n * te.c * te.h * te.w)
      throw new ShapeError(`tap ${i}: data length does not match n*c*h*w`, { tap: i, train: len(tr), test: len(te) });
  });
  if (train[0].n < 2) throw new ShapeError('the Gaussian model needs at least 2 training images', { N: train[0].n });
  if (test[0].n < 1) throw new ShapeError('no test images', { T: test[0].n });
  train.forEach((b, i) => isBatch(b) && assertFinite(b.data, b, 'train', i));
  test.forEach((b, i) => isBatch(b) && assertFinite(b.data, b, 'test', i));
}

export function validateTruth(t: TestTruth, nTest: number): void {
  if (t.labels.length !== nTest || t.defects.length !== nTest || t.masks.length !== nTest * CROP * CROP)
    throw new ShapeError('test truth does not match the test features', {
      T: nTest,
      labels: t.labels.length,
      defects: t.defects.length,
      masks: t.masks.length,
      expectedMasks: nTest * CROP * CROP,
    });
  t.defects.forEach((d, i) => {
    if ((d === 'good') !== (t.labels[i] === 0))
      throw new ShapeError(`test image ${i}: defect '${d}' contradicts label ${t.labels[i]}`, {
        image: i,
        label: t.labels[i],
      });
  });
}

export function validateVariant(v: VariantConfig, i: number): void {
  const bad = v.subbands.find((b) => !isSubband(b));
  if (bad !== undefined) throw new ShapeError(`variant ${i}: unknown subband '${String(bad)}'`, { variant: i });
  if (!(v.cov_reg >= 0) || !Number.isFinite(v.cov_reg))
    throw new ShapeError(`variant ${i}: cov_reg must be finite and >= 0`, { variant: i, cov_reg: v.cov_reg });
  if (!(v.sigma > 0) || !Number.isFinite(v.sigma))
    throw new ShapeError(`variant ${i}: sigma must be finite and > 0`, { variant: i, sigma: v.sigma });
  if (v.distance !== 'squared' && v.distance !== 'sqrt')
    throw new ShapeError(`variant ${i}: unknown distance '${String(v.distance)}'`, { variant: i });
  if (v.smoothing !== 'reference' && v.smoothing !== 'gaussian')
    throw new ShapeError(`variant ${i}: unknown smoothing '${String(v.smoothing)}'`, { variant: i });
}

export function validateSubsets(subsets: readonly EvalSubset[], nTest: number): void {
  for (const s of subsets)
    for (const idx of s.indices)
      if (idx >= nTest) throw new ShapeError(`subset '${s.name}': index out of range`, { index: idx, T: nTest });
}
