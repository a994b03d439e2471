// Original file: proto/wepadim/v1/wepadim.proto

import type { LeasedTrial as _wepadim_v1_LeasedTrial, LeasedTrial__Output as _wepadim_v1_LeasedTrial__Output } from '../../wepadim/v1/LeasedTrial.js';
import type { Long } from '@grpc/proto-loader';

export interface AcquireResponse {
  'trials'?: (_wepadim_v1_LeasedTrial)[];
  'feature_key'?: (string);
  'dwt_key'?: (string);
  'lease_expires_at_ms'?: (number | string | Long);
  'lease_ttl_ms'?: (number | string | Long);
  'draining'?: (boolean);
  'retry_after_ms'?: (number | string | Long);
}

export interface AcquireResponse__Output {
  'trials': (_wepadim_v1_LeasedTrial__Output)[];
  'feature_key': (string);
  'dwt_key': (string);
  'lease_expires_at_ms': (number);
  'lease_ttl_ms': (number);
  'draining': (boolean);
  'retry_after_ms': (number);
}
