import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { runControlStream } from '../../worker/client/control.js';
import type { CoordinatorRpc } from '../../worker/client/rpc.js';

class FakeCall extends EventEmitter {
  cancelled = false;
  cancel(): void {
    this.cancelled = true;
    this.emit('error', new Error('1 CANCELLED'));
  }
}

describe('control stream', () => {
  it('passes cancel and drain orders on, reopens a broken stream, and closes it when stopped', async () => {
    const calls: FakeCall[] = [];
    const opened: (() => void)[] = [];
    const rpc = {
      control: (workerId: string) => {
        expect(workerId).toBe('w1');
        const c = new FakeCall();
        calls.push(c);
        opened.shift()?.();
        return c as unknown as ReturnType<CoordinatorRpc['control']>;
      },
    };
    const seen: string[] = [];
    const stop = new AbortController();
    const run = runControlStream(rpc, 'w1', stop.signal, {
      cancel: (keys, leases, reason) => seen.push(`cancel ${keys.join(',')}|${leases.join(',')} ${reason}`),
      drain: (reason) => seen.push(`drain ${reason}`),
      disconnected: (error) => seen.push(`disconnected ${error}`),
    });
    calls[0].emit('data', { cancel: { trial_keys: ['k1'], lease_ids: ['L2'], reason: 'user' } });
    calls[0].emit('data', { drain: { reason: '' } });
    const second = new Promise<void>((r) => opened.push(r));
    calls[0].emit('end');
    await second;
    calls[1].emit('data', { drain: { reason: 'maintenance' } });
    stop.abort();
    await run;
    expect(calls[1].cancelled).toBe(true);
    expect(seen).toEqual(['cancel k1|L2 user', 'drain drain order', 'disconnected stream ended', 'drain maintenance']);
    expect(calls.length).toBe(2);
  });
});
