// Original file: proto/wepadim/v1/wepadim.proto


export interface DownloadArtifactRequest {
  'sha256'?: (string);
}

export interface DownloadArtifactRequest__Output {
  'sha256': (string);
}
