// Original file: proto/wepadim/v1/wepadim.proto

import type { FinishOutcome as _wepadim_v1_FinishOutcome, FinishOutcome__Output as _wepadim_v1_FinishOutcome__Output } from '../../wepadim/v1/FinishOutcome.js';

export interface FinishResponse {
  'outcomes'?: (_wepadim_v1_FinishOutcome)[];
}

export interface FinishResponse__Output {
  'outcomes': (_wepadim_v1_FinishOutcome__Output)[];
}
