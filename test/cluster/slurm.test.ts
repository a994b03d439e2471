/**
 * `wepadim launch slurm --submit` on a real one-node Slurm cluster (slurmctld + slurmd + munged in a temp
 * folder): the sbatch array starts the workers, they verify the coordinator with a CA made by
 * `tls init` and send the token over TLS, finish a synthetic sweep, and `scancel` of one array task
 * while its worker holds a lease loses nothing: every trial is done exactly once, with one result.
 * Skipped (with the reason printed) only outside CI when Slurm cannot run here; in CI it fails instead.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTls } from '../../coordinator/auth/pki.js';
import { openDatabase } from '../../coordinator/store/index.js';
import { repoRoot } from '../../shared/version.js';
import { Cluster, duplicates, freePort, readState, seedSweep, WEPADIM } from '../distributed/harness.js';
import { arrayTaskPids, pollUntil, slurmUnavailable, startSlurmCluster, type SlurmCluster } from './slurm-cluster.js';

const TRIALS = 40;
const unavailable = slurmUnavailable();
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (unavailable && !inCi) process.stderr.write(`test/cluster/slurm.test.ts skipped: ${unavailable}\n`);

if (unavailable && inCi)
  describe('Slurm in CI', () => {
    it('is installed (CI must run the real Slurm test)', () => {
      throw new Error(`CI=true but Slurm cannot run: ${unavailable}`);
    });
  });

describe.skipIf(unavailable !== null)('wepadim launch slurm on a real one-node Slurm cluster', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-slurmrun-'));
  const procs = new Cluster();
  let slurm: SlurmCluster | null = null;
  beforeAll(async () => {
    slurm = await startSlurmCluster({ cpus: 2, gpus: 2, ports: [await freePort(), await freePort()] });
  }, 90_000);
  afterAll(async () => {
    await slurm?.stop();
    await procs.killAll();
    rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it('runs the sweep from an sbatch array; scancel of one task loses nothing', async () => {
    const s = slurm as SlurmCluster;
    const db = join(dir, 'sweep.db');
    seedSweep(db, TRIALS, { sleepMs: 500, failRate: 0, maxAttempts: 3 });
    const token = randomBytes(24).toString('hex');
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
    const tls = initTls({ dir: join(dir, 'tls'), hosts: ['127.0.0.1'], days: 1, force: false });

    // the coordinator, TLS + token, as a user starts it on the head node
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
        '10000',
        '--acquire-wait',
        '1000',
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
      () => (procs.logs.get(coord) ?? []).some((l) => l.includes('"address"')) || (coord.exitCode !== null && 'exited'),
    ).then((v) => expect(v, procs.tail(coord)).toBe(true));

    // launch: 2 array elements x 1 "GPU" worker, default --workdir (this package), no --insecure anywhere
    const script = join(dir, 'workers.sbatch');
    const launch = spawnSync(
      process.execPath,
      [
        WEPADIM,
        'launch',
        'slurm',
        '--coordinator',
        `127.0.0.1:${port}`,
        '--nodes',
        '2',
        '--workers-per-node',
        '1',
        '--cpus-per-gpu',
        '1',
        '--mem-per-gpu',
        '100M',
        '--time',
        '30:00',
        '--group-size',
        '2',
        '--idle-exit',
        '3',
        '--job-name',
        'wepadim-test',
        '--token-file',
        tokenFile,
        '--tls-ca',
        tls.ca,
        '--log-dir',
        join(dir, 'logs'),
        '--spool-dir',
        join(dir, 'spool-$SLURM_ARRAY_JOB_ID-$SLURM_ARRAY_TASK_ID'),
        '--out',
        script,
        '--submit',
        '--json',
      ],
      { env: { ...s.env, WEPADIM_TOKEN: '' }, encoding: 'utf8', cwd: dir },
    );
    expect(launch.status, launch.stderr).toBe(0);
    const job = (JSON.parse(launch.stdout) as { job_id: string }).job_id;
    expect(job).toMatch(/^\d+$/);
    const text = readFileSync(script, 'utf8');
    expect(text).toContain(`cd ${repoRoot()}\n`);
    expect(text).toContain(`--tls-ca ${tls.ca}`);
    expect(text).not.toContain('--insecure');
    expect(text).not.toContain(token);

    const wait = <T>(what: string, ms: number, check: () => T | undefined | false, every = 200): Promise<T> =>
      pollUntil(what, ms, check, every).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(readState(db).byStatus)}\n${why()}`);
      });
    const why = (): string =>
      `squeue ${JSON.stringify([...s.queue(job)])}\n${procs.tail(coord, 30)}\n${slurmOutput()}\n${s.logs()}`;
    const slurmOutput = (): string =>
      readdirSync(join(dir, 'logs'))
        .map((f) => `--- ${f}\n${readFileSync(join(dir, 'logs', f), 'utf8').slice(-3000)}`)
        .join('\n');
    await wait(
      'both array tasks to run',
      60_000,
      () => s.queue(job).get(`${job}_0`) === 'RUNNING' && s.queue(job).get(`${job}_1`) === 'RUNNING',
    );

    // wait until task 1's worker process (found by its Slurm environment) holds a running lease, then cancel the task
    const ro = openDatabase(db, { readonly: true });
    const held = ro
      .prepare(
        "SELECT t.key AS key FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE a.outcome = 'running' AND a.worker_id LIKE ?",
      )
      .pluck();
    let heldKeys: string[] = [];
    await wait(
      'task 1 to hold a lease',
      60_000,
      () => {
        const pids = arrayTaskPids(job, 1);
        heldKeys = pids.flatMap((pid) => held.all(`%:${pid}`) as string[]);
        return heldKeys.length > 0;
      },
      100,
    );
    const doneBefore = readState(db).byStatus.done ?? 0;
    expect(doneBefore).toBeLessThan(TRIALS);
    const cancelledPids = arrayTaskPids(job, 1);
    s.run('scancel', [`${job}_1`]);
    const task = (n: number): Record<string, string> | undefined =>
      s.finished().find((r) => r.ArrayJobId === job && r.ArrayTaskId === String(n));
    await wait('task 1 to end', 60_000, () => task(1));
    expect(task(1)?.JobState).toBe('CANCELLED');

    // task 0 finishes the sweep, then its worker idles out and the array element completes
    await wait('every trial to be done', 120_000, () => readState(db).byStatus.done === TRIALS);
    await wait('task 0 to end', 60_000, () => task(0));
    expect(task(0)?.JobState, why()).toBe('COMPLETED');
    expect(task(0)?.ExitCode).toBe('0:0');
    // scancel signals every process of the task; its worker drained (one drain, not a hard stop): it finished
    // and delivered the trials it held, and exited 0
    const log1 = readFileSync(join(dir, 'logs', `wepadim-test-${job}_1.out`), 'utf8');
    expect(log1, why()).toContain('"type":"child-exit","gpu":0,"code":0');
    const doneBy = ro
      .prepare(
        "SELECT a.worker_id AS w FROM attempts a JOIN trials t ON t.id = a.trial_id WHERE t.key = ? AND a.outcome = 'done'",
      )
      .pluck();
    for (const key of heldKeys)
      expect(
        cancelledPids.some((pid) => (doneBy.get(key) as string).endsWith(`:${pid}`)),
        key,
      ).toBe(true);

    const state = readState(db);
    expect(state.byStatus).toEqual({ done: TRIALS });
    expect(state.results).toBe(TRIALS);
    expect(state.doneWithoutResult).toBe(0);
    expect(duplicates(db)).toEqual({ doneAttemptsOver1: 0, resultsOver1: 0, notSettled: 0 });
    // the trials task 1 held when it was cancelled: each done once, with one result
    const perTrial = ro.prepare(
      "SELECT (SELECT count(*) FROM attempts a WHERE a.trial_id = t.id AND a.outcome = 'done') AS done, (SELECT count(*) FROM results r WHERE r.trial_id = t.id) AS results FROM trials t WHERE t.key = ?",
    );
    for (const key of heldKeys) expect(perTrial.get(key)).toEqual({ done: 1, results: 1 });
    // both array elements finished trials, over TLS with the token (the coordinator refuses calls without it)
    expect(ro.prepare("SELECT count(DISTINCT worker_id) FROM attempts WHERE outcome = 'done'").pluck().get()).toBe(2);
    expect(ro.prepare('SELECT count(DISTINCT worker_id) FROM attempts').pluck().get()).toBe(2);
    ro.close();
  }, 400_000);
});
