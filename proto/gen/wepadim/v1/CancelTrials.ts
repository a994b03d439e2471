// Original file: proto/wepadim/v1/wepadim.proto


export interface CancelTrials {
  'trial_keys'?: (string)[];
  'lease_ids'?: (string)[];
  'reason'?: (string);
}

export interface CancelTrials__Output {
  'trial_keys': (string)[];
  'lease_ids': (string)[];
  'reason': (string);
}
