// Original file: proto/wepadim/v1/wepadim.proto


export interface UploadArtifactResponse {
  'stored'?: (boolean);
  'duplicate'?: (boolean);
  'trial_key'?: (string);
  'path'?: (string);
}

export interface UploadArtifactResponse__Output {
  'stored': (boolean);
  'duplicate': (boolean);
  'trial_key': (string);
  'path': (string);
}
