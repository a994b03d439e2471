// Original file: proto/wepadim/v1/wepadim.proto


export interface ListArtifactsRequest {
  'trial'?: (string);
}

export interface ListArtifactsRequest__Output {
  'trial': (string);
}
