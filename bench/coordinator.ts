/**
 * Coordinator throughput: zero-work trials through acquire -> heartbeat -> progress -> complete, each
 * durable in SQLite (WAL, synchronous=NORMAL), on loopback.
 *   1. store only (no gRPC): the SQLite ceiling
 *   2. baseline: empty Heartbeat RPCs (gRPC + auth + one tiny transaction) with the same concurrency
 *   3. gRPC end to end, W concurrent in-process workers, groups of G trials per lease (batched calls)
 *   4. the same with the W workers in a child process (bench/coordinator-clients.ts); also reports the
 *      coordinator's own CPU time per trial, which depends less on the other load of the machine
 * Run: node bin/run-ts.js bench/coordinator.ts [trials=4000] [workers=64] [group=8]
 * The worker engineer's dispatch benchmark runs workers in separate processes; this one measures the
 * coordinator's side with clients in the same process (so client CPU competes with the server's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCoordinator, promiseClient, type CoordinatorRpc } from '../coordinator/server/client.js';
import { startCoordinator } from '../coordinator/server/index.js';
import { openDatabase, type Db } from '../coordinator/store/db.js';
import { SqliteLeaseStore } from '../coordinator/store/leases.js';
import { warmCachesFirst } from '../coordinator/scheduler/group-policy.js';
import { createLogger } from '../shared/log.js';
import { forkTs } from '../shared/spawn.js';
import { fileURLToPath } from 'node:url';

const [TRIALS, WORKERS, GROUP] = [4000, 64, 8].map((d, i) => Number(process.argv[2 + i] ?? d));
const TOKEN = 'bench-token-0123456789abcdef';
const PROV = {
  code_version: 'bench',
  backend: 'synthetic',
  device: 'cpu',
  weights: 'none',
  dataset_root: '/none',
  class: 'c',
};

function seed(db: Db, n: number): void {
  const now = Date.now();
  const sweep = Number(
    db
      .prepare(
        "INSERT INTO sweeps (name, source_yaml, source_hash, created_at, updated_at) VALUES ('bench', '', '', ?, ?)",
      )
      .run(now, now).lastInsertRowid,
  );
  const ins = db.prepare(
    `INSERT INTO trials (sweep_id, key, stage, class, objective, params_json, feature_key, dwt_key, created_at) VALUES (?, ?, 'main', 'c', 'synthetic', '{}', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) ins.run(sweep, `t${i}`, `f${i % 16}`, `d${i % 4}`, now);
  })();
}

function storeOnly(dir: string): number {
  const db = openDatabase(join(dir, 'store.sqlite'));
  seed(db, TRIALS);
  const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
  const t0 = performance.now();
  let done = 0;
  for (let w = 0; done < TRIALS; w = (w + 1) % WORKERS) {
    const now = Date.now();
    const g = store.acquire(`w${w}`, GROUP, [], now, 30_000);
    if (!g) break;
    store.heartbeat(`w${w}`, g.trials, now, 30_000);
    store.appendProgress(
      `w${w}`,
      g.trials.map((t) => ({ ...t, seq: 1, phase: 'run', done: 1, total: 1, values: { p: 1 } })),
      now,
    );
    store.complete(
      `w${w}`,
      g.trials.map((t) => ({ ...t, result: { metrics: { image_auroc: 0.5 }, artifacts: [], provenance: PROV } })),
      now,
    );
    done += g.trials.length;
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  return done / s;
}

async function overGrpc(dir: string, name: string): Promise<{ trialsPerS: number; statusPerS: number }> {
  const dbPath = join(dir, `${name}.sqlite`);
  const db = openDatabase(dbPath);
  seed(db, TRIALS);
  db.close();
  const coord = await startCoordinator({
    dbPath,
    listen: '127.0.0.1:0',
    auth: { token: TOKEN, tls: null, insecure: true },
    acquireWaitMs: 200,
    log: createLogger({}, { level: 'error' }),
  });
  const clients = Array.from({ length: WORKERS }, () =>
    connectCoordinator({ address: coord.address, token: TOKEN, tls: null, insecure: true }),
  );
  const rpcs: CoordinatorRpc[] = clients.map((c) => promiseClient(c));
  await Promise.all(
    rpcs.map((r, i) => r.Register({ worker_id: `w${i}`, host: 'bench', gpu_index: i, backend: 'synthetic' })),
  );
  // baseline: the same number of calls as the trial loop makes, as empty Heartbeats (auth + one tiny transaction)
  const calls = Math.ceil(TRIALS / GROUP) * 3;
  let t0 = performance.now();
  let issued = 0;
  await Promise.all(
    rpcs.map(async (r, i) => {
      while (issued++ < calls) await r.Heartbeat({ worker_id: `w${i}`, leases: [] });
    }),
  );
  const statusPerS = calls / ((performance.now() - t0) / 1000);
  let done = 0;
  t0 = performance.now();
  await Promise.all(
    rpcs.map(async (r, i) => {
      const id = `w${i}`;
      for (;;) {
        const lease = await r.Acquire({ worker_id: id, max_trials: GROUP, wait_ms: 1 });
        if (!lease.trials.length) return;
        const refs = lease.trials.map((t) => ({ lease_id: t.lease_id, fencing_token: t.fencing_token }));
        await r.Heartbeat({ worker_id: id, leases: refs });
        const stream = clients[i].StreamProgress(() => {});
        stream.write({
          worker_id: id,
          updates: refs.map((ref) => ({ ...ref, seq: 1, phase: 'run', done: 1, total: 1 })),
        });
        stream.end();
        const res = await r.Complete({
          worker_id: id,
          results: refs.map((ref) => ({ ...ref, metrics: { image_auroc: 0.5 }, provenance: PROV })),
        });
        done += res.outcomes.filter((o) => o.accepted).length;
      }
    }),
  );
  const trialsPerS = done / ((performance.now() - t0) / 1000);
  for (const c of clients) c.close();
  await coord.stop(0);
  const check = openDatabase(dbPath, { readonly: true });
  const stored = check.prepare("SELECT COUNT(*) FROM trials WHERE status = 'done'").pluck().get() as number;
  check.close();
  if (stored !== TRIALS) throw new Error(`only ${stored}/${TRIALS} trials done`);
  return { trialsPerS, statusPerS };
}

async function splitProcess(dir: string): Promise<{ trialsPerS: number; serverCpuUsPerTrial: number }> {
  const dbPath = join(dir, 'split.sqlite');
  const db = openDatabase(dbPath);
  seed(db, TRIALS);
  db.close();
  const coord = await startCoordinator({
    dbPath,
    listen: '127.0.0.1:0',
    auth: { token: TOKEN, tls: null, insecure: true },
    acquireWaitMs: 200,
    log: createLogger({}, { level: 'error' }),
  });
  const cpu0 = process.cpuUsage();
  const child = forkTs(
    fileURLToPath(new URL('./coordinator-clients.ts', import.meta.url)),
    [coord.address, String(WORKERS), String(GROUP)],
    {
      env: { ...process.env, WEPADIM_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  const cpu = process.cpuUsage(cpu0);
  await coord.stop(0);
  const r = JSON.parse(out.trim()) as { done: number; seconds: number };
  if (r.done !== TRIALS) throw new Error(`split run: only ${r.done}/${TRIALS} trials done`);
  return { trialsPerS: r.done / r.seconds, serverCpuUsPerTrial: (cpu.user + cpu.system) / r.done };
}

const dir = mkdtempSync(join(tmpdir(), 'wepadim-bench-'));
try {
  const store = storeOnly(dir);
  const g = await overGrpc(dir, 'grpc');
  const split = await splitProcess(dir);
  const rpcPerTrial = 3 / GROUP; // acquire, heartbeat, complete per group (+ one progress stream)
  console.log(`trials=${TRIALS} workers=${WORKERS} group=${GROUP}`);
  console.log(`store only (SQLite, 4 transactions per group):  ${store.toFixed(0)} trials/s`);
  console.log(
    `baseline empty Heartbeat RPCs:                ${g.statusPerS.toFixed(0)} calls/s (= ${(g.statusPerS / rpcPerTrial).toFixed(0)} trials/s if calls were free of SQL)`,
  );
  console.log(`gRPC end to end:                              ${g.trialsPerS.toFixed(0)} trials/s`);
  console.log(
    `clients in a child process:                   ${split.trialsPerS.toFixed(0)} trials/s; coordinator CPU ${split.serverCpuUsPerTrial.toFixed(0)} us/trial (=> ${(1e6 / split.serverCpuUsPerTrial).toFixed(0)} trials/s per core)`,
  );
  console.log(
    `ratio end-to-end / store-only: ${(g.trialsPerS / store).toFixed(3)}; end-to-end / bare-RPC bound: ${(g.trialsPerS / (g.statusPerS / rpcPerTrial)).toFixed(3)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
