/**
 * The wire form of a lease (AcquireResponse) turned into the trials an objective runs. Params are checked
 * against the grid's own catalogue; a trial whose params fail is set aside (with the reason) and not run.
 */
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import { parseTrialParamsJson } from '../../shared/params/trial-params.js';
import type { TrialParams } from '../../shared/trial.js';
import type { LeasedTrial } from '../objective-types.js';
import { errText } from './failures.js';

/** the params of one leased trial, as they came over the wire (params_json); throws naming the bad field */
export function parseLeaseParams(paramsJson: string): TrialParams {
  return parseTrialParamsJson(paramsJson);
}

/** a leased trial whose params failed the check */
export interface RejectedLease {
  lease: Omit<LeasedTrial, 'params'>;
  error: string;
}

export function toLeasedTrials(res: AcquireResponse__Output): { trials: LeasedTrial[]; rejected: RejectedLease[] } {
  const trials: LeasedTrial[] = [];
  const rejected: RejectedLease[] = [];
  for (const t of res.trials) {
    const lease = {
      trialId: Number(t.trial_id),
      key: t.key,
      leaseId: t.lease_id,
      fencingToken: Number(t.fencing_token),
    };
    try {
      trials.push({
        ...lease,
        params: parseLeaseParams(t.params_json),
        ...(t.stage ? { stage: t.stage } : {}),
        ...(t.maps_only ? { mapsOnly: true } : {}),
      });
    } catch (err) {
      rejected.push({ lease, error: `bad params from the coordinator: ${errText(err)}` });
    }
  }
  return { trials, rejected };
}
