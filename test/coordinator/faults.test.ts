import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { createLogger } from '../../shared/log.js';
import { acquire, codeOf, register, startHarness, statusOf, TOKEN, waitFor, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const PROV = {
  code_version: '0.1.0',
  backend: 'synthetic',
  device: 'cpu',
  weights: 'w',
  dataset_root: '/d',
  class: 'c',
};

/** Send raw bytes to a method, bypassing the client's serializer (a broken or hostile client). */
function rawCall(address: string, method: string, body: Buffer, token = TOKEN): Promise<number | 'ok'> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/wepadim.v1.Coordinator/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
      body,
      md,
      { deadline: Date.now() + 3000 },
      (err) => {
        client.close();
        resolve(err ? err.code : 'ok');
      },
    );
  });
}

describe('lease expiry and retry limit', () => {
  it('a silent worker loses its lease; the trial is retried and fails for good at max_attempts, errors kept', async () => {
    h = await startHarness([{ key: 't', featureKey: 'F', maxAttempts: 2 }], { leaseTtlMs: 300 });
    const finished: string[] = [];
    h.coord.events.on('finished', (e) => finished.push(`${e.workerId}:${e.status}`));
    await register(h.client, 'w1');
    await register(h.client, 'w2');
    const l1 = (await acquire(h.client, 'w1', 1)).trials[0];
    await waitFor(() => statusOf(h!.ro, 't').status === 'pending', 30_000, 'first expiry');
    // not before the ttl (300 ms), by the coordinator's own clock
    const first = h.ro.prepare('SELECT started_at, ended_at FROM attempts ORDER BY id LIMIT 1').get() as {
      started_at: number;
      ended_at: number;
    };
    expect(first.ended_at - first.started_at).toBeGreaterThanOrEqual(300);
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'pending', attempts: 1 });
    const rpc = promiseClient(h.client);
    const hb = await rpc.Heartbeat({
      worker_id: 'w1',
      leases: [{ lease_id: l1.lease_id, fencing_token: l1.fencing_token }],
    });
    expect(hb.leases[0]).toMatchObject({ ok: false, reason: 'expired' });
    const l2 = (await acquire(h.client, 'w2', 1)).trials[0];
    expect([l2.fencing_token, l2.attempt, l2.max_attempts]).toEqual([2, 2, 2]);
    await waitFor(() => statusOf(h!.ro, 't').status === 'failed', 30_000, 'second expiry');
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'failed', attempts: 2 });
    const errors = h.ro.prepare('SELECT outcome, error FROM attempts ORDER BY id').all();
    expect(errors).toEqual([
      { outcome: 'expired', error: 'attempt 1/2: lease expired: no heartbeat from worker w1' },
      { outcome: 'expired', error: 'attempt 2/2: lease expired: no heartbeat from worker w2' },
    ]);
    expect(finished).toEqual(['w1:requeued', 'w2:failed']);
    expect((await acquire(h.client, 'w1', 1, { wait_ms: 50 })).trials).toEqual([]);
  });

  it('heartbeats keep a lease alive past its ttl', async () => {
    h = await startHarness([{ key: 't', featureKey: 'F' }], { leaseTtlMs: 3000 });
    await register(h.client, 'w1');
    const l = (await acquire(h.client, 'w1', 1)).trials[0];
    const rpc = promiseClient(h.client);
    const expiry = (): number =>
      h!.ro.prepare("SELECT lease_expires_at FROM trials WHERE key = 't'").pluck().get() as number;
    const firstExpiry = expiry();
    // heartbeat (polling every 50 ms) until a beat lands after the first expiry time, by the coordinator's own
    // clock: a beat at time T renews the lease to T + ttl, so the loop ends once expiry() - ttl > firstExpiry
    let beats = 0;
    while (expiry() - 3000 <= firstExpiry) {
      expect((await rpc.Heartbeat({ worker_id: 'w1', leases: [l] })).leases[0].ok).toBe(true);
      beats++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(beats).toBeGreaterThan(0);
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'running', attempts: 1 });
  });
});

describe('fencing', () => {
  it('a late completion with the old token is logged, never overwrites the new owner', async () => {
    // the coordinator's lease clock moves only when the test moves it: the old lease expires by that event,
    // and the new owner's lease cannot expire while a loaded machine delays the calls below
    let clock = Date.now();
    h = await startHarness([{ key: 't', featureKey: 'F' }], { leaseTtlMs: 300, now: () => clock });
    await register(h.client, 'old');
    await register(h.client, 'new');
    const rpc = promiseClient(h.client);
    const stale = (await acquire(h.client, 'old', 1)).trials[0];
    expect(statusOf(h.ro, 't').status).toBe('leased');
    clock += 301; // past the old owner's ttl
    await waitFor(() => statusOf(h!.ro, 't').status === 'pending', 30_000, 'expiry');
    const owner = (await acquire(h.client, 'new', 1)).trials[0];
    await rpc.Heartbeat({ worker_id: 'new', leases: [owner] });
    const late = await rpc.Complete({
      worker_id: 'old',
      results: [
        {
          lease_id: stale.lease_id,
          fencing_token: stale.fencing_token,
          metrics: { image_auroc: 0.1 },
          provenance: PROV,
        },
      ],
    });
    expect(late.outcomes[0]).toMatchObject({ accepted: false, reason: 'expired', trial_status: 'running' });
    const ok = await rpc.Complete({
      worker_id: 'new',
      results: [
        {
          lease_id: owner.lease_id,
          fencing_token: owner.fencing_token,
          metrics: { image_auroc: 0.9 },
          provenance: PROV,
        },
      ],
    });
    expect(ok.outcomes[0]).toMatchObject({ accepted: true, trial_status: 'done' });
    const later = await rpc.Fail({
      worker_id: 'old',
      failures: [{ lease_id: stale.lease_id, fencing_token: stale.fencing_token, error: 'x', retryable: true }],
    });
    expect(later.outcomes[0].accepted).toBe(false);
    expect(h.ro.prepare('SELECT value FROM metrics WHERE final = 1').pluck().all()).toEqual([0.9]);
    expect(statusOf(h.ro, 't').status).toBe('done');
    const logged = h.ro.prepare("SELECT worker_id, message FROM events WHERE message LIKE 'stale%'").all() as {
      worker_id: string;
      message: string;
    }[];
    expect(logged.map((e) => e.worker_id)).toEqual(['old', 'old']);
    expect(logged[0].message).toContain(`lease ${stale.lease_id} token 1`);
  });
});

