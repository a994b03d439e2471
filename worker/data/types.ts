/** Listing types shared by the MVTec, folder and VisA loaders. */
import type { DatasetKind } from '../../shared/datasets.js';

export type { DatasetKind };

export interface SampleRef {
  path: string;
  label: 0 | 1;
  /** 'good' for normal samples, else the defect folder (MVTec/folder) or 'anomaly' (VisA) */
  defect: string;
  maskPath: string | null;
}

export interface ClassListing {
  kind: DatasetKind;
  root: string;
  className: string;
  train: SampleRef[];
  test: SampleRef[];
}

export interface ListClassOptions {
  /** VisA split CSV name or path (spec 2.2); default env VISA_SPLIT_CSV, else 1cls.csv */
  visaSplitCsv?: string;
}
