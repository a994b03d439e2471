import { describe, expect, it } from 'vitest';
import type { RegisterRequest } from '../../proto/gen/wepadim/v1/RegisterRequest.js';
import type { RegisterResponse__Output } from '../../proto/gen/wepadim/v1/RegisterResponse.js';
import { UserError } from '../../shared/errors.js';
import { Backoff } from '../../worker/client/backoff.js';
import { defaultWorkerId, heartbeatIntervalOf, register } from '../../worker/client/registration.js';

const answer = (over: Partial<RegisterResponse__Output> = {}): RegisterResponse__Output =>
  ({ heartbeat_interval_ms: '700', lease_ttl_ms: '9000', draining: false, ...over }) as RegisterResponse__Output;
const req = (): RegisterRequest => ({ worker_id: 'w1' });
const noDelay = (): Backoff => new Backoff({ baseMs: 100, capMs: 5000, random: () => 0 });

describe('registration', () => {
  it('retries until the coordinator answers, reporting each failure', async () => {
    const failures: [string, number][] = [];
    let calls = 0;
    const rpc = {
      register: async (r: RegisterRequest) => {
        expect(r.worker_id).toBe('w1');
        if (++calls < 3) throw Object.assign(new Error('14 UNAVAILABLE: no connection'), { code: 14 });
        return answer({ draining: true });
      },
    };
    const got = await register(rpc, req, new AbortController().signal, (e, ms) => failures.push([e, ms]), noDelay());
    expect(got).toEqual({ heartbeatIntervalMs: 700, leaseTtlMs: 9000, draining: true });
    expect(failures).toEqual([
      ['14 UNAVAILABLE: no connection', 0],
      ['14 UNAVAILABLE: no connection', 0],
    ]);
  });

  it('stops at once with a UserError when the credentials are refused', async () => {
    let calls = 0;
    const rpc = {
      register: async () => {
        calls++;
        throw Object.assign(new Error('16 UNAUTHENTICATED: bad token'), { code: 16 });
      },
    };
    const p = register(rpc, req, new AbortController().signal, () => undefined, noDelay());
    await expect(p).rejects.toBeInstanceOf(UserError);
    await expect(p).rejects.toThrow(/rejected this worker's credentials \(16 UNAUTHENTICATED: bad token\)/);
    expect(calls).toBe(1);
  });

  it('gives up (null) when stopped while the coordinator is away', async () => {
    const stop = new AbortController();
    const rpc = {
      register: async () => {
        stop.abort();
        throw Object.assign(new Error('down'), { code: 14 });
      },
    };
    expect(await register(rpc, req, stop.signal, () => undefined, noDelay())).toBeNull();
  });

  it('names the worker after host, device and pid, and bounds the heartbeat interval', () => {
    expect(defaultWorkerId(null, 'my host/x', 42)).toBe('my-host-x:cpu:42');
    expect(defaultWorkerId(1, 'h'.repeat(80), 7)).toBe(`${'h'.repeat(64)}:gpu1:7`);
    expect(heartbeatIntervalOf({ heartbeat_interval_ms: 10 })).toBe(50);
    expect(heartbeatIntervalOf({ heartbeat_interval_ms: 0 })).toBe(2000);
    expect(heartbeatIntervalOf({ heartbeat_interval_ms: 1500 })).toBe(1500);
  });
});
