// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface ProgressAck {
  'applied'?: (number | string | Long);
  'duplicates'?: (number | string | Long);
  'rejected'?: (number | string | Long);
  'last_seq'?: ({[key: string]: number | string | Long});
}

export interface ProgressAck__Output {
  'applied': (number);
  'duplicates': (number);
  'rejected': (number);
  'last_seq': ({[key: string]: number});
}
