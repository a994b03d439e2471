// Original file: proto/wepadim/v1/wepadim.proto


export interface FinishOutcome {
  'lease_id'?: (string);
  'accepted'?: (boolean);
  'trial_status'?: (string);
  'reason'?: (string);
  'duplicate'?: (boolean);
}

export interface FinishOutcome__Output {
  'lease_id': (string);
  'accepted': (boolean);
  'trial_status': (string);
  'reason': (string);
  'duplicate': (boolean);
}
