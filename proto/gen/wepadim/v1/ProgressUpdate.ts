// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface ProgressUpdate {
  'lease_id'?: (string);
  'fencing_token'?: (number | string | Long);
  'seq'?: (number | string | Long);
  'phase'?: (string);
  'done'?: (number | string | Long);
  'total'?: (number | string | Long);
  'values'?: ({[key: string]: number | string});
}

export interface ProgressUpdate__Output {
  'lease_id': (string);
  'fencing_token': (number);
  'seq': (number);
  'phase': (string);
  'done': (number);
  'total': (number);
  'values': ({[key: string]: number});
}
