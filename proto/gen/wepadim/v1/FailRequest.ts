// Original file: proto/wepadim/v1/wepadim.proto

import type { TrialFailure as _wepadim_v1_TrialFailure, TrialFailure__Output as _wepadim_v1_TrialFailure__Output } from '../../wepadim/v1/TrialFailure.js';

export interface FailRequest {
  'worker_id'?: (string);
  'failures'?: (_wepadim_v1_TrialFailure)[];
}

export interface FailRequest__Output {
  'worker_id': (string);
  'failures': (_wepadim_v1_TrialFailure__Output)[];
}
