/** Small builders shared by the worker-client unit tests: leased trials and trial params. */
import type { TrialParams } from '../../shared/trial.js';
import type { LeasedTrial } from '../../worker/objective-types.js';

export const params = (i: number, objective: TrialParams['objective'] = 'synthetic'): TrialParams => ({
  objective,
  dataset: 'folder',
  root: '/nowhere',
  class: `c${i}`,
  backbone: 'resnet18',
  weights: 'random:0',
  wavelet: 'haar',
  level: 1,
  mode: 'zero',
  subbands: ['LL'],
  align: 'down',
  distance: 'squared',
  smoothing: 'reference',
  sigma: 4,
  cov_reg: 0.01,
  selection: null,
  synthetic: { sleep_ms: 0, fail_rate: 0, seed: 1 },
});

export const trial = (i: number, token = 1): LeasedTrial => ({
  trialId: i,
  key: `k${i}`,
  leaseId: `L${i}`,
  fencingToken: token,
  params: params(i),
});
