/**
 * `wepadim run` stops at once after the last trial: the worker, waiting in a long-polled Acquire, cancels it
 * when it is told to drain, instead of sitting out the long poll (issue 13: ~10 s of idle time per run).
 * The long poll here is ten minutes, so a worker that waits it out is killed by the stop's grace period
 * (a worker failure) or hangs the test: the assertions are on the worker's own events, not on time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLocalSweep } from '../../local/run-local.js';
import { createLogger } from '../../shared/log.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-run-stop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SWEEP = `name: stop-fast
grid:
  dataset: {kind: mvtec, root: /nowhere, classes: [bottle]}
  objective: synthetic
  synthetic: {sleep_ms: 5, fail_rate: 0, seed: 1}
  sigma: [1, 2, 3]
`;

interface Line {
  type?: string;
  reason?: string;
}

describe('wepadim run: shutdown after the last trial', () => {
  it('the worker leaves its long-polled Acquire at once and exits 0', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, SWEEP);
    const events: Line[] = [];
    const summary = await runLocalSweep({
      file,
      runsDir: join(dir, 'runs'),
      workers: 1,
      backend: 'onnx',
      fresh: true,
      preflight: false,
      signal: new AbortController().signal,
      log: createLogger({}, { write: () => undefined }),
      stream: process.stderr,
      pollMs: 50,
      acquireWaitMs: 600_000,
      onWorkerLine: (_w, line) => {
        try {
          events.push(JSON.parse(line) as Line);
        } catch {
          // a log line
        }
      },
    });
    expect(summary.counts).toMatchObject({ done: 3, pending: 0, failed: 0 });
    expect(summary.interrupted).toBe(false);
    expect(summary.workerFailures).toEqual([]); // not killed after the stop's grace period
    const types = events.map((e) => e.type).filter(Boolean);
    // it was waiting for work when the run ended; the drain cancelled that call
    expect(events.find((e) => e.type === 'acquire-cancelled')).toMatchObject({ reason: 'drain: drain signal' });
    expect(types.indexOf('draining')).toBeLessThan(types.indexOf('acquire-cancelled'));
    expect(events.at(-1)).toMatchObject({ type: 'stopped', reason: 'drained' });
  }, 300_000);
});
