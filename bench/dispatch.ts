/**
 * Dispatch benchmark (not a test): zero-work synthetic trials through the full path (acquire, heartbeat,
 * progress, complete; each durable in SQLite) with 64 concurrent workers on loopback, against the same
 * workload on Optuna's SQLite storage (grid sampler, 64 processes) measured in the same run.
 *
 *   node bin/run-ts.js bench/dispatch.ts [--trials 20000] [--workers 64] [--hosts 4] [--group-size 16] [--concurrency 2]
 *                                        [--optuna-trials 400] [--no-optuna]
 *
 * The workers run as `--hosts` child processes with workers/hosts runWorker instances each (one gRPC
 * channel, worker id and p-queue per worker). Appends a line to docs/BENCHMARKS-dispatch.md.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkTs } from '../shared/spawn.js';
import { codeVersion, repoRoot } from '../shared/version.js';
import { Cluster, freePort, readState, seedSweep, sleep, startCoordinatorChild } from '../test/distributed/harness.js';

const SELF = fileURLToPath(import.meta.url);

interface ChildReport {
  acquireMs: number[];
  /** per trial: lease granted -> finished locally (heartbeat-on-lease round trip + the zero-work run) */
  runMs: number[];
  /** per trial: finished locally -> the coordinator's answer (spool fsync, progress flush, Complete) */
  deliverMs: number[];
  leased: number;
  /** CPU time (user + system) of this worker process between "go" and its last worker's exit, in us */
  cpuUs: number;
}

function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

/** user + system CPU time of a process so far, in us (Linux /proc; clock ticks of 10 ms) */
function cpuOfPid(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

async function childMain(
  address: string,
  count: number,
  spoolRoot: string,
  groupSize: number,
  concurrency: number,
): Promise<void> {
  const { runWorker } = await import('../worker/client/index.js');
  const acquireMs: number[] = [];
  const runMs: number[] = [];
  const deliverMs: number[] = [];
  const leasedAt = new Map<string, number>();
  const finishedAt = new Map<string, number>();
  let leased = 0;
  await new Promise<void>((r) => process.once('message', () => r())); // "go"
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      runWorker({
        coordinator: address,
        gpu: null,
        concurrency,
        groupSize,
        spoolDir: join(spoolRoot, `${process.pid}-${i}`),
        auth: { token: null, tls: null, insecure: true },
        backend: 'synthetic',
        objectiveOptions: {},
        idleExitMs: 1500,
        workerId: `bench-${process.pid}-${i}`,
        acquireWaitMs: 1000,
        onEvent: (e) => {
          const now = performance.now();
          if (e.type === 'leased') {
            acquireMs.push(e.acquireMs);
            leased += e.leaseIds.length;
            for (const l of e.leaseIds) leasedAt.set(l, now);
          } else if (e.type === 'finished') {
            runMs.push(now - (leasedAt.get(e.leaseId) ?? now));
            leasedAt.delete(e.leaseId);
            finishedAt.set(e.leaseId, now);
          } else if (e.type === 'delivered') {
            deliverMs.push(now - (finishedAt.get(e.leaseId) ?? now));
            finishedAt.delete(e.leaseId);
          }
        },
      }),
    ),
  );
  const cpu = process.cpuUsage(cpu0);
  const report: ChildReport = { acquireMs, runMs, deliverMs, leased, cpuUs: cpu.user + cpu.system };
  process.send?.(report);
}

