// Original file: proto/wepadim/v1/wepadim.proto

import type { Long } from '@grpc/proto-loader';

export interface ArtifactHeader {
  'worker_id'?: (string);
  'lease_id'?: (string);
  'fencing_token'?: (number | string | Long);
  'name'?: (string);
  'kind'?: (string);
  'mime'?: (string);
  'sha256'?: (string);
  'size'?: (number | string | Long);
  'source_path'?: (string);
}

export interface ArtifactHeader__Output {
  'worker_id': (string);
  'lease_id': (string);
  'fencing_token': (number);
  'name': (string);
  'kind': (string);
  'mime': (string);
  'sha256': (string);
  'size': (number);
  'source_path': (string);
}
