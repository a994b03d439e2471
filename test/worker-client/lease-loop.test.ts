import PQueue from 'p-queue';
import { describe, expect, it } from 'vitest';
import type { AcquireRequest } from '../../proto/gen/wepadim/v1/AcquireRequest.js';
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import { UserError } from '../../shared/errors.js';
import { Backoff } from '../../worker/client/backoff.js';
import { Drain } from '../../worker/client/drain.js';
import { HeldLeases } from '../../worker/client/held-leases.js';
import { runLeaseLoop, type LeaseLoopDeps } from '../../worker/client/lease-loop.js';
import type { WorkerEvent } from '../../worker/client/types.js';
import type { LeasedTrial } from '../../worker/objective-types.js';
import { params } from './units-fixtures.js';

type Answer = AcquireResponse__Output | Error;
const grant = (...ids: number[]): AcquireResponse__Output =>
  ({
    trials: ids.map((i) => ({
      trial_id: String(i),
      key: `k${i}`,
      lease_id: `L${i}`,
      fencing_token: '1',
      params_json: JSON.stringify(params(i)),
    })),
    draining: false,
    retry_after_ms: '0',
  }) as unknown as AcquireResponse__Output;
const empty = (over: Partial<AcquireResponse__Output> = {}): AcquireResponse__Output =>
  ({ trials: [], draining: false, retry_after_ms: '0', ...over }) as AcquireResponse__Output;
const grpcError = (code: number, msg: string): Error => Object.assign(new Error(msg), { code });

function setup(answers: Answer[], over: Partial<LeaseLoopDeps> = {}) {
  const asked: AcquireRequest[] = [];
  const events: WorkerEvent[] = [];
  const ran: string[][] = [];
  const held = new HeldLeases();
  let clock = 0;
  let reregistered = 0;
  const deps: LeaseLoopDeps = {
    rpc: {
      acquire: async (r) => {
        asked.push(r);
        const a = answers.shift() ?? empty();
        if (a instanceof Error) throw a;
        return a;
      },
    },
    workerId: 'w1',
    groupSize: 2,
    concurrency: 2,
    waitMs: 200,
    idleExitMs: 0,
    featureCaches: () => ['fc1'],
    held,
    drain: new Drain(),
    queue: new PQueue({ concurrency: 2 }),
    runGroup: async (ts: LeasedTrial[]) => {
      ran.push(ts.map((t) => t.key));
      for (const t of ts) held.release(t.leaseId);
    },
    leased: () => undefined,
    rejected: (r) =>
      events.push({ type: 'finished', key: r.lease.key, leaseId: r.lease.leaseId, ok: false, error: r.error }),
    reregister: async () => void reregistered++,
    emit: (e) => events.push(e),
    now: () => (clock += 10),
    ...over,
  };
  return { deps, asked, events, ran, held, reregistered: () => reregistered };
}
const fast = (): Backoff => new Backoff({ baseMs: 1, capMs: 1, random: () => 0 });

describe('lease loop', () => {
  it('takes lease groups, runs them, and drains when the coordinator has had no work for idleExitMs', async () => {
    const s = setup([grant(1, 2), grant(3), empty()]);
    await runLeaseLoop(s.deps, new AbortController().signal, fast());
    await s.deps.queue.onIdle();
    expect(s.ran).toEqual([['k1', 'k2'], ['k3']]);
    expect(s.asked[0]).toMatchObject({ worker_id: 'w1', max_trials: 2, feature_caches: ['fc1'], wait_ms: 200 });
    expect(s.events.filter((e) => e.type === 'leased').map((e) => e.type === 'leased' && e.leaseIds)).toEqual([
      ['L1', 'L2'],
      ['L3'],
    ]);
    expect(s.events.at(-1)).toMatchObject({ type: 'idle-exit' });
    expect([s.deps.drain.active, s.deps.drain.reason]).toEqual([true, 'idle']);
    // every answered acquire gets a fresh request id
    expect(new Set(s.asked.map((a) => a.request_id)).size).toBe(s.asked.length);
  });

  it('asks again with the same request id after a lost answer, and registers again when the coordinator forgot the worker', async () => {
    const s = setup([grpcError(14, 'unavailable'), grpcError(5, 'unknown worker w1'), grant(1), empty()]);
    await runLeaseLoop(s.deps, new AbortController().signal, fast());
    expect(s.asked[0].request_id).toBe(s.asked[1].request_id);
    expect(s.asked[1].request_id).toBe(s.asked[2].request_id);
    expect(s.asked[3].request_id).not.toBe(s.asked[2].request_id);
    expect(s.reregistered()).toBe(1);
    expect(s.events.filter((e) => e.type === 'disconnected').map((e) => e.type === 'disconnected' && e.during)).toEqual(
      ['acquire', 'acquire'],
    );
    expect(s.ran).toEqual([['k1']]);
  });

  it('sets aside a trial whose params fail the check and runs the rest of its group', async () => {
    const bad = grant(1, 2);
    bad.trials[1].params_json = JSON.stringify({ ...params(2), sigma: -2 });
    const s = setup([bad, empty()]);
    await runLeaseLoop(s.deps, new AbortController().signal, fast());
    await s.deps.queue.onIdle();
    expect(s.ran).toEqual([['k1']]);
    expect(s.events.find((e) => e.type === 'finished')).toEqual({
      type: 'finished',
      key: 'k2',
      leaseId: 'L2',
      ok: false,
      error: 'bad params from the coordinator: trial params: sigma must be > 0, got -2',
    });
  });

  it('stops with a UserError on refused credentials, and at once when the coordinator drains', async () => {
    await expect(
      runLeaseLoop(setup([grpcError(7, 'denied')]).deps, new AbortController().signal, fast()),
    ).rejects.toBeInstanceOf(UserError);
    const s = setup([empty({ draining: true })], { idleExitMs: null });
    await runLeaseLoop(s.deps, new AbortController().signal, fast());
    expect([s.asked.length, s.deps.drain.reason]).toEqual([1, 'coordinator says draining']);
  });

  it('asks for no more groups than free slots, and again as soon as a group ends', async () => {
    let release: () => void = () => undefined;
    const s = setup([grant(1), grant(2), empty({ draining: true })], {
      concurrency: 1,
      queue: new PQueue({ concurrency: 1 }),
    });
    s.deps.runGroup = (ts) =>
      new Promise<void>(
        (r) =>
          (release = () => {
            for (const t of ts) s.held.release(t.leaseId);
            r();
          }),
      );
    const stop = new AbortController();
    const run = runLeaseLoop(s.deps, stop.signal, fast());
    while (s.asked.length < 1) await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(s.asked.length).toBe(1); // the only slot is busy
    release();
    while (s.asked.length < 2) await new Promise((r) => setImmediate(r));
    release();
    await run;
    expect(s.asked.length).toBe(3);
  });
});

