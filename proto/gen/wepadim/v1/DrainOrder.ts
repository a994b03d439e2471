// Original file: proto/wepadim/v1/wepadim.proto


export interface DrainOrder {
  'reason'?: (string);
}

export interface DrainOrder__Output {
  'reason': (string);
}
