// Original file: proto/wepadim/v1/wepadim.proto

import type { Artifact as _wepadim_v1_Artifact, Artifact__Output as _wepadim_v1_Artifact__Output } from '../../wepadim/v1/Artifact.js';
import type { Provenance as _wepadim_v1_Provenance, Provenance__Output as _wepadim_v1_Provenance__Output } from '../../wepadim/v1/Provenance.js';
import type { Long } from '@grpc/proto-loader';

export interface TrialSuccess {
  'lease_id'?: (string);
  'fencing_token'?: (number | string | Long);
  'metrics'?: ({[key: string]: number | string});
  'artifacts'?: (_wepadim_v1_Artifact)[];
  'provenance'?: (_wepadim_v1_Provenance | null);
  'details_json'?: (string);
}

export interface TrialSuccess__Output {
  'lease_id': (string);
  'fencing_token': (number);
  'metrics': ({[key: string]: number});
  'artifacts': (_wepadim_v1_Artifact__Output)[];
  'provenance': (_wepadim_v1_Provenance__Output | null);
  'details_json': (string);
}
