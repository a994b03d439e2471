// Original file: proto/wepadim/v1/wepadim.proto

import type { Welcome as _wepadim_v1_Welcome, Welcome__Output as _wepadim_v1_Welcome__Output } from '../../wepadim/v1/Welcome.js';
import type { CancelTrials as _wepadim_v1_CancelTrials, CancelTrials__Output as _wepadim_v1_CancelTrials__Output } from '../../wepadim/v1/CancelTrials.js';
import type { DrainOrder as _wepadim_v1_DrainOrder, DrainOrder__Output as _wepadim_v1_DrainOrder__Output } from '../../wepadim/v1/DrainOrder.js';

export interface ControlMessage {
  'welcome'?: (_wepadim_v1_Welcome | null);
  'cancel'?: (_wepadim_v1_CancelTrials | null);
  'drain'?: (_wepadim_v1_DrainOrder | null);
  'kind'?: "welcome"|"cancel"|"drain";
}

export interface ControlMessage__Output {
  'welcome'?: (_wepadim_v1_Welcome__Output | null);
  'cancel'?: (_wepadim_v1_CancelTrials__Output | null);
  'drain'?: (_wepadim_v1_DrainOrder__Output | null);
  'kind'?: "welcome"|"cancel"|"drain";
}
