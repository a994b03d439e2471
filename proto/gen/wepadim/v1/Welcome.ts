// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface Welcome {
  'server_time_ms'?: (number | string | Long);
}

export interface Welcome__Output {
  'server_time_ms': (number);
}
