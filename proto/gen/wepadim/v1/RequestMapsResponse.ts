// Original file: proto/wepadim/v1/wepadim.proto

import type { MapJobState as _wepadim_v1_MapJobState, MapJobState__Output as _wepadim_v1_MapJobState__Output } from '../../wepadim/v1/MapJobState.js';

export interface RequestMapsResponse {
  'jobs'?: (_wepadim_v1_MapJobState)[];
}

export interface RequestMapsResponse__Output {
  'jobs': (_wepadim_v1_MapJobState__Output)[];
}
