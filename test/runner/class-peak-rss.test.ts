import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { beginClassPeak, classPeakRssMb } from '../../worker/runner/class-peak-rss.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 ** 2;

/** Collects garbage until the RSS is below `mb` (V8 may free array buffers on a background thread after a GC). */
async function freedBelow(mb: number): Promise<void> {
  for (let i = 0; i < 1000 && process.memoryUsage.rss() / MB >= mb; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(process.memoryUsage.rss() / MB).toBeLessThan(mb);
}

describe.runIf(process.platform === 'linux')('class peak RSS (a trial is charged with its own class only)', () => {
  it("reports the peak since the class began, not an earlier class's", async () => {
    const end1 = beginClassPeak();
    const held = [new Uint8Array(400 * MB).fill(1)]; // an earlier, larger class
    const firstPeak = classPeakRssMb();
    expect(firstPeak).toBeGreaterThan(400);
    held.length = 0;
    await freedBelow(firstPeak - 350);
    end1();
    const end2 = beginClassPeak();
    const small = new Uint8Array(40 * MB).fill(2);
    const secondPeak = classPeakRssMb();
    expect(small[0]).toBe(2);
    expect(secondPeak).toBeLessThan(firstPeak - 300);
    expect(secondPeak).toBeGreaterThanOrEqual(process.memoryUsage.rss() / MB - 1);
    end2();
  });

  it('does not reset while another class is still running in the process', async () => {
    const outer = beginClassPeak();
    const held = [new Uint8Array(300 * MB).fill(1)];
    const peak = classPeakRssMb();
    held.length = 0;
    await freedBelow(peak - 250);
    const inner = beginClassPeak(); // a second group running at once (--concurrency 2)
    expect(classPeakRssMb()).toBeGreaterThanOrEqual(peak - 1);
    inner();
    outer();
  });
});
