// Original file: proto/wepadim/v1/wepadim.proto


export interface DrainResponse {
  'found'?: (boolean);
  'state'?: (string);
  'leased_trials'?: (number);
}

export interface DrainResponse__Output {
  'found': (boolean);
  'state': (string);
  'leased_trials': (number);
}
