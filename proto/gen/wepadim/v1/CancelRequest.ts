// Original file: proto/wepadim/v1/wepadim.proto


export interface CancelRequest {
  'target'?: (string);
}

export interface CancelRequest__Output {
  'target': (string);
}
