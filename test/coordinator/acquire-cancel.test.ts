/**
 * An Acquire call the worker cancels while the coordinator is writing its grant (a drain or a stop on the
 * worker side): the answer can never arrive, so the group must go back to pending at once through the
 * `handBack` transition (attempts undone), not sit leased until its TTL. A real gRPC server and client;
 * the grant transaction is held open by the test until the server has seen the cancel.
 */
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { coordinatorService, type CoordinatorHandlers } from '../../proto/load.js';
import { connectCoordinator, deadlineIn, promiseClient } from '../../coordinator/server/client.js';
import type { ServerDeps } from '../../coordinator/server/deps.js';
import { CoordinatorEventEmitter } from '../../coordinator/server/events.js';
import { workerHandlers } from '../../coordinator/server/handlers-worker.js';
import { Scheduler } from '../../coordinator/scheduler/scheduler.js';
import { warmCachesFirst } from '../../coordinator/scheduler/group-policy.js';
import { GroupCommit } from '../../coordinator/store/group-commit.js';
import { SqliteLeaseStore } from '../../coordinator/store/leases.js';
import { createLogger } from '../../shared/log.js';
import { memoryDb, seedSweep, trialRow } from './seed.js';

const TTL = 600_000; // ten minutes: a lease that came back did not expire

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function serve(keys: string[]) {
  const db = memoryDb();
  seedSweep(
    db,
    's',
    keys.map((key) => ({ key, featureKey: 'F' })),
  );
  const store = new SqliteLeaseStore(db, { policy: warmCachesFirst });
  const commit = new GroupCommit(db);
  // the first grant is written, then held until the test releases it (the cancel lands meanwhile)
  const granted = deferred();
  const release = deferred();
  let gate = true;
  const scheduler = new Scheduler(store, {
    leaseTtlMs: TTL,
    commit: async <T>(fn: () => T): Promise<T> => {
      const out = await commit.run(fn);
      if (gate && out !== null) {
        gate = false;
        granted.resolve();
        await release.promise;
      }
      return out;
    },
  });
  const deps = {
    store,
    scheduler,
    commit,
    events: new CoordinatorEventEmitter(),
    guard: { token: null, log: createLogger({}, { level: 'error', json: true, write: () => {} }) },
    settings: { leaseTtlMs: TTL, acquireWaitMs: 60_000, maxMessageBytes: 4 << 20 },
    isShuttingDown: () => false,
  } as unknown as ServerDeps; // workerHandlers reads only these
  const w = workerHandlers(deps);
  const serverCancelled = deferred();
  const answered = deferred();
  const handlers = {
    ...w,
    Acquire: (call, cb) => {
      call.once('cancelled', () => serverCancelled.resolve());
      w.Acquire(call, (...a) => {
        answered.resolve();
        cb(...a);
      });
    },
  } as Partial<CoordinatorHandlers> as CoordinatorHandlers;
  const server = new grpc.Server();
  server.addService(coordinatorService(), handlers);
  const port = await new Promise<number>((res, rej) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
  );
  const client = connectCoordinator({ address: `127.0.0.1:${port}`, token: null, tls: null, insecure: true });
  closers.push(() => {
    client.close();
    server.forceShutdown();
    db.close();
  });
  return { db, store, client, rpc: promiseClient(client), granted, release, serverCancelled, answered };
}

const registration = (id: string) => ({
  worker_id: id,
  host: 'h',
  gpu_index: -1,
  gpu_name: '',
  backend: 'synthetic',
  memory_mb: 1,
  feature_caches: [],
  code_version: 'test',
});

