/** RequestMaps (`wepadim maps TRIAL`): queue a maps job for a done trial, or report its state; behind the token. */
import type { RequestMapsRequest__Output } from '../../proto/gen/wepadim/v1/RequestMapsRequest.js';
import type { RequestMapsResponse } from '../../proto/gen/wepadim/v1/RequestMapsResponse.js';
import type { ServerDeps } from './deps.js';
import { invalidArgument, unary } from './guard.js';

export function mapHandlers(d: ServerDeps) {
  const { store, scheduler, commit, guard } = d;
  const RequestMaps = unary<RequestMapsRequest__Output, RequestMapsResponse>(guard, 'RequestMaps', async (req) => {
    if (!req.trial || req.trial.length > 512)
      throw invalidArgument('trial: a trial key or id is required (at most 512 characters)');
    const states = await commit.run(() => store.requestMaps(req.trial, req.queue, scheduler.now()));
    if (req.queue && states.some((s) => s.status === 'pending')) scheduler.wake();
    return {
      jobs: states.map((s) => ({
        trial_id: s.trialId,
        trial_key: s.trialKey,
        sweep: s.sweep,
        status: s.status,
        error: s.error,
        reported: s.reported,
        stored: s.stored,
      })),
    };
  });
  return { RequestMaps };
}
