// Original file: proto/wepadim/v1/wepadim.proto


export interface DrainRequest {
  'worker_id'?: (string);
}

export interface DrainRequest__Output {
  'worker_id': (string);
}
