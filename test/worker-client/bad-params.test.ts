/**
 * Params off the wire are checked with the grid's own catalogue: a trial whose params are bad fails at once,
 * for good, with an error naming the field; the worker keeps running the other trials and stays up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrialParams } from '../../shared/trial.js';
import { runWorker, type WorkerEvent } from '../../worker/client/index.js';
import { FakeCoordinator } from './fake-coordinator.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const params = (i: number): TrialParams => ({
  objective: 'synthetic',
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

describe('worker client: params from the wire', () => {
  it('fails a trial with bad params (not retried), names the field, and runs the rest', async () => {
    const fake = new FakeCoordinator(5000, 50);
    const address = await fake.start();
    const spoolDir = mkdtempSync(join(tmpdir(), 'wepadim-badparams-'));
    cleanups.push(
      () => fake.stop(),
      () => rmSync(spoolDir, { recursive: true, force: true }),
    );
    fake.add(params(0));
    const bad = fake.add({ ...params(1), sigma: -2 });
    const unknown = fake.add({ ...params(2), wavelet: 'db99' } as unknown as TrialParams);
    fake.add(params(3));
    const events: WorkerEvent[] = [];
    await runWorker({
      coordinator: address,
      gpu: null,
      concurrency: 2,
      groupSize: 4,
      spoolDir,
      auth: { token: null, tls: null, insecure: true },
      backend: 'synthetic',
      objectiveOptions: {},
      idleExitMs: 300,
      acquireWaitMs: 100,
      onEvent: (e) => events.push(e),
    });
    expect(fake.trials.map((t) => t.status)).toEqual(['done', 'failed', 'failed', 'done']);
    expect([bad.attempts, unknown.attempts]).toEqual([1, 1]);
    const failed = events.filter(
      (e): e is Extract<WorkerEvent, { type: 'finished' }> => e.type === 'finished' && !e.ok,
    );
    expect(failed.map((e) => [e.key, e.error])).toEqual([
      [bad.key, 'bad params from the coordinator: trial params: sigma must be > 0, got -2'],
      [
        unknown.key,
        expect.stringContaining(
          'bad params from the coordinator: trial params: unknown wavelet "db99" (allowed: haar, db1,',
        ),
      ],
    ]);
    expect(events.at(-1)).toEqual({ type: 'stopped', reason: 'idle', spooled: 0 });
  });
});
