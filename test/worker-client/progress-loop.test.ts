import { afterEach, describe, expect, it, vi } from 'vitest';
import { runProgressLoop } from '../../worker/client/progress-loop.js';
import { ProgressSender } from '../../worker/client/progress-sender.js';

afterEach(() => vi.useRealTimers());

describe('progress loop', () => {
  it('flushes pending progress every 250 ms, keeps it through a failed send, and stops', async () => {
    vi.useFakeTimers();
    const p = new ProgressSender();
    const sent: number[] = [];
    let up = false;
    const rpc = {
      progress: async (b: { updates: unknown[] }[]) => {
        if (!up) throw new Error('unavailable');
        sent.push(b[0].updates.length);
        return { acked: [] };
      },
    };
    const stop = new AbortController();
    const run = runProgressLoop(p, 'w', rpc, stop.signal);
    p.push('L1', 1, { phase: 'fit', done: 1, total: 2 });
    await vi.advanceTimersByTimeAsync(250);
    expect([sent, p.size]).toEqual([[], 1]);
    up = true;
    p.push('L1', 1, { phase: 'fit', done: 2, total: 2 });
    await vi.advanceTimersByTimeAsync(249);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect([sent, p.size]).toEqual([[2], 0]);
    stop.abort();
    await run;
  });
});
