import { afterEach, describe, expect, it, vi } from 'vitest';
import { Drain } from '../../worker/client/drain.js';
import { Wakeup } from '../../worker/client/wakeup.js';

afterEach(() => vi.useRealTimers());

describe('wakeup', () => {
  it('resolves every current waiter on wake, and on abort', async () => {
    const w = new Wakeup();
    const stop = new AbortController();
    const order: string[] = [];
    const a = w.wait(stop.signal).then(() => order.push('a'));
    const b = w.wait(stop.signal).then(() => order.push('b'));
    expect(w.waiting).toBe(2);
    w.wake();
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(w.waiting).toBe(0);
    const c = w.wait(stop.signal);
    stop.abort();
    await c;
    expect(w.waiting).toBe(0);
    await w.wait(stop.signal); // already aborted: at once
  });

  it('times out when asked to (fake clock)', async () => {
    vi.useFakeTimers();
    const w = new Wakeup();
    let done = false;
    const p = w.wait(new AbortController().signal, 1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });
});

describe('drain', () => {
  it('starts once with the first reason, reports it and wakes waiters', async () => {
    const started: string[] = [];
    const d = new Drain((r) => started.push(r));
    const woken = d.changed.wait(new AbortController().signal);
    expect(d.active).toBe(false);
    d.start('coordinator says draining');
    d.start('idle');
    await woken;
    expect([d.active, d.reason, started]).toEqual([true, 'coordinator says draining', ['coordinator says draining']]);
  });

  it('follows a drain signal, also one aborted before', () => {
    const s = new AbortController();
    const d = new Drain();
    const unfollow = d.follow(s.signal, 'drain signal');
    expect(d.active).toBe(false);
    s.abort();
    expect(d.reason).toBe('drain signal');
    unfollow();
    const early = new Drain();
    early.follow(AbortSignal.abort(), 'drain signal');
    expect(early.active).toBe(true);
  });
});
