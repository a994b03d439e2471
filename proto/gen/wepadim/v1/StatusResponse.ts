// Original file: proto/wepadim/v1/wepadim.proto

import type { WorkerInfo as _wepadim_v1_WorkerInfo, WorkerInfo__Output as _wepadim_v1_WorkerInfo__Output } from '../../wepadim/v1/WorkerInfo.js';
import type { Long } from '@grpc/proto-loader';

export interface StatusResponse {
  'workers'?: (_wepadim_v1_WorkerInfo)[];
  'trials_by_status'?: ({[key: string]: number | string | Long});
  'shutting_down'?: (boolean);
}

export interface StatusResponse__Output {
  'workers': (_wepadim_v1_WorkerInfo__Output)[];
  'trials_by_status': ({[key: string]: number});
  'shutting_down': (boolean);
}
