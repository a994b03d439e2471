/** The WE-PaDiM engine: pure functions from backbone feature maps to anomaly maps and metrics. */
export type { FeatureBatch } from './feature-batch.js';
export { featureBatch } from './feature-batch.js';
export * from './types.js';
export { dwt2, dwt2Level, type Dwt2Result, type DetailBands } from './dwt.js';
export { WAVELET_FILTERS, type WaveletFilters } from './wavelet-filters.js';
export { waveletEmbedding, subbandBlocks, concatChannels, type SubbandBlocks } from './embedding.js';
export { resizeBilinear, upsampleBilinear } from './resize.js';
export {
  fitGaussianDirect,
  fitGaussianWoodbury,
  mahalanobis,
  NumericalError,
  JITTER0,
  JITTER_ATTEMPTS,
  type GaussianModel,
  type WoodburyModel,
  type DirectModel,
} from './gaussian.js';
export { smoothReference, smoothGaussian, gaussianTaps } from './smoothing.js';
export { upsampleSmooth } from './upsample-smooth.js';
export {
  rocAuc,
  f1Max,
  perDefectAuroc,
  binaryClfCurve,
  curveFromSorted,
  rocAucFromCurve,
  f1FromCurve,
  pairwiseSum,
  type ClfCurve,
  type PayloadPacking,
} from './sklearn-metrics.js';
export { aupro, auproFromSorted, regionCodes, connectedComponents, type RegionCodes } from './aupro.js';
export { argsortDesc, sortByScoreDesc, keyToFloat, type SortedScores } from './sort.js';
export { imageMax, scoreMaps, pixelTruth, type PixelTruth } from './variant-metrics.js';
export { evaluateDwtGroup, evaluateTrial } from './group.js';
export { isBatch, readImages, tapKind, type ClassTaps, type Tap, type TapSource } from './tap-source.js';
