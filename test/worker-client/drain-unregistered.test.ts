/**
 * A worker whose coordinator is down retries Register; its first SIGTERM must end it at once (it holds
 * nothing yet), with exit 0 and a clear line, instead of logging "draining" and retrying for ever.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, exited, freePort, workerEvents } from '../distributed/harness.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-unreg-'));
const procs = new Cluster();
afterAll(async () => {
  await procs.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGTERM while the worker cannot register', () => {
  it('exits 0 at the first SIGTERM, saying it held nothing', async () => {
    const port = await freePort(); // bound and closed again: nothing listens there
    const worker = procs.spawn(
      ['worker', `--coordinator=127.0.0.1:${port}`, '--insecure', `--spool-dir=${join(dir, 'spool')}`, '--json'],
      { WEPADIM_TOKEN: '' },
      'worker',
    );
    const events = (): { type: string; [k: string]: unknown }[] => workerEvents(procs, worker);
    await waitFor(
      () => events().some((e) => e.type === 'disconnected' && e.during === 'register') || worker.exitCode !== null,
      'a failed registration',
      60_000,
    );
    expect(worker.exitCode, procs.tail(worker)).toBeNull();
    const gone = exited(worker);
    worker.kill('SIGTERM'); // once: a second signal would be a hard stop
    // the test's timeout is the bound: a worker that keeps retrying never gets here
    expect(await gone, procs.tail(worker)).toBe(0);
    const ev = events();
    expect(ev.find((e) => e.type === 'draining')).toMatchObject({ reason: 'drain signal' });
    expect(ev.find((e) => e.type === 'left-unregistered')).toMatchObject({ reason: 'drain signal', spooled: 0 });
    expect(ev.at(-1)).toMatchObject({ type: 'stopped', reason: 'drained', spooled: 0 });
    expect(ev.some((e) => e.type === 'registered')).toBe(false);
  }, 300_000);
});
