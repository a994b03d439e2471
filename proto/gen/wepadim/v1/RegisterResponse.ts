// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface RegisterResponse {
  'worker_id'?: (string);
  'lease_ttl_ms'?: (number | string | Long);
  'heartbeat_interval_ms'?: (number | string | Long);
  'max_message_bytes'?: (number | string | Long);
  'draining'?: (boolean);
}

export interface RegisterResponse__Output {
  'worker_id': (string);
  'lease_ttl_ms': (number);
  'heartbeat_interval_ms': (number);
  'max_message_bytes': (number);
  'draining': (boolean);
}
