// Original file: proto/wepadim/v1/wepadim.proto

import type { ProgressUpdate as _wepadim_v1_ProgressUpdate, ProgressUpdate__Output as _wepadim_v1_ProgressUpdate__Output } from '../../wepadim/v1/ProgressUpdate.js';

export interface ProgressBatch {
  'worker_id'?: (string);
  'updates'?: (_wepadim_v1_ProgressUpdate)[];
}

export interface ProgressBatch__Output {
  'worker_id': (string);
  'updates': (_wepadim_v1_ProgressUpdate__Output)[];
}
