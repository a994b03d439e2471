/** Dataset catalogue: the class lists of spec 2.1 and 2.2. */

/** mvtec and visa follow spec 2.1/2.2 exactly; folder is any MVTec-layout folder with custom class names
 * (the synthetic dataset is one). */
export const DATASET_KINDS = ['mvtec', 'visa', 'folder'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export const MVTEC_CLASSES = [
  'bottle',
  'cable',
  'capsule',
  'carpet',
  'grid',
  'hazelnut',
  'leather',
  'metal_nut',
  'pill',
  'screw',
  'tile',
  'toothbrush',
  'transistor',
  'wood',
  'zipper',
] as const;

export const VISA_CLASSES = [
  'candle',
  'capsules',
  'cashew',
  'chewinggum',
  'fryum',
  'macaroni1',
  'macaroni2',
  'pcb1',
  'pcb2',
  'pcb3',
  'pcb4',
  'pipe_fryum',
] as const;

/** The seeded synthetic dataset a sweep may ask `wepadim run` to generate (MVTec layout, kind 'folder'). */
export interface SyntheticDatasetSpec {
  classes: string[];
  train: number; // train/good images per class
  test: number; // test images per class (about half defective)
  size: number; // square image side in pixels
  seed: number;
}
