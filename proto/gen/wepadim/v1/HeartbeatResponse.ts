// Original file: proto/wepadim/v1/wepadim.proto

import type { LeaseState as _wepadim_v1_LeaseState, LeaseState__Output as _wepadim_v1_LeaseState__Output } from '../../wepadim/v1/LeaseState.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatResponse {
  'leases'?: (_wepadim_v1_LeaseState)[];
  'draining'?: (boolean);
  'lease_ttl_ms'?: (number | string | Long);
}

export interface HeartbeatResponse__Output {
  'leases': (_wepadim_v1_LeaseState__Output)[];
  'draining': (boolean);
  'lease_ttl_ms': (number);
}
