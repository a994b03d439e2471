// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface CancelResponse {
  'matched'?: (string);
  'cancelled'?: (number | string | Long);
  'interrupted'?: (number | string | Long);
  'maps_cancelled'?: (number | string | Long);
}

export interface CancelResponse__Output {
  'matched': (string);
  'cancelled': (number);
  'interrupted': (number);
  'maps_cancelled': (number);
}
