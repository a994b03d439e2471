// Original file: proto/wepadim/v1/wepadim.proto

import type { ArtifactHeader as _wepadim_v1_ArtifactHeader, ArtifactHeader__Output as _wepadim_v1_ArtifactHeader__Output } from '../../wepadim/v1/ArtifactHeader.js';

export interface ArtifactChunk {
  'header'?: (_wepadim_v1_ArtifactHeader | null);
  'data'?: (Buffer | Uint8Array | string);
}

export interface ArtifactChunk__Output {
  'header': (_wepadim_v1_ArtifactHeader__Output | null);
  'data': (Buffer);
}
