import { describe, expect, it } from 'vitest';
import type { GroupCallbacks, LeasedTrial, TrialOutcome, TrialProgress } from '../../worker/objective-types.js';
import { attemptFails, createSyntheticObjective, syntheticMetrics } from '../../worker/synthetic/index.js';
import type { TrialParams } from '../../shared/trial.js';

const params = (over: Partial<NonNullable<TrialParams['synthetic']>> = {}): TrialParams => ({
  objective: 'synthetic',
  dataset: 'folder',
  root: '/nowhere',
  class: 'c0',
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
  synthetic: { sleep_ms: 0, fail_rate: 0, seed: 1, ...over },
});
const leased = (key: string, p: TrialParams, token = 1): LeasedTrial => ({
  trialId: 1,
  key,
  leaseId: `L-${key}`,
  fencingToken: token,
  params: p,
});

function harness(abort: Record<string, AbortController> = {}) {
  const finished = new Map<string, TrialOutcome>();
  const progress: [string, TrialProgress][] = [];
  const cb: GroupCallbacks = {
    progress: (k, p) => progress.push([k, p]),
    finished: (k, o) => {
      if (finished.has(k)) throw new Error(`finished twice: ${k}`);
      finished.set(k, o);
    },
    signalFor: (k) => (abort[k] ??= new AbortController()).signal,
  };
  return { cb, finished, progress, abort };
}

describe('synthetic objective', () => {
  it('fails at about the requested rate, deterministically per attempt', () => {
    let fails = 0;
    for (let i = 0; i < 20000; i++) if (attemptFails(7, `k${i}`, 1, 0.05)) fails++;
    expect(fails / 20000).toBeGreaterThan(0.04);
    expect(fails / 20000).toBeLessThan(0.06);
    expect(attemptFails(7, 'k3', 1, 0.5)).toBe(attemptFails(7, 'k3', 1, 0.5));
    // a retry (new fencing token) is a new draw: not all failing keys fail again
    const failing = Array.from({ length: 2000 }, (_, i) => `k${i}`).filter((k) => attemptFails(7, k, 1, 0.5));
    const again = failing.filter((k) => attemptFails(7, k, 2, 0.5)).length;
    expect(again / failing.length).toBeGreaterThan(0.4);
    expect(again / failing.length).toBeLessThan(0.6);
  });

  it('reports metrics that depend on the key only, with synthetic provenance', async () => {
    const obj = createSyntheticObjective();
    const h = harness();
    await obj.runGroup([leased('a', params()), leased('b', params())], h.cb);
    const a = h.finished.get('a');
    const b = h.finished.get('b');
    if (!a?.ok || !b?.ok) throw new Error('expected both to succeed');
    expect(a.result.provenance.backend).toBe('synthetic');
    expect(a.result.metrics.image_auroc).toBe(syntheticMetrics(1, 'a').image_auroc);
    expect(a.result.metrics.image_auroc).not.toBe(b.result.metrics.image_auroc);
    expect(a.result.metrics.image_auroc).toBeGreaterThanOrEqual(0.5);
    expect(h.progress.filter(([k]) => k === 'a').map(([, p]) => p.done)).toEqual([1]);
  });

  it('fails every attempt at fail_rate 1 and none at 0', async () => {
    const obj = createSyntheticObjective();
    const h = harness();
    await obj.runGroup([leased('x', params({ fail_rate: 1 })), leased('y', params({ fail_rate: 0 }))], h.cb);
    expect(h.finished.get('x')).toMatchObject({ ok: false, retryable: true });
    expect(h.finished.get('y')?.ok).toBe(true);
  });

  it('stops a sleeping trial as soon as its signal aborts', async () => {
    const obj = createSyntheticObjective();
    const h = harness();
    // the slow trial would sleep 10 minutes; it is stopped once the fast one finished (it is then mid-sleep)
    const cb = {
      ...h.cb,
      finished: (k: string, o: TrialOutcome) => (
        h.cb.finished(k, o),
        k === 'fast' && h.abort.slow?.abort('lease lost')
      ),
    };
    await obj.runGroup([leased('slow', params({ sleep_ms: 600_000 })), leased('fast', params({ sleep_ms: 20 }))], cb);
    expect(h.finished.get('slow')).toMatchObject({ ok: false });
    expect(String((h.finished.get('slow') as { error: string }).error)).toContain('lease lost');
    expect(h.finished.get('fast')?.ok).toBe(true);
  });

  it('rejects a synthetic trial without synthetic parameters as not retryable', async () => {
    const h = harness();
    await createSyntheticObjective().runGroup([leased('n', { ...params(), synthetic: null })], h.cb);
    expect(h.finished.get('n')).toMatchObject({ ok: false, retryable: false });
  });
});