describe('malformed and oversized input', () => {
  it('gets INVALID_ARGUMENT and the server keeps serving', async () => {
    h = await startHarness([{ key: 't', featureKey: 'F' }], { maxMessageBytes: 2048 });
    await register(h.client, 'w1');
    // undecodable bytes: an invalid wire type, a truncated varint, a nested message cut short
    expect(await rawCall(h.coord.address, 'Register', Buffer.from([0x7f, 0x00]))).toBe(grpc.status.INVALID_ARGUMENT); // wire type 7
    expect(await rawCall(h.coord.address, 'Register', Buffer.from([0x18, 0xff]))).toBe(grpc.status.INVALID_ARGUMENT); // truncated varint
    expect(await rawCall(h.coord.address, 'Complete', Buffer.from([0x12, 0x05, 0x0a]))).toBe(
      grpc.status.INVALID_ARGUMENT,
    );
    const huge = Buffer.concat([Buffer.from([0x0a, 0x90, 0x4e]), Buffer.alloc(10_000, 0x61)]); // field 1, 10000 bytes
    expect(await rawCall(h.coord.address, 'Register', huge)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await rawCall(h.coord.address, 'Register', Buffer.from([0x0a, 0xff, 0x01]), 'bad-token-0123456789')).toBe(
      grpc.status.UNAUTHENTICATED,
    );
    const rpc = promiseClient(h.client);
    expect(await codeOf(rpc.Acquire({ worker_id: '', max_trials: 1 }))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Acquire({ worker_id: 'w1', max_trials: 100_000 }))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Acquire({ worker_id: 'ghost', max_trials: 1 }))).toBe(grpc.status.FAILED_PRECONDITION);
    const l = (await acquire(h.client, 'w1', 1)).trials[0];
    const nan = await codeOf(
      rpc.Complete({
        worker_id: 'w1',
        results: [
          {
            lease_id: l.lease_id,
            fencing_token: l.fencing_token,
            metrics: { image_auroc: Number.NaN },
            provenance: PROV,
          },
        ],
      }),
    );
    expect(nan).toBe(grpc.status.INVALID_ARGUMENT);
    expect(
      await codeOf(
        rpc.Complete({
          worker_id: 'w1',
          results: [{ lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: {} }],
        }),
      ),
    ).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Heartbeat({ worker_id: 'w1', leases: [{ lease_id: l.lease_id, fencing_token: 0 }] }))).toBe(
      grpc.status.INVALID_ARGUMENT,
    );
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'leased', attempts: 1 });
    const ok = await rpc.Complete({
      worker_id: 'w1',
      results: [
        { lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: { image_auroc: 1 }, provenance: PROV },
      ],
    });
    expect(ok.outcomes[0].accepted).toBe(true);
  });
});

describe('graceful shutdown', () => {
  it('stops leasing, lets the running trial finish, then exits', async () => {
    h = await startHarness([
      { key: 'a', featureKey: 'F' },
      { key: 'b', featureKey: 'F' },
    ]);
    await register(h.client, 'w1');
    const rpc = promiseClient(h.client);
    const l = (await acquire(h.client, 'w1', 1)).trials[0];
    let stopped = false;
    // a grace of two minutes: only the running trial's end can stop it within the test's timeout
    const stopping = h.coord.stop(120_000).then(() => (stopped = true)); // stops leasing at once
    const during = await rpc.Acquire({ worker_id: 'w1', max_trials: 1 });
    expect(during.trials).toEqual([]);
    expect(during.retry_after_ms).toBeGreaterThan(0);
    expect(stopped).toBe(false);
    await rpc.Complete({
      worker_id: 'w1',
      results: [
        { lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: { image_auroc: 0.5 }, provenance: PROV },
      ],
    });
    await stopping;
    expect(statusOf(h.ro, 'a').status).toBe('done');
    expect(statusOf(h.ro, 'b').status).toBe('pending');
    expect(await codeOf(rpc.Status({}, 1000))).not.toBe('ok');
  });

  it('gives up after the grace period when a trial does not finish', async () => {
    const lines: string[] = [];
    h = await startHarness([{ key: 'a', featureKey: 'F' }], {
      log: createLogger({}, { level: 'info', json: true, write: (l) => lines.push(l) }),
    });
    await register(h.client, 'w1');
    await acquire(h.client, 'w1', 1);
    await h.coord.stop(300);
    // it waited (logged at the start), then gave up with the trial still leased: the wait ended by the grace period
    const logged = lines.map((l) => JSON.parse(l) as { msg: string; active?: number; grace_ms?: number });
    expect(logged.find((l) => l.msg.startsWith('shutting down'))).toMatchObject({ active: 1, grace_ms: 300 });
    expect(logged.find((l) => l.msg.startsWith('grace period over'))).toMatchObject({ active: 1 });
    expect(statusOf(h.ro, 'a').status).toBe('leased');
  });
});
