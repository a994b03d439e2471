import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HeartbeatRequest } from '../../proto/gen/wepadim/v1/HeartbeatRequest.js';
import type { HeartbeatResponse__Output } from '../../proto/gen/wepadim/v1/HeartbeatResponse.js';
import { Heartbeats } from '../../worker/client/heartbeats.js';
import { HeldLeases } from '../../worker/client/held-leases.js';
import { trial } from './units-fixtures.js';

afterEach(() => vi.useRealTimers());

function setup(answer: (r: HeartbeatRequest) => HeartbeatResponse__Output) {
  const held = new HeldLeases();
  const sent: HeartbeatRequest[] = [];
  const seen: string[] = [];
  const rpc = { heartbeat: async (r: HeartbeatRequest) => (sent.push(r), answer(r)) };
  const hb = new Heartbeats(rpc, 'w1', held, {
    draining: () => seen.push('draining'),
    leaseLost: (l, k, why) => seen.push(`lost ${l} ${k} ${why}`),
  });
  return { held, sent, seen, hb };
}
const okAll = (r: HeartbeatRequest): HeartbeatResponse__Output =>
  ({
    draining: false,
    leases: (r.leases ?? []).map((l) => ({ lease_id: l.lease_id ?? '', ok: true, reason: '' })),
  }) as HeartbeatResponse__Output;

describe('heartbeats', () => {
  it('renews every held lease and aborts the trials of lost ones', async () => {
    const { held, sent, seen, hb } = setup(
      (r) =>
        ({
          draining: true,
          leases: (r.leases ?? []).map((l) => ({
            lease_id: l.lease_id ?? '',
            ok: l.lease_id !== 'L2',
            reason: l.lease_id === 'L2' ? 'expired' : '',
          })),
        }) as HeartbeatResponse__Output,
    );
    held.add([trial(1, 3), trial(2, 5)]);
    await hb.beat();
    expect(sent).toEqual([
      {
        worker_id: 'w1',
        leases: [
          { lease_id: 'L1', fencing_token: 3 },
          { lease_id: 'L2', fencing_token: 5 },
        ],
      },
    ]);
    expect(seen).toEqual(['draining', 'lost L2 k2 expired']);
    expect(held.signalFor('L2').reason).toBe('lease expired');
    expect(held.signalFor('L1').aborted).toBe(false);
  });

  it('sends nothing without leases and swallows an unreachable coordinator', async () => {
    const { held, sent, hb } = setup(() => {
      throw new Error('unavailable');
    });
    await hb.beat();
    expect(sent).toEqual([]);
    held.add([trial(1)]);
    await expect(hb.beat()).resolves.toBeUndefined();
    expect(sent.length).toBe(1);
  });

  it('beats every interval until stopped (fake clock)', async () => {
    vi.useFakeTimers();
    const { held, sent, hb } = setup(okAll);
    held.add([trial(1)]);
    hb.intervalMs = 500;
    const stop = new AbortController();
    const run = hb.run(stop.signal);
    await vi.advanceTimersByTimeAsync(499);
    expect(sent.length).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.length).toBe(3);
    stop.abort();
    await run;
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.length).toBe(3);
  });

  it('sends the first beat after a lease only for trials still running then', async () => {
    vi.useFakeTimers();
    const { held, sent, hb } = setup(okAll);
    held.add([trial(1), trial(2)]);
    hb.soon([trial(1), trial(2)], 100, new AbortController().signal);
    held.markFinished('L1');
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.map((r) => r.leases?.map((l) => l.lease_id))).toEqual([['L2']]);
    held.markFinished('L2');
    hb.soon([trial(1), trial(2)], 100, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.length).toBe(1);
  });
});
