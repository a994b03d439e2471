// Original file: proto/wepadim/v1/wepadim.proto


export interface ArtifactData {
  'data'?: (Buffer | Uint8Array | string);
}

export interface ArtifactData__Output {
  'data': (Buffer);
}
