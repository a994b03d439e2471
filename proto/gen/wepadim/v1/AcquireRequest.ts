// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface AcquireRequest {
  'worker_id'?: (string);
  'max_trials'?: (number);
  'feature_caches'?: (string)[];
  'wait_ms'?: (number | string | Long);
  'request_id'?: (string);
}

export interface AcquireRequest__Output {
  'worker_id': (string);
  'max_trials': (number);
  'feature_caches': (string)[];
  'wait_ms': (number);
  'request_id': (string);
}