describe('lease loop: leaving a long-polled Acquire', () => {
  /** the first Acquire hangs, like gRPC's long poll, until its signal cancels it; later ones answer `after` */
  function hanging(after: Answer) {
    let entered!: (signal: AbortSignal | undefined) => void;
    const inAcquire = new Promise<AbortSignal | undefined>((r) => (entered = r));
    const calls: { req: AcquireRequest; signal: AbortSignal | undefined }[] = [];
    const rpc = {
      acquire: (req: AcquireRequest, _t: number, signal?: AbortSignal) => {
        calls.push({ req, signal });
        if (calls.length > 1) return after instanceof Error ? Promise.reject(after) : Promise.resolve(after);
        return new Promise<AcquireResponse__Output>((_res, rej) => {
          entered(signal);
          signal?.addEventListener('abort', () => rej(grpcError(1, 'Cancelled on client')), { once: true });
        });
      },
    };
    return { rpc, inAcquire, calls };
  }

  it('a drain cancels the Acquire in flight, then replays its request id once (no wait) and holds nothing new', async () => {
    const h = hanging(empty());
    const s = setup([], { rpc: h.rpc, idleExitMs: null, waitMs: 600_000 });
    const loop = runLeaseLoop(s.deps, new AbortController().signal, fast());
    const signal = await h.inAcquire;
    expect(signal?.aborted).toBe(false);
    s.deps.drain.start('drain signal');
    await loop; // would wait out the 600 s long poll if the call were not cancelled
    expect(signal?.aborted).toBe(true);
    expect(s.events).toEqual([{ type: 'acquire-cancelled', reason: 'drain: drain signal' }]);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[1].req.request_id).toBe(h.calls[0].req.request_id);
    expect(h.calls[1].req.wait_ms).toBe(1);
  });

  it('a lease whose answer crossed the cancel comes back by the replay and is run (drain finishes what it holds)', async () => {
    const h = hanging(grant(7));
    const s = setup([], { rpc: h.rpc, idleExitMs: null, waitMs: 600_000 });
    const loop = runLeaseLoop(s.deps, new AbortController().signal, fast());
    await h.inAcquire;
    s.deps.drain.start('drain signal');
    await loop;
    await s.deps.queue.onIdle();
    expect(s.ran).toEqual([['k7']]);
    expect(s.events.map((e) => e.type)).toEqual(['acquire-cancelled', 'leased']);
  });

  it('a stop (hard abort) cancels it too, without a replay', async () => {
    const h = hanging(grant(7));
    const s = setup([], { rpc: h.rpc, idleExitMs: null, waitMs: 600_000 });
    const stop = new AbortController();
    const loop = runLeaseLoop(s.deps, stop.signal, fast());
    const signal = await h.inAcquire;
    stop.abort();
    await loop;
    expect(signal?.aborted).toBe(true);
    expect(s.events).toEqual([{ type: 'acquire-cancelled', reason: 'stopped' }]);
    expect(h.calls).toHaveLength(1);
  });
});
