// Original file: proto/wepadim/v1/wepadim.proto

import type { LeaseRef as _wepadim_v1_LeaseRef, LeaseRef__Output as _wepadim_v1_LeaseRef__Output } from '../../wepadim/v1/LeaseRef.js';

export interface HeartbeatRequest {
  'worker_id'?: (string);
  'leases'?: (_wepadim_v1_LeaseRef)[];
}

export interface HeartbeatRequest__Output {
  'worker_id': (string);
  'leases': (_wepadim_v1_LeaseRef__Output)[];
}
