// Original file: proto/wepadim/v1/wepadim.proto


export interface ControlRequest {
  'worker_id'?: (string);
}

export interface ControlRequest__Output {
  'worker_id': (string);
}
