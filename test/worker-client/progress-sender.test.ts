import { describe, expect, it } from 'vitest';
import { ProgressSender } from '../../worker/client/progress-sender.js';

type Batch = { worker_id: string; updates: { lease_id?: string; seq?: number | string }[] };

describe('progress sender', () => {
  it('numbers updates per lease and resends exactly the unacknowledged ones', async () => {
    const p = new ProgressSender();
    p.push('A', 1, { phase: 'x', done: 1, total: 3 });
    p.push('B', 4, { phase: 'x', done: 1, total: 3 });
    p.push('A', 1, { phase: 'x', done: 2, total: 3 });
    const sent: Batch[] = [];
    let fail = true;
    const transport = {
      progress: async (b: Batch[]) => {
        sent.push(...b);
        if (fail) throw Object.assign(new Error('unavailable'), { code: 14 });
      },
    };
    await expect(p.flush('w', transport)).rejects.toThrow('unavailable');
    expect(p.size).toBe(3); // kept for the resend
    fail = false;
    await p.flush('w', transport);
    expect(p.size).toBe(0);
    // the resend carries the same sequence numbers, so the coordinator can skip what it already applied
    expect(sent[1].updates.map((u) => [u.lease_id, u.seq])).toEqual(sent[0].updates.map((u) => [u.lease_id, u.seq]));
    expect(sent[1].updates.map((u) => [u.lease_id, u.seq])).toEqual([
      ['A', 1],
      ['B', 1],
      ['A', 2],
    ]);
    expect(p.push('A', 1, { phase: 'x', done: 3, total: 3 })).toBe(3);
  });

  it('drops the oldest updates beyond its cap, and a flush during a send waits for it', async () => {
    const p = new ProgressSender(4, 2);
    for (let i = 0; i < 6; i++) p.push('A', 1, { phase: 'x', done: i, total: 6 });
    expect([p.size, p.dropped]).toEqual([4, 2]);
    const seen: (number | string | undefined)[][] = [];
    let release: () => void = () => undefined;
    const transport = {
      progress: (b: Batch[]) => {
        seen.push(b[0].updates.map((u) => u.seq));
        return new Promise<void>((r) => (release = r));
      },
    };
    const first = p.flush('w', transport);
    const second = p.flush('w', transport); // must not send the same updates twice at once
    await Promise.resolve();
    expect(seen).toEqual([[3, 4]]);
    release();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    release();
    await second;
    expect(seen).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(p.size).toBe(0);
  });

  it('knows which leases still have unacknowledged updates, through failures, drops and flushAll', async () => {
    const p = new ProgressSender(3, 2);
    p.push('A', 1, { phase: 'x', done: 1, total: 1 });
    p.push('B', 1, { phase: 'x', done: 1, total: 2 });
    p.push('B', 1, { phase: 'x', done: 2, total: 2 });
    expect([p.hasPending('A'), p.hasPending('B'), p.hasPending('C')]).toEqual([true, true, false]);
    p.push('C', 1, { phase: 'x', done: 1, total: 1 }); // over the cap of 3: A's update is dropped
    expect([p.hasPending('A'), p.hasPending('B'), p.hasPending('C')]).toEqual([false, true, true]);
    let fail = true;
    const sent: number[] = [];
    const transport = {
      progress: async (b: Batch[]) => {
        sent.push(b[0].updates.length);
        if (fail) throw new Error('unavailable');
      },
    };
    await expect(p.flushAll('w', transport)).rejects.toThrow('unavailable');
    expect([p.hasPending('B'), p.hasPending('C')]).toEqual([true, true]);
    fail = false;
    await p.flushAll('w', transport); // batches of 2: B's two, then C's one
    expect(sent).toEqual([2, 2, 1]);
    expect([p.hasPending('B'), p.hasPending('C'), p.size]).toEqual([false, false, 0]);
    p.forget('B');
    expect(p.push('B', 1, { phase: 'x', done: 1, total: 1 })).toBe(1); // its counter was forgotten
    expect(p.push('C', 1, { phase: 'x', done: 1, total: 1 })).toBe(2); // not forgotten
  });
});
