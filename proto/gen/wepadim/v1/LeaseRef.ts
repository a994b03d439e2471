// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface LeaseRef {
  'lease_id'?: (string);
  'fencing_token'?: (number | string | Long);
}

export interface LeaseRef__Output {
  'lease_id': (string);
  'fencing_token': (number);
}
