import { afterEach, describe, expect, it } from 'vitest';
import type { ControlMessage__Output } from '../../proto/gen/wepadim/v1/ControlMessage.js';
import { promiseClient } from '../../coordinator/server/client.js';
import type { CoordinatorEvents } from '../../coordinator/server/events.js';
import { openDatabase } from '../../coordinator/store/db.js';
import { seedSweep } from './seed.js';
import { acquire, progressStream, register, startHarness, statusOf, waitFor, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const PROV = {
  code_version: '0.1.0',
  backend: 'synthetic',
  device: 'cpu',
  weights: 'random-init seed 1',
  dataset_root: '/d',
  class: 'bottle',
};

describe('coordinator over gRPC (loopback, token)', () => {
  it('register -> acquire group -> heartbeat -> progress (resend deduped) -> complete, durable in SQLite', async () => {
    h = await startHarness([
      { key: 'a', featureKey: 'F' },
      { key: 'b', featureKey: 'F' },
      { key: 'c', featureKey: 'G' },
    ]);
    const seen: CoordinatorEvents['finished'][] = [];
    const prog: CoordinatorEvents['progress'][] = [];
    h.coord.events.on('finished', (e) => seen.push(e));
    h.coord.events.on('progress', (e) => prog.push(e));
    const reg = await register(h.client, 'w1', ['F']);
    expect(reg).toMatchObject({ worker_id: 'w1', lease_ttl_ms: 2000, heartbeat_interval_ms: 666 });
    const lease = await acquire(h.client, 'w1', 8);
    expect(lease.feature_key).toBe('F');
    expect(lease.trials.map((t) => [t.key, t.fencing_token, t.attempt, t.sweep])).toEqual([
      ['a', 1, 1, 'sweep1'],
      ['b', 1, 1, 'sweep1'],
    ]);
    const refs = lease.trials.map((t) => ({ lease_id: t.lease_id, fencing_token: t.fencing_token }));
    const hb = await promiseClient(h.client).Heartbeat({ worker_id: 'w1', leases: refs });
    expect(hb.leases.map((l) => l.ok)).toEqual([true, true]);
    expect(statusOf(h.ro, 'a').status).toBe('running');
    const [a, b] = lease.trials;
    const upd = (seq: number) => ({
      lease_id: a.lease_id,
      fencing_token: a.fencing_token,
      seq,
      phase: 'fit',
      done: seq,
      total: 2,
      values: { partial: seq },
    });
    const ack1 = await progressStream(h.client, [{ worker_id: 'w1', updates: [upd(1), upd(2)] }]);
    expect(ack1).toMatchObject({ applied: 2, duplicates: 0, rejected: 0, last_seq: { [a.lease_id]: 2 } });
    const ack2 = await progressStream(h.client, [
      { worker_id: 'w1', updates: [upd(1), upd(2)] },
      { worker_id: 'w1', updates: [upd(3)] },
    ]);
    expect(ack2).toMatchObject({ applied: 1, duplicates: 2 });
    expect(h.ro.prepare('SELECT COUNT(*) FROM metrics WHERE final = 0').pluck().get()).toBe(3);
    expect(prog.map((p) => [p.trialKey, p.done])).toEqual([
      ['a', 1],
      ['a', 2],
      ['a', 3],
    ]);
    const done = await promiseClient(h.client).Complete({
      worker_id: 'w1',
      results: [
        {
          lease_id: a.lease_id,
          fencing_token: a.fencing_token,
          metrics: { image_auroc: 0.875 },
          artifacts: [{ kind: 'trial-json', path: '/x/a.json' }],
          provenance: PROV,
        },
      ],
    });
    expect(done.outcomes[0]).toMatchObject({ accepted: true, trial_status: 'done', duplicate: false });
    const failed = await promiseClient(h.client).Fail({
      worker_id: 'w1',
      failures: [{ lease_id: b.lease_id, fencing_token: b.fencing_token, error: 'boom', retryable: true }],
    });
    expect(failed.outcomes[0]).toMatchObject({ accepted: true, trial_status: 'pending' });
    expect(h.ro.prepare("SELECT value FROM metrics WHERE final = 1 AND name = 'image_auroc'").pluck().get()).toBe(
      0.875,
    );
    expect(seen).toEqual([
      { workerId: 'w1', trialKey: 'a', status: 'done' },
      { workerId: 'w1', trialKey: 'b', status: 'requeued' },
    ]);
    const st = await promiseClient(h.client).Status({});
    expect(st.trials_by_status).toEqual({ done: 1, pending: 2 });
  });

  it('acquire long-polls, wakes on new trials, and a retried request_id returns the same lease', async () => {
    // how long an empty acquire holds, and that a wake ends the wait at once, is timed on a fake clock in scheduler.test.ts
    h = await startHarness([], { acquireWaitMs: 120_000 });
    await register(h.client, 'w1');
    const empty = await acquire(h.client, 'w1', 4, { wait_ms: 300 });
    expect(empty.trials).toEqual([]);
    // a two-minute wait: only the new trials (noticed by the poll) can end it within the test's timeout
    const pending = promiseClient(h.client).Acquire(
      { worker_id: 'w1', max_trials: 4, wait_ms: 120_000, request_id: 'r1' },
      130_000,
    );
    await promiseClient(h.client).Status({}); // a round trip behind the acquire on the same connection: it is waiting now
    const other = openDatabase(h.dbPath); // another process submitting
    seedSweep(other, 'late', [{ key: 'x', featureKey: 'X' }]);
    other.close();
    const got = await pending;
    expect(got.trials.map((t) => t.key)).toEqual(['x']);
    const again = await acquire(h.client, 'w1', 4, { request_id: 'r1' });
    expect(again.trials.map((t) => t.lease_id)).toEqual(got.trials.map((t) => t.lease_id));
    expect(statusOf(h.ro, 'x')).toMatchObject({ attempts: 1, fencing_token: 1 });
  });

  it('drain and cancel reach the worker on its control stream', async () => {
    h = await startHarness([
      { key: 'a', featureKey: 'F' },
      { key: 'b', featureKey: 'F' },
    ]);
    await register(h.client, 'w1');
    const got: ControlMessage__Output[] = [];
    const stream = h.client.Control({ worker_id: 'w1' });
    stream.on('data', (m: ControlMessage__Output) => got.push(m));
    stream.on('error', () => {});
    const lease = await acquire(h.client, 'w1', 1);
    await waitFor(() => got.length >= 1, 30_000, 'welcome on the control stream');
    const admin = h.connect();
    const c = await promiseClient(admin).Cancel({ target: lease.trials[0].key });
    expect(c).toMatchObject({ matched: 'trial', cancelled: 1, interrupted: 1 });
    const d = await promiseClient(admin).Drain({ worker_id: 'w1' });
    expect(d).toMatchObject({ found: true, state: 'draining' });
    await waitFor(() => got.length >= 3, 30_000, 'cancel and drain orders');
    expect(got.map((m) => m.kind)).toEqual(['welcome', 'cancel', 'drain']);
    expect(got[1].cancel).toMatchObject({ trial_keys: [lease.trials[0].key], lease_ids: [lease.trials[0].lease_id] });
    const after = await acquire(h.client, 'w1', 1);
    expect(after).toMatchObject({ trials: [], draining: true });
    expect(statusOf(h.ro, 'b').status).toBe('pending');
    const unknown = await promiseClient(admin).Drain({ worker_id: 'nobody' });
    expect(unknown.found).toBe(false);
    stream.cancel();
  });

  it('a drain ends the waiting Acquire of that worker at once', async () => {
    h = await startHarness([], { acquireWaitMs: 120_000 });
    await register(h.client, 'w1');
    // a two-minute wait: only the drain can end it within the test's timeout
    const waiting = promiseClient(h.client).Acquire({ worker_id: 'w1', max_trials: 1, wait_ms: 120_000 }, 130_000);
    await promiseClient(h.client).Status({}); // a round trip behind the acquire on the same connection: it is waiting now
    await promiseClient(h.connect()).Drain({ worker_id: 'w1' });
    const res = await waiting;
    expect(res).toMatchObject({ trials: [], draining: true });
  });

  it('concurrent workers get disjoint trials, each with its own lease', async () => {
    h = await startHarness(
      Array.from({ length: 40 }, (_, i) => ({ key: `t${i}`, featureKey: `F${i % 3}`, dwtKey: `d${i % 2}` })),
    );
    const ids = Array.from({ length: 16 }, (_, i) => `w${i}`);
    const clients = ids.map(() => h!.connect());
    await Promise.all(ids.map((id, i) => register(clients[i], id)));
    const got = await Promise.all(ids.map((id, i) => acquire(clients[i], id, 4, { wait_ms: 50 })));
    const keys = got.flatMap((g) => g.trials.map((t) => t.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(40);
    for (const g of got) for (const t of g.trials) expect(`F${Number(t.key.slice(1)) % 3}`).toBe(g.feature_key); // one feature_key per group
    expect(new Set(got.flatMap((g) => g.trials.map((t) => t.lease_id))).size).toBe(40);
    expect(h.ro.prepare("SELECT COUNT(*) FROM trials WHERE status = 'leased'").pluck().get()).toBe(40);
    expect(h.ro.prepare('SELECT COUNT(DISTINCT lease_id) FROM attempts').pluck().get()).toBe(40);
  });
});
