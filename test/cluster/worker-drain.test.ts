/**
 * What Kubernetes does to a worker pod: SIGTERM to `node bin/wepadim.js worker` (PID 1 of the container,
 * TLS and token from files as the manifests mount them) while it holds a lease. The worker drains: it
 * finishes and delivers the trial it holds, takes no new lease, spools nothing, and exits 0, so the pod
 * ends well inside terminationGracePeriodSeconds and no trial waits for a lease to expire.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initTls } from '../../coordinator/auth/pki.js';
import { openDatabase } from '../../coordinator/store/index.js';
import { Cluster, exited, freePort, seedSweep, workerEvents } from '../distributed/harness.js';
import { pollUntil } from './slurm-cluster.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-drain-'));
const procs = new Cluster();
afterAll(async () => {
  await procs.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('worker drain on SIGTERM (Kubernetes pod termination)', () => {
  it('finishes and delivers the trial it holds, takes no new one, and exits 0', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 6, { sleepMs: 2500, failRate: 0, maxAttempts: 3 });
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
    const tls = initTls({ dir: join(dir, 'tls'), hosts: ['127.0.0.1'], days: 1, force: false });
    const port = await freePort();
    const coord = procs.spawn(
      [
        'coordinator',
        '--db',
        db,
        '--listen',
        `127.0.0.1:${port}`,
        '--tls-cert',
        tls.cert,
        '--tls-key',
        tls.key,
        '--token-file',
        tokenFile,
        '--lease-ttl',
        '20000',
        '--grace',
        '0',
        '--json',
      ],
      { WEPADIM_TOKEN: '' },
      'coordinator',
    );
    await pollUntil(
      'the coordinator to listen',
      30_000,
      () => (procs.logs.get(coord) ?? []).some((l) => l.includes('"address"')) || coord.exitCode !== null,
    );
    expect(coord.exitCode, procs.tail(coord)).toBeNull();
    const worker = procs.spawn(
      [
        'worker',
        `--coordinator=127.0.0.1:${port}`,
        `--tls-ca=${tls.ca}`,
        `--token-file=${tokenFile}`,
        '--gpu=0',
        '--concurrency=1',
        '--group-size=1',
        `--spool-dir=${join(dir, 'spool')}`,
        '--json',
      ],
      { WEPADIM_TOKEN: '' },
      'worker',
    );
    const me = `%:${worker.pid}`;
    const ro = openDatabase(db, { readonly: true });
    const attempts = ro.prepare('SELECT outcome, count(*) AS n FROM attempts WHERE worker_id LIKE ? GROUP BY outcome');
    const counts = (): Record<string, number> =>
      Object.fromEntries((attempts.all(me) as { outcome: string; n: number }[]).map((r) => [r.outcome, r.n]));

    await pollUntil(
      'the worker to hold a running trial',
      60_000,
      () => (counts().running ?? 0) > 0 || worker.exitCode !== null,
      100,
    );
    expect(worker.exitCode, procs.tail(worker)).toBeNull();
    const atSignal = counts();
    const heldKeys = ro
      .prepare(
        "SELECT t.key FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.worker_id LIKE ? AND a.outcome = 'running'",
      )
      .pluck()
      .all(me) as string[];
    const gone = exited(worker);
    worker.kill('SIGTERM');
    const code = await gone; // the test's timeout bounds a worker that never exits
    expect(code, procs.tail(worker, 30)).toBe(0);

    const after = counts();
    const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
    expect(total(after)).toBe(total(atSignal)); // no lease after SIGTERM
    expect(after).toEqual({ done: total(atSignal) }); // the held trial was finished and delivered, none expired
    const status = ro.prepare('SELECT t.status FROM trials t WHERE t.key = ?').pluck();
    for (const k of heldKeys) expect(status.get(k)).toBe('done');
    expect(ro.prepare("SELECT count(*) FROM trials WHERE status = 'pending'").pluck().get()).toBe(6 - total(atSignal));
    ro.close();
    const ev = workerEvents(procs, worker);
    expect(ev.find((e) => e.type === 'draining')?.reason).toBe('drain signal');
    expect(ev.find((e) => e.type === 'stopped')).toMatchObject({ spooled: 0 });
  }, 300_000);
});
