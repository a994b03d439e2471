import { describe, expect, it } from 'vitest';
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import { parseLeaseParams, toLeasedTrials } from '../../worker/client/lease-params.js';
import { runLeaseGroup } from '../../worker/client/run-group.js';
import type { LeasedTrial, Objective, TrialOutcome } from '../../worker/objective-types.js';
import { params, trial } from './units-fixtures.js';

describe('lease params', () => {
  it('turns the wire form of a lease into trials', () => {
    const res = {
      trials: [
        {
          trial_id: '12',
          key: 'k',
          lease_id: 'L',
          fencing_token: '4',
          params_json: JSON.stringify(params(3)),
          stage: '',
        },
        {
          trial_id: '13',
          key: 'm',
          lease_id: 'L',
          fencing_token: '1',
          params_json: JSON.stringify(params(4)),
          stage: 'p2',
        },
      ],
    } as unknown as AcquireResponse__Output;
    expect(toLeasedTrials(res)).toEqual({
      trials: [
        { trialId: 12, key: 'k', leaseId: 'L', fencingToken: 4, params: params(3) },
        { trialId: 13, key: 'm', leaseId: 'L', fencingToken: 1, params: params(4), stage: 'p2' },
      ],
      rejected: [],
    });
    expect(() => parseLeaseParams('{not json')).toThrow();
    const bad = {
      trials: [
        {
          trial_id: '5',
          key: 'b',
          lease_id: 'L5',
          fencing_token: '1',
          params_json: JSON.stringify({ ...params(1), sigma: -2 }),
        },
      ],
    } as unknown as AcquireResponse__Output;
    expect(toLeasedTrials(bad)).toEqual({
      trials: [],
      rejected: [
        {
          lease: { trialId: 5, key: 'b', leaseId: 'L5', fencingToken: 1 },
          error: 'bad params from the coordinator: trial params: sigma must be > 0, got -2',
        },
      ],
    });
  });
});

function hooks() {
  const outcomes: [string, TrialOutcome][] = [];
  const progress: [string, number][] = [];
  const first = new Set<string>();
  return {
    outcomes,
    progress,
    on: {
      progress: (t: LeasedTrial, p: { done: number }) => progress.push([t.leaseId, p.done]),
      finished: (t: LeasedTrial, o: TrialOutcome) => {
        if (!first.has(t.leaseId)) {
          first.add(t.leaseId);
          outcomes.push([t.leaseId, o]);
        }
      },
      signalFor: (t: LeasedTrial) => AbortSignal.abort(`sig ${t.leaseId}`),
    },
  };
}
const objective =
  (runGroup: Objective['runGroup']) =>
  async (name: string): Promise<Objective> => ({ name, runGroup });

describe('running a lease group', () => {
  it('routes progress, outcomes and abort signals by trial key to the lease', async () => {
    const h = hooks();
    const signals: string[] = [];
    await runLeaseGroup(
      [trial(1), trial(2)],
      objective(async (ts, cb) => {
        cb.progress('k2', { phase: 'fit', done: 1, total: 2 });
        cb.progress('unknown', { phase: 'fit', done: 9, total: 9 });
        signals.push(String(cb.signalFor('k1').reason), String(cb.signalFor('nope').reason));
        for (const t of ts) cb.finished(t.key, { ok: false, error: `e${t.key}`, retryable: false });
      }),
      h.on,
    );
    expect(h.progress).toEqual([['L2', 1]]);
    expect(signals).toEqual(['sig L1', 'unknown trial']);
    expect(h.outcomes).toEqual([
      ['L1', { ok: false, error: 'ek1', retryable: false }],
      ['L2', { ok: false, error: 'ek2', retryable: false }],
    ]);
  });

  it('fails every trial (retryable) when the objective throws or forgets one', async () => {
    const h = hooks();
    await runLeaseGroup(
      [trial(1)],
      objective(async () => {
        throw new Error('out of memory');
      }),
      h.on,
    );
    expect(h.outcomes).toEqual([['L1', { ok: false, error: 'objective failed: out of memory', retryable: true }]]);
    const g = hooks();
    await runLeaseGroup(
      [trial(1), trial(2)],
      objective(async (_ts, cb) => cb.finished('k1', { ok: false, error: 'x', retryable: false })),
      g.on,
    );
    expect(g.outcomes[1]).toEqual([
      'L2',
      { ok: false, error: 'objective returned without finishing this trial', retryable: true },
    ]);
  });
});
