/**
 * Child process of bench/coordinator.ts: W simulated zero-work workers against a coordinator.
 * argv: ADDRESS WORKERS GROUP. Prints one JSON line {done, seconds} on stdout.
 * Each worker: Register once, keep one progress stream open, then loop Acquire(group) -> Heartbeat(all
 * leases) -> one progress batch -> Complete(batch) until an Acquire comes back empty.
 */
import { connectCoordinator, promiseClient } from '../coordinator/server/client.js';

const [address, workers, group] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const TOKEN = process.env.WEPADIM_TOKEN ?? '';
const PROV = {
  code_version: 'bench',
  backend: 'synthetic',
  device: 'cpu',
  weights: 'none',
  dataset_root: '/none',
  class: 'c',
};

async function worker(i: number): Promise<number> {
  const client = connectCoordinator({ address, token: TOKEN, tls: null, insecure: true });
  const rpc = promiseClient(client);
  const id = `w${i}`;
  await rpc.Register({ worker_id: id, host: 'bench', gpu_index: i, backend: 'synthetic' });
  const stream = client.StreamProgress(() => {});
  let done = 0;
  let seq = 0;
  for (;;) {
    const lease = await rpc.Acquire({ worker_id: id, max_trials: group, wait_ms: 1 });
    if (!lease.trials.length) break;
    const refs = lease.trials.map((t) => ({ lease_id: t.lease_id, fencing_token: t.fencing_token }));
    await rpc.Heartbeat({ worker_id: id, leases: refs });
    seq++;
    stream.write({ worker_id: id, updates: refs.map((r) => ({ ...r, seq, phase: 'run', done: 1, total: 1 })) });
    const res = await rpc.Complete({
      worker_id: id,
      results: refs.map((r) => ({ ...r, metrics: { image_auroc: 0.5 }, provenance: PROV })),
    });
    done += res.outcomes.filter((o) => o.accepted).length;
  }
  stream.end();
  client.close();
  return done;
}

const t0 = performance.now();
const counts = await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
process.stdout.write(
  JSON.stringify({ done: counts.reduce((a, b) => a + b, 0), seconds: (performance.now() - t0) / 1000 }) + '\n',
);