async function parentMain(): Promise<void> {
  const trials = flag('trials', 20000);
  const workers = flag('workers', 64);
  const hosts = flag('hosts', 4);
  const optunaTrials = flag('optuna-trials', 400);
  const groupSize = flag('group-size', 16);
  const concurrency = flag('concurrency', 2);
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-bench-dispatch-'));
  const cluster = new Cluster();
  try {
    const db = join(dir, 'bench.db');
    seedSweep(db, trials, { sleepMs: 0, failRate: 0, maxAttempts: 3 });
    const port = await freePort();
    const coordinator = await startCoordinatorChild(cluster, db, port, 30_000);
    const children = Array.from({ length: hosts }, (_, h) =>
      forkTs(
        SELF,
        [
          '--child',
          `127.0.0.1:${port}`,
          String(Math.floor(workers / hosts) + (h < workers % hosts ? 1 : 0)),
          join(dir, 'spool'),
          String(groupSize),
          String(concurrency),
        ],
        {
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
          execArgv: h === 0 ? (process.env.WEPADIM_BENCH_WORKER_EXEC_ARGV ?? '').split(' ').filter(Boolean) : [],
        },
      ),
    );
    for (const c of children) cluster.children.add(c);
    await sleep(3000); // let the children load their modules before the clock starts
    const reports = children.map((c) => new Promise<ChildReport>((r) => c.once('message', (m) => r(m as ChildReport))));
    const coordCpu0 = cpuOfPid(coordinator.pid);
    const t0 = performance.now();
    for (const c of children) c.send('go');
    let s = readState(db);
    while ((s.byStatus.done ?? 0) < trials) {
      await sleep(100);
      s = readState(db);
      if (performance.now() - t0 > 600_000) throw new Error(`timed out: ${JSON.stringify(s.byStatus)}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const coordCpuUs = cpuOfPid(coordinator.pid) - coordCpu0;
    const all = await Promise.all(reports);
    const lat = all.flatMap((r) => r.acquireMs);
    const runMs = all.flatMap((r) => r.runMs);
    const deliverMs = all.flatMap((r) => r.deliverMs);
    const progressRows = (() => {
      const r = spawnSync(
        process.execPath,
        [
          '-e',
          `const D=require('better-sqlite3');const d=new D(${JSON.stringify(db)},{readonly:true});console.log(d.prepare('select count(*) n from metrics where final=0').get().n)`,
        ],
        { cwd: repoRoot(), encoding: 'utf8' },
      );
      return Number(r.stdout.trim());
    })();
    const ours = {
      system: 'wepadim',
      workers,
      group_size: groupSize,
      concurrency,
      trials,
      seconds,
      trials_per_s: trials / seconds,
      acquire_p50_ms: pct(lat, 0.5),
      acquire_p99_ms: pct(lat, 0.99),
      run_p50_ms: pct(runMs, 0.5),
      deliver_p50_ms: pct(deliverMs, 0.5),
      deliver_p99_ms: pct(deliverMs, 0.99),
      results: s.results,
      progress_rows: progressRows,
      coordinator_cpu_us_per_trial: coordCpuUs / trials,
      workers_cpu_us_per_trial: all.reduce((t, r) => t + r.cpuUs, 0) / trials,
      loadavg_1m: loadavg()[0],
    };
    console.log(JSON.stringify(ours));

    type OptunaStats = {
      trials_per_s: number;
      ask_p50_ms: number;
      ask_p99_ms: number;
      trials: number;
      seconds: number;
    };
    let optuna: OptunaStats | null = null;
    if (!process.argv.includes('--no-optuna') && existsSync('/usr/bin/python3')) {
      const r = spawnSync(
        '/usr/bin/python3',
        [
          join(repoRoot(), 'bench', 'optuna_dispatch.py'),
          '--trials',
          String(optunaTrials),
          '--procs',
          String(workers),
          '--db',
          join(dir, 'optuna.db'),
        ],
        { encoding: 'utf8', timeout: 900_000 },
      );
      if (r.status === 0) {
        optuna = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as OptunaStats;
        console.log(JSON.stringify(optuna));
      } else console.error(`optuna baseline failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
    }
    const ratio = optuna ? ours.trials_per_s / optuna.trials_per_s : NaN;
    console.log(
      `\nwepadim: ${ours.trials_per_s.toFixed(0)} trials/s, acquire p50 ${ours.acquire_p50_ms.toFixed(1)} ms p99 ${ours.acquire_p99_ms.toFixed(1)} ms (${workers} workers x ${concurrency} leases of up to ${groupSize} trials, ${trials} trials)`,
    );
    if (optuna)
      console.log(
        `optuna:  ${optuna.trials_per_s.toFixed(1)} trials/s, ask p50 ${optuna.ask_p50_ms.toFixed(1)} ms p99 ${optuna.ask_p99_ms.toFixed(1)} ms (${workers} processes, ${optuna.trials} trials)\nratio:   ${ratio.toFixed(1)}x`,
      );
    const line = `| ${new Date().toISOString().slice(0, 16)} | ${codeVersion()} | ${workers} | ${groupSize} x ${concurrency} | ${trials} | ${ours.trials_per_s.toFixed(0)} | ${ours.acquire_p50_ms.toFixed(0)} / ${ours.acquire_p99_ms.toFixed(0)} | ${ours.deliver_p50_ms.toFixed(0)} | ${ours.coordinator_cpu_us_per_trial.toFixed(0)} | ${ours.workers_cpu_us_per_trial.toFixed(0)} | ${ours.loadavg_1m.toFixed(1)} | ${progressRows} | ${optuna ? optuna.trials_per_s.toFixed(1) : '-'} | ${Number.isFinite(ratio) ? ratio.toFixed(0) + 'x' : '-'} |\n`;
    const out = join(repoRoot(), 'docs', 'BENCHMARKS-dispatch.md');
    const header =
      '| date (UTC) | commit | workers | group x conc. | trials | wepadim trials/s | acquire p50 / p99 ms | result delivered p50 ms | coordinator CPU us/trial | workers CPU us/trial | load avg 1 min | progress rows | optuna trials/s | ratio |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n';
    const existing = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (!existing)
      appendFileSync(
        out,
        '# Dispatch benchmark (bench/dispatch.ts)\n\nZero-work synthetic trials, full path (acquire, heartbeat, progress, complete; durable in SQLite), loopback, against Optuna 3.1 RDB/SQLite with GridSampler in the same run.\n',
      );
    if (!existing.includes(header)) appendFileSync(out, `\n${header}`);
    appendFileSync(out, line);
  } finally {
    for (const c of [...cluster.children]) c.kill('SIGTERM'); // lets a profiled coordinator write its profile
    await sleep(1500);
    await cluster.killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child')
  await childMain(
    process.argv[3],
    Number(process.argv[4]),
    process.argv[5],
    Number(process.argv[6]),
    Number(process.argv[7]),
  );
else await parentMain();
