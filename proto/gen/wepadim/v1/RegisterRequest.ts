// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterRequest {
  'worker_id'?: (string);
  'host'?: (string);
  'gpu_index'?: (number);
  'gpu_name'?: (string);
  'backend'?: (string);
  'memory_mb'?: (number | string | Long);
  'feature_caches'?: (string)[];
  'code_version'?: (string);
}

export interface RegisterRequest__Output {
  'worker_id': (string);
  'host': (string);
  'gpu_index': (number);
  'gpu_name': (string);
  'backend': (string);
  'memory_mb': (number);
  'feature_caches': (string)[];
  'code_version': (string);
}
