// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface TrialFailure {
  'lease_id'?: (string);
  'fencing_token'?: (number | string | Long);
  'error'?: (string);
  'retryable'?: (boolean);
}

export interface TrialFailure__Output {
  'lease_id': (string);
  'fencing_token': (number);
  'error': (string);
  'retryable': (boolean);
}
