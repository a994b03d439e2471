import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrialParams } from '../../shared/trial.js';
import { ResultSpool, runWorker, type WorkerEvent, type WorkerOptions } from '../../worker/client/index.js';
import { EventLog, waitFor } from '../support/wait.js';
import { FakeCoordinator } from './fake-coordinator.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const params = (i: number, sleep_ms: number, fail_rate = 0): TrialParams => ({
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
  synthetic: { sleep_ms, fail_rate, seed: 1 },
});

// a long lease ttl by default: on a loaded machine the first group's objective import must not outlive its lease
async function setup(ttlMs = 30_000) {
  const fake = new FakeCoordinator(ttlMs, 50);
  const address = await fake.start();
  const spoolDir = mkdtempSync(join(tmpdir(), 'wepadim-client-'));
  cleanups.push(
    () => fake.stop(),
    () => rmSync(spoolDir, { recursive: true, force: true }),
  );
  const log = new EventLog<WorkerEvent>();
  const opts = (over: Partial<WorkerOptions> = {}): WorkerOptions => ({
    coordinator: address,
    gpu: null,
    concurrency: 2,
    groupSize: 2,
    spoolDir,
    auth: { token: null, tls: null, insecure: true },
    backend: 'synthetic',
    objectiveOptions: {},
    idleExitMs: 400,
    acquireWaitMs: 200,
    onEvent: log.push,
    ...over,
  });
  return { fake, address, spoolDir, events: log.all, log, opts };
}

describe('worker client against an in-memory coordinator', () => {
  it('runs every trial exactly once, streams progress, and exits when idle', async () => {
    const { fake, events, opts, spoolDir } = await setup();
    for (let i = 0; i < 30; i++) fake.add(params(i, 20));
    await runWorker(opts({ concurrency: 4, groupSize: 3 }));
    expect(fake.trials.map((t) => t.status)).toEqual(Array(30).fill('done'));
    expect(fake.trials.map((t) => t.results)).toEqual(Array(30).fill(1));
    expect(fake.trials.reduce((s, t) => s + t.progressApplied, 0)).toBeGreaterThanOrEqual(30);
    expect(events.at(-1)).toEqual({ type: 'stopped', reason: 'idle', spooled: 0 });
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('keeps results in the spool through a coordinator outage and delivers them after', async () => {
    const { fake, events, log, opts, spoolDir } = await setup();
    for (let i = 0; i < 6; i++) fake.add(params(i, 300));
    let cut = false;
    const run = runWorker(
      opts({
        concurrency: 3,
        groupSize: 1,
        idleExitMs: 1500,
        onEvent: (e) => {
          // the coordinator goes away as soon as the first lease is granted: that trial finishes while it is away
          if (e.type === 'leased' && !cut) {
            cut = true;
            fake.stop();
          }
          log.push(e);
        },
      }),
    );
    await log.next((e) => e.type === 'disconnected' && e.during === 'deliver', 'a delivery that fails in the outage');
    const spooled = readdirSync(spoolDir).filter((f) => f.endsWith('.results.json')).length;
    await fake.start(fake.port);
    await run;
    expect(spooled).toBeGreaterThanOrEqual(1);
    expect(fake.trials.map((t) => [t.status, t.results])).toEqual(Array(6).fill(['done', 1]));
    expect(events.some((e) => e.type === 'finished' && e.ok)).toBe(true);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('stops a trial whose lease is lost, and its late outcome is rejected as stale', async () => {
    const { fake, events, log, opts } = await setup();
    const t = fake.add(params(0, 5000));
    const run = runWorker(opts({ idleExitMs: 300 }));
    await log.next((e) => e.type === 'leased', 'the lease');
    const oldLease = t.leaseId;
    t.token++; // someone else took it over (as after an expiry + re-lease)
    t.leaseId = 'other';
    t.status = 'leased';
    t.expiresAt = Date.now() + 60_000;
    await run;
    expect(events).toContainEqual(expect.objectContaining({ type: 'lease-lost', leaseId: oldLease }));
    // stopped by the lost lease, not run to its end (it would have finished ok after 5 s)
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'finished',
        leaseId: oldLease,
        ok: false,
        // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers as any
        error: expect.stringMatching(/^aborted: lease /),
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'delivered', leaseId: oldLease, accepted: false, reason: 'stale' }),
    );
    expect(t.results).toBe(0);
  });

  it('obeys cancel and drain orders from the control stream', async () => {
    const { fake, events, log, opts } = await setup();
    const slow = fake.add(params(0, 4000));
    for (let i = 1; i < 5; i++) fake.add(params(i, 400));
    const run = runWorker(opts({ concurrency: 2, groupSize: 1, idleExitMs: null }));
    await log.next((e) => e.type === 'leased' && e.trialKeys.includes(slow.key), 'the slow trial leased');
    await waitFor(() => fake.controlStreams === 1, 'the control stream');
    const slowLease = slow.leaseId;
    expect(fake.broadcast({ cancel: { trial_keys: [slow.key], lease_ids: [], reason: 'user' } })).toBe(1);
    slow.status = 'failed'; // as the real coordinator marks it cancelled: not leased again
    slow.leaseId = null;
    const stopped = await log.next(
      (e) => e.type === 'finished' && e.leaseId === slowLease,
      'the cancelled trial stopped',
    );
    // stopped by the cancel, not run to its end (it would have finished ok after 4 s)
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types its asymmetric matchers as any
    expect(stopped).toMatchObject({ ok: false, error: expect.stringContaining('cancelled: user') });
    fake.broadcast({ drain: { reason: 'test drain' } });
    await run;
    expect(events).toContainEqual(expect.objectContaining({ type: 'cancel', reason: 'user' }));
    expect(events).toContainEqual({ type: 'draining', reason: 'test drain' });
    expect(events.at(-1)).toMatchObject({ type: 'stopped', reason: 'drained', spooled: 0 });
    // drained, not killed: what was leased was finished and reported; the rest stayed pending
    expect(fake.trials.filter((t) => t.status === 'leased')).toEqual([]);
    expect(fake.trials.some((t) => t.status === 'pending')).toBe(true);
  });

  it('delivers results spooled by an earlier run of the worker at start', async () => {
    const { fake, opts, spoolDir } = await setup();
    const t = fake.add(params(0, 0));
    Object.assign(t, { status: 'leased', token: 1, attempts: 1, leaseId: 'L1-1', expiresAt: Date.now() + 60_000 });
    await new ResultSpool(spoolDir).putBatch([
      {
        trialId: t.id,
        key: t.key,
        leaseId: 'L1-1',
        fencingToken: 1,
        finishedAt: 1,
        workerId: 'old-worker',
        outcome: {
          ok: true,
          result: {
            metrics: { image_auroc: 0.75 },
            artifacts: [],
            provenance: {
              code_version: 'x',
              backend: 'synthetic',
              device: 'd',
              weights: 'w',
              dataset_root: '/',
              class: 'c0',
            },
          },
        },
      },
    ]);
    await runWorker(opts({ idleExitMs: 200 }));
    expect([t.status, t.results, t.attempts]).toEqual(['done', 1, 1]);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});
