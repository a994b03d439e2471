// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface WorkerInfo {
  'worker_id'?: (string);
  'host'?: (string);
  'gpu_index'?: (number);
  'backend'?: (string);
  'state'?: (string);
  'last_heartbeat_ms'?: (number | string | Long);
  'leased_trials'?: (number);
  'connected'?: (boolean);
}

export interface WorkerInfo__Output {
  'worker_id': (string);
  'host': (string);
  'gpu_index': (number);
  'backend': (string);
  'state': (string);
  'last_heartbeat_ms': (number);
  'leased_trials': (number);
  'connected': (boolean);
}
