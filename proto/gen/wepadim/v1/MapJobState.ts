// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface MapJobState {
  'trial_id'?: (number | string | Long);
  'trial_key'?: (string);
  'sweep'?: (string);
  'status'?: (string);
  'error'?: (string);
  'reported'?: (number);
  'stored'?: (number);
}

export interface MapJobState__Output {
  'trial_id': (number);
  'trial_key': (string);
  'sweep': (string);
  'status': (string);
  'error': (string);
  'reported': (number);
  'stored': (number);
}
