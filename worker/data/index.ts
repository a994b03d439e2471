/**
 * Public API of the data layer: dataset listings (MVTec AD, VisA, MVTec-layout folders), Pillow-faithful
 * preprocessing (spec 2.3-2.4), batch loading, and the seeded synthetic dataset.
 */
export type { ClassListing, DatasetKind, ListClassOptions, SampleRef } from './types.js';
export { checkClassNames, detectDatasetKind, listClass, listClasses, resolveDatasetKind } from './catalogue.js';
export {
  CROP_SIZE,
  IMAGENET_MEAN,
  IMAGENET_STD,
  loadImage,
  loadMask,
  RESIZE_SHORTER,
  type LoadedImage,
} from './preprocess.js';
export { imageSize, loadBatch, loadMasks } from './batch.js';
export { writePng } from './decode.js';
export {
  generateSyntheticDataset,
  renderSample,
  SYNTHETIC_CLASS_NAMES,
  SYNTHETIC_DEFECTS,
  type SyntheticDatasetSpec,
} from './synth/generate.js';
export { DEFECT_TYPES, type DefectType } from './synth/defects.js';
export {
  generateProfileDataset,
  profileByName,
  profileCounts,
  type ClassCounts,
  type ProfileOptions,
} from './synth/profile.js';
export {
  DATASET_PROFILES,
  MVTEC_PROFILE,
  VISA_PROFILE,
  type DatasetProfile,
  type ProfileClass,
} from './synth/profiles.js';
