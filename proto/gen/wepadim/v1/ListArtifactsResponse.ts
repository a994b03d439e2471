// Original file: proto/wepadim/v1/wepadim.proto

import type { StoredArtifact as _wepadim_v1_StoredArtifact, StoredArtifact__Output as _wepadim_v1_StoredArtifact__Output } from '../../wepadim/v1/StoredArtifact.js';

export interface ListArtifactsResponse {
  'artifacts'?: (_wepadim_v1_StoredArtifact)[];
  'trials'?: (number);
}

export interface ListArtifactsResponse__Output {
  'artifacts': (_wepadim_v1_StoredArtifact__Output)[];
  'trials': (number);
}
