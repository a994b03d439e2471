// Original file: proto/wepadim/v1/wepadim.proto


export interface Artifact {
  'kind'?: (string);
  'path'?: (string);
}

export interface Artifact__Output {
  'kind': (string);
  'path': (string);
}
