// Original file: proto/wepadim/v1/wepadim.proto

import type { TrialSuccess as _wepadim_v1_TrialSuccess, TrialSuccess__Output as _wepadim_v1_TrialSuccess__Output } from '../../wepadim/v1/TrialSuccess.js';

export interface CompleteRequest {
  'worker_id'?: (string);
  'results'?: (_wepadim_v1_TrialSuccess)[];
}

export interface CompleteRequest__Output {
  'worker_id': (string);
  'results': (_wepadim_v1_TrialSuccess__Output)[];
}
