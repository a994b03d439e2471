/**
 * Runs one lease group through its objective: progress and outcomes are routed by trial key to the
 * trial's lease, and every trial gets exactly one outcome, a failed (retryable) one when the objective
 * threw or returned without finishing it.
 */
import type { LeasedTrial, Objective, TrialOutcome, TrialProgress } from '../objective-types.js';
import { errText } from './failures.js';

export interface GroupHooks {
  progress(t: LeasedTrial, p: TrialProgress): void;
  /** may be called more than once for a trial; the caller keeps the first */
  finished(t: LeasedTrial, outcome: TrialOutcome): void;
  signalFor(t: LeasedTrial): AbortSignal;
}

export async function runLeaseGroup(
  trials: readonly LeasedTrial[],
  objective: (name: string) => Promise<Objective>,
  on: GroupHooks,
): Promise<void> {
  const byKey = new Map(trials.map((t) => [t.key, t]));
  const cb = {
    progress: (key: string, p: TrialProgress) => {
      const t = byKey.get(key);
      if (t) on.progress(t, p);
    },
    finished: (key: string, o: TrialOutcome) => {
      const t = byKey.get(key);
      if (t) on.finished(t, o);
    },
    signalFor: (key: string) => {
      const t = byKey.get(key);
      return t ? on.signalFor(t) : AbortSignal.abort('unknown trial');
    },
  };
  try {
    const o = await objective(trials[0].params.objective);
    await o.runGroup(trials, cb);
  } catch (err) {
    for (const t of trials) on.finished(t, { ok: false, error: `objective failed: ${errText(err)}`, retryable: true });
  }
  for (const t of trials)
    on.finished(t, { ok: false, error: 'objective returned without finishing this trial', retryable: true });
}
