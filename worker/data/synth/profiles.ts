/**
 * Dataset-size profiles for the synthetic generator: MVTec AD's and VisA's own per-class image counts, so
 * benchmarks and sweeps run at the real sizes (issue 14). Each class is drawn by one of the seven synthetic
 * renderers; the counts, class names and (for MVTec AD) the defect-type names are the published datasets'.
 */
import type { DefectType } from './defects.js';
import { SYNTHETIC_DEFECTS, type SynthRenderer } from './generate.js';

export interface ProfileClass {
  /** the real dataset's class name (folder name) */
  name: string;
  /** which synthetic renderer draws it */
  renderer: SynthRenderer;
  /** good training images */
  train: number;
  /** good test images */
  good: number;
  /** defect types in folder order with their test image counts */
  defects: readonly (readonly [string, number])[];
}

export interface DatasetProfile {
  name: 'mvtec' | 'visa';
  /** folder layout written: MVTec AD's (class/train/good, ...) or VisA's folder fallback (class/Data/...) */
  layout: 'mvtec' | 'visa';
  /** the fraction of each class's training images written unless told otherwise */
  defaultTrainScale: number;
  source: string;
  classes: readonly ProfileClass[];
}

const c = (
  name: string,
  renderer: SynthRenderer,
  train: number,
  good: number,
  defects: (readonly [string, number])[],
): ProfileClass => ({ name, renderer, train, good, defects });

/** MVTec AD (Bergmann et al., CVPR 2019 / IJCV 2021): 3,629 train, 1,725 test (467 good, 1,258 defective). */
export const MVTEC_PROFILE: DatasetProfile = {
  name: 'mvtec',
  layout: 'mvtec',
  defaultTrainScale: 1,
  source: 'MVTec AD, per-class counts and defect types of the published release',
  classes: [
    c('bottle', 'disc', 209, 20, [
      ['broken_large', 20],
      ['broken_small', 22],
      ['contamination', 21],
    ]),
    c('cable', 'bracket', 224, 58, [
      ['bent_wire', 13],
      ['cable_swap', 12],
      ['combined', 11],
      ['cut_inner_insulation', 14],
      ['cut_outer_insulation', 10],
      ['missing_cable', 12],
      ['missing_wire', 10],
      ['poke_insulation', 10],
    ]),
    c('capsule', 'chip', 219, 23, [
      ['crack', 23],
      ['faulty_imprint', 22],
      ['poke', 21],
      ['scratch', 23],
      ['squeeze', 20],
    ]),
    c('carpet', 'weave', 280, 28, [
      ['color', 19],
      ['cut', 17],
      ['hole', 17],
      ['metal_contamination', 17],
      ['thread', 19],
    ]),
    c('grid', 'grid', 264, 21, [
      ['bent', 12],
      ['broken', 12],
      ['glue', 11],
      ['metal_contamination', 11],
      ['thread', 11],
    ]),
    c('hazelnut', 'disc', 391, 40, [
      ['crack', 18],
      ['cut', 17],
      ['hole', 18],
      ['print', 17],
    ]),
    c('leather', 'noise', 245, 32, [
      ['color', 19],
      ['cut', 19],
      ['fold', 17],
      ['glue', 19],
      ['poke', 18],
    ]),
    c('metal_nut', 'bracket', 220, 22, [
      ['bent', 25],
      ['color', 22],
      ['flip', 23],
      ['scratch', 23],
    ]),
    c('pill', 'chip', 267, 26, [
      ['color', 25],
      ['combined', 17],
      ['contamination', 21],
      ['crack', 26],
      ['faulty_imprint', 19],
      ['pill_type', 9],
      ['scratch', 24],
    ]),
    c('screw', 'bracket', 320, 41, [
      ['manipulated_front', 24],
      ['scratch_head', 24],
      ['scratch_neck', 25],
      ['thread_side', 23],
      ['thread_top', 23],
    ]),
    c('tile', 'noise', 230, 33, [
      ['crack', 17],
      ['glue_strip', 18],
      ['gray_stroke', 16],
      ['oil', 18],
      ['rough', 15],
    ]),
    c('toothbrush', 'stripes', 60, 12, [['defective', 30]]),
    c('transistor', 'chip', 213, 60, [
      ['bent_lead', 10],
      ['cut_lead', 10],
      ['damaged_case', 10],
      ['misplaced', 10],
    ]),
    c('wood', 'stripes', 247, 19, [
      ['color', 8],
      ['combined', 11],
      ['hole', 10],
      ['liquid', 10],
      ['scratch', 21],
    ]),
    c('zipper', 'stripes', 240, 32, [
      ['broken_teeth', 19],
      ['combined', 16],
      ['fabric_border', 17],
      ['fabric_interior', 16],
      ['rough', 17],
      ['split_teeth', 18],
      ['squeezed_teeth', 16],
    ]),
  ],
};

/**
 * VisA (Zou et al., ECCV 2022), the 1cls split: 8,659 train, 2,162 test (962 normal, 1,200 anomalous). The real
 * images are about 1500x1000; the profile writes them at the profile size like MVTec's, and by default only half of
 * each class's training images (4,330 in all: the full 10,821 images would take twice MVTec's time and disk for
 * the same per-class sizes that matter, N of 225-452; `--train-scale 1` writes all of them). The test sets are full.
 */
export const VISA_PROFILE: DatasetProfile = {
  name: 'visa',
  layout: 'visa',
  defaultTrainScale: 0.5,
  source: 'VisA 1cls split, per-class counts of the published release',
  classes: [
    c('candle', 'disc', 900, 100, [['anomaly', 100]]),
    c('capsules', 'chip', 542, 60, [['anomaly', 100]]),
    c('cashew', 'bracket', 450, 50, [['anomaly', 100]]),
    c('chewinggum', 'noise', 453, 50, [['anomaly', 100]]),
    c('fryum', 'weave', 450, 50, [['anomaly', 100]]),
    c('macaroni1', 'disc', 900, 100, [['anomaly', 100]]),
    c('macaroni2', 'chip', 900, 100, [['anomaly', 100]]),
    c('pcb1', 'grid', 904, 100, [['anomaly', 100]]),
    c('pcb2', 'grid', 901, 100, [['anomaly', 100]]),
    c('pcb3', 'bracket', 905, 101, [['anomaly', 100]]),
    c('pcb4', 'stripes', 904, 101, [['anomaly', 100]]),
    c('pipe_fryum', 'weave', 450, 50, [['anomaly', 100]]),
  ],
};

export const DATASET_PROFILES: Readonly<Record<DatasetProfile['name'], DatasetProfile>> = {
  mvtec: MVTEC_PROFILE,
  visa: VISA_PROFILE,
};

/** The synthetic defect painted for the k-th defect type (and the i-th image of a single-type class) of a class. */
export function defectKindFor(
  renderer: SynthRenderer,
  typeIndex: number,
  imageIndex: number,
  types: number,
): DefectType {
  const kinds = SYNTHETIC_DEFECTS[renderer];
  return kinds[(types === 1 ? imageIndex : typeIndex) % kinds.length];
}