describe('Acquire cancelled by the worker while its grant is written', () => {
  it('hands the group back at once: pending again, attempts undone, leasable by the next call', async () => {
    const s = await serve(['a', 'b']);
    await s.rpc.Register(registration('w1'));
    await s.rpc.Register(registration('w2'));
    const req = { worker_id: 'w1', max_trials: 4, feature_caches: [], wait_ms: 60_000, request_id: 'r1' };
    let clientError: grpc.ServiceError | null = null;
    const gotAnswer = new Promise<void>((resolve) => {
      const call = s.client.Acquire(req, deadlineIn(120_000), (err) => {
        clientError = err;
        resolve();
      });
      // the grant is in the database (both trials leased), its answer not yet sent: the worker cancels now
      void s.granted.promise.then(() => {
        expect(trialRow(s.db, 'a')).toMatchObject({ status: 'leased', attempts: 1 });
        call.cancel();
      });
    });
    await gotAnswer;
    expect(clientError).toMatchObject({ code: grpc.status.CANCELLED });
    await s.serverCancelled.promise; // the server saw the cancel before the grant's transaction returned
    s.release.resolve();
    await s.answered.promise;

    for (const key of ['a', 'b'])
      expect(trialRow(s.db, key)).toMatchObject({ status: 'pending', attempts: 0, lease_id: null });
    expect(s.db.prepare('SELECT count(*) FROM attempts').pluck().get()).toBe(0);
    expect(s.db.prepare("SELECT count(*) FROM events WHERE message LIKE '%handed back%'").pluck().get()).toBe(2);
    // the worker's replay of the cancelled request id learns it got nothing, and is leased nothing new
    const replay = await s.rpc.Acquire({ ...req, wait_ms: 1 });
    expect(replay.trials).toEqual([]);
    expect(trialRow(s.db, 'a')).toMatchObject({ status: 'pending', attempts: 0 });
    // another worker gets the same trials now, with no wait (long before the ten-minute TTL)
    const next = await s.rpc.Acquire({ ...req, worker_id: 'w2', wait_ms: 0, request_id: 'r2' });
    expect(next.trials.map((t) => t.key).sort()).toEqual(['a', 'b']);
    expect(next.trials.map((t) => t.attempt)).toEqual([1, 1]);
    // the handed-back lease ids are dead: their fencing tokens were used up
    expect(next.trials.map((t) => Number(t.fencing_token))).toEqual([2, 2]);
  }, 300_000);

  it('a replay of a request id still being granted waits for that grant and leases nothing new', async () => {
    const s = await serve(['a', 'b', 'c']);
    await s.rpc.Register(registration('w1'));
    const req = { worker_id: 'w1', max_trials: 2, feature_caches: [], wait_ms: 60_000, request_id: 'r1' };
    const first = s.rpc.Acquire(req);
    await s.granted.promise; // a and b leased; the answer is held back
    const replay = s.rpc.Acquire({ ...req, wait_ms: 1 });
    s.release.resolve();
    const [a, b] = await Promise.all([first, replay]);
    expect(a.trials.map((t) => t.lease_id)).toEqual(b.trials.map((t) => t.lease_id));
    expect(a.trials).toHaveLength(2);
    expect(trialRow(s.db, 'c')).toMatchObject({ status: 'pending', attempts: 0 });
  }, 300_000);

  it('a replay is answered with its group even after the worker was told to drain', async () => {
    const s = await serve(['a']);
    await s.rpc.Register(registration('w1'));
    s.release.resolve();
    const req = { worker_id: 'w1', max_trials: 1, feature_caches: [], wait_ms: 60_000, request_id: 'r1' };
    const first = await s.rpc.Acquire(req); // its answer "lost" on the way, as when a drain order crossed it
    s.store.setWorkerState('w1', 'draining');
    const replay = await s.rpc.Acquire({ ...req, wait_ms: 1 });
    expect(replay.trials.map((t) => t.lease_id)).toEqual(first.trials.map((t) => t.lease_id));
    expect(replay.trials).toHaveLength(1);
    // a new request id from a draining worker gets nothing
    expect((await s.rpc.Acquire({ ...req, wait_ms: 1, request_id: 'r2' })).trials).toEqual([]);
  }, 300_000);
});
