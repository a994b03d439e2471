// Original file: proto/wepadim/v1/wepadim.proto


export interface RequestMapsRequest {
  'trial'?: (string);
  'queue'?: (boolean);
}

export interface RequestMapsRequest__Output {
  'trial': (string);
  'queue': (boolean);
}
