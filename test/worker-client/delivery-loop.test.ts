import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FailRequest } from '../../proto/gen/wepadim/v1/FailRequest.js';
import type { FinishOutcome__Output } from '../../proto/gen/wepadim/v1/FinishOutcome.js';
import type { FinishResponse__Output } from '../../proto/gen/wepadim/v1/FinishResponse.js';
import { Backoff } from '../../worker/client/backoff.js';
import { Deliverer } from '../../worker/client/deliverer.js';
import { deliverBeforeExit, runDeliveryLoop } from '../../worker/client/delivery-loop.js';
import { ProgressSender } from '../../worker/client/progress-sender.js';
import { ResultSpool, type SpooledResult } from '../../worker/client/spool.js';
import { Wakeup } from '../../worker/client/wakeup.js';

const dirs: string[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const failed = (i: number): SpooledResult => ({
  trialId: i,
  key: `k${i}`,
  leaseId: `L${i}`,
  fencingToken: 1,
  finishedAt: 1,
  workerId: 'w1',
  outcome: { ok: false, error: 'boom', retryable: true },
});
const answer = (r: FailRequest): FinishResponse__Output =>
  ({
    outcomes: (r.failures ?? []).map((f) => ({
      lease_id: f.lease_id,
      accepted: true,
      trial_status: 'pending',
      reason: '',
      duplicate: false,
    })),
  }) as FinishResponse__Output;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-delivery-'));
  dirs.push(dir);
  const ready = new Wakeup();
  const delivered: string[] = [];
  const deliverer = new Deliverer(
    new ResultSpool(dir),
    (r: SpooledResult, o: FinishOutcome__Output) => delivered.push(`${r.leaseId} ${o.accepted}`),
    () => ready.wake(),
  );
  const log: string[] = [];
  let down = 1;
  const progress = new ProgressSender();
  const rpc = {
    complete: async (): Promise<FinishResponse__Output> => {
      throw new Error('unused');
    },
    fail: async (r: FailRequest) => {
      log.push(`fail ${(r.failures ?? []).map((f) => f.lease_id).join(',')}`);
      if (down-- > 0) throw new Error('14 UNAVAILABLE');
      return answer(r);
    },
    progress: async (b: { updates: { lease_id?: string }[] }[]) => {
      log.push(`progress ${b[0].updates.map((u) => u.lease_id).join(',')}`);
      return { acked: [] };
    },
  };
  return { dir, ready, delivered, deliverer, log, progress, rpc };
}

describe('delivery loop', () => {
  it('sends spooled results after their progress, retries through an outage, and empties the spool', async () => {
    const s = setup();
    const changed = new Wakeup();
    const events: string[] = [];
    const stop = new AbortController();
    const loop = runDeliveryLoop(
      {
        deliverer: s.deliverer,
        progress: s.progress,
        workerId: 'w1',
        rpc: s.rpc,
        ready: s.ready,
        delivered: () => {
          events.push('delivered');
          changed.wake();
        },
        disconnected: (error, ms) => events.push(`disconnected ${error} ${ms}`),
      },
      stop.signal,
      new Backoff({ baseMs: 1, capMs: 1, random: () => 0 }),
    );
    s.progress.push('L1', 1, { phase: 'fit', done: 1, total: 1 });
    s.deliverer.add(failed(1));
    s.deliverer.add(failed(2));
    while (s.delivered.length < 2) await changed.wait(stop.signal);
    stop.abort();
    await loop;
    expect(s.log).toEqual(['progress L1', 'fail L1,L2', 'fail L1,L2']);
    expect(events).toEqual(['disconnected 14 UNAVAILABLE 0', 'delivered']);
    expect(s.delivered).toEqual(['L1 true', 'L2 true']);
    expect(readdirSync(s.dir)).toEqual([]);
  });

  it('delivers on exit what a previous run left in the spool, and gives up after its timeout', async () => {
    const s = setup();
    await s.deliverer.spool.putBatch([failed(7)]);
    const again = new Deliverer(
      new ResultSpool(s.dir),
      (r) => s.delivered.push(r.leaseId),
      () => s.ready.wake(),
    );
    expect(again.pending).toBe(1);
    const stop = new AbortController();
    const changed = new Wakeup();
    const loop = runDeliveryLoop(
      {
        deliverer: again,
        progress: s.progress,
        workerId: 'w1',
        rpc: s.rpc,
        ready: s.ready,
        delivered: () => changed.wake(),
        disconnected: () => undefined,
      },
      stop.signal,
      new Backoff({ baseMs: 1, capMs: 1, random: () => 0 }),
    );
    await deliverBeforeExit(again, s.ready, changed, 60_000, stop.signal);
    expect([again.pending, s.delivered]).toEqual([0, ['L7']]);
    stop.abort();
    await loop;
  });

  it('gives up waiting for delivery on exit after its timeout, keeping the result spooled (fake clock)', async () => {
    const s = setup();
    s.deliverer.add(failed(8));
    await s.deliverer.flushed();
    vi.useFakeTimers();
    let woken = 0;
    const ready = { wake: () => void woken++ } as unknown as Wakeup;
    let done = false;
    const exit = deliverBeforeExit(s.deliverer, ready, new Wakeup(), 1000, new AbortController().signal).then(
      () => (done = true),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await exit;
    expect([done, s.deliverer.pending, readdirSync(s.dir).length]).toEqual([true, 1, 1]);
    expect(woken).toBeGreaterThanOrEqual(5); // the delivery loop was nudged each round (every 200 ms)
  });
});
