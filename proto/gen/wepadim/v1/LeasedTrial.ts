// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface LeasedTrial {
  'trial_id'?: (number | string | Long);
  'key'?: (string);
  'sweep'?: (string);
  'stage'?: (string);
  'objective'?: (string);
  'params_json'?: (string);
  'lease_id'?: (string);
  'fencing_token'?: (number | string | Long);
  'attempt'?: (number);
  'max_attempts'?: (number);
  'maps_only'?: (boolean);
}

export interface LeasedTrial__Output {
  'trial_id': (number);
  'key': (string);
  'sweep': (string);
  'stage': (string);
  'objective': (string);
  'params_json': (string);
  'lease_id': (string);
  'fencing_token': (number);
  'attempt': (number);
  'max_attempts': (number);
  'maps_only': (boolean);
}
