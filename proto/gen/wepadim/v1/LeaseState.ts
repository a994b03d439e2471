// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseState {
  'lease_id'?: (string);
  'ok'?: (boolean);
  'expires_at_ms'?: (number | string | Long);
  'reason'?: (string);
}

export interface LeaseState__Output {
  'lease_id': (string);
  'ok': (boolean);
  'expires_at_ms': (number);
  'reason': (string);
}
