// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface StoredArtifact {
  'id'?: (number | string | Long);
  'trial_id'?: (number | string | Long);
  'trial_key'?: (string);
  'sweep'?: (string);
  'name'?: (string);
  'kind'?: (string);
  'mime'?: (string);
  'sha256'?: (string);
  'size'?: (number | string | Long);
  'path'?: (string);
  'created_at_ms'?: (number | string | Long);
}

export interface StoredArtifact__Output {
  'id': (number);
  'trial_id': (number);
  'trial_key': (string);
  'sweep': (string);
  'name': (string);
  'kind': (string);
  'mime': (string);
  'sha256': (string);
  'size': (number);
  'path': (string);
  'created_at_ms': (number);
}
