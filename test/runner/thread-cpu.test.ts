/** The per-thread CPU clock behind the per-phase CPU accounting (issue 14): it counts the calling thread only. */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { threadCpuSeconds } from '../../worker/runner/thread-cpu.js';

describe('threadCpuSeconds', () => {
  it('grows with work on this thread and does not count another busy thread', async () => {
    const a = threadCpuSeconds();
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += Math.sqrt(i);
    const b = threadCpuSeconds();
    expect(x).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    // a thread spinning for 0.3 s of its own CPU time while this thread waits for its message
    const code = `
      const { parentPort } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const cpu = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e9;
      const c0 = cpu(); let y = 0;
      while (cpu() - c0 < 0.3) for (let i = 0; i < 1e5; i++) y += i;
      parentPort.postMessage(cpu() - c0);`;
    const c = threadCpuSeconds();
    const spun = await new Promise<number>((resolve, reject) => {
      const w = new Worker(code, { eval: true });
      w.once('message', (m: number) => void w.terminate().then(() => resolve(m)));
      w.once('error', reject);
    });
    const waited = threadCpuSeconds() - c;
    expect(spun).toBeGreaterThanOrEqual(0.3);
    expect(waited).toBeLessThan(spun);
  });
});
