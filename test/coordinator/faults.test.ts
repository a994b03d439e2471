import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { acquire, codeOf, register, startHarness, statusOf, TOKEN, waitFor, type Harness } from './harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const PROV = { code_version: '0.1.0', backend: 'synthetic', device: 'cpu', weights: 'w', dataset_root: '/d', class: 'c' };

/** Send raw bytes to a method, bypassing the client's serializer (a broken or hostile client). */
function rawCall(address: string, method: string, body: Buffer, token = TOKEN): Promise<number | 'ok'> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) => {
    client.makeUnaryRequest(`/wepadim.v1.Coordinator/${method}`, (b: Buffer) => b, (b: Buffer) => b, body, md, { deadline: Date.now() + 3000 }, (err) => {
      client.close();
      resolve(err ? err.code : 'ok');
    });
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
    const t1 = Date.now();
    await waitFor(() => statusOf(h!.ro, 't').status === 'pending', 5000, 'first expiry');
    expect(Date.now() - t1).toBeGreaterThanOrEqual(250); // not before the ttl (300 ms)
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'pending', attempts: 1 });
    const rpc = promiseClient(h.client);
    const hb = await rpc.Heartbeat({ worker_id: 'w1', leases: [{ lease_id: l1.lease_id, fencing_token: l1.fencing_token }] });
    expect(hb.leases[0]).toMatchObject({ ok: false, reason: 'expired' });
    const l2 = (await acquire(h.client, 'w2', 1)).trials[0];
    expect([l2.fencing_token, l2.attempt, l2.max_attempts]).toEqual([2, 2, 2]);
    await waitFor(() => statusOf(h!.ro, 't').status === 'failed', 5000, 'second expiry');
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
    h = await startHarness([{ key: 't', featureKey: 'F' }], { leaseTtlMs: 1000 });
    await register(h.client, 'w1');
    const l = (await acquire(h.client, 'w1', 1)).trials[0];
    const rpc = promiseClient(h.client);
    for (let i = 0; i < 8; i++) {
      await sleep(200);
      expect((await rpc.Heartbeat({ worker_id: 'w1', leases: [l] })).leases[0].ok).toBe(true);
    }
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'running', attempts: 1 });
  });
});

describe('fencing', () => {
  it('a late completion with the old token is logged, never overwrites the new owner', async () => {
    h = await startHarness([{ key: 't', featureKey: 'F' }], { leaseTtlMs: 300 });
    await register(h.client, 'old');
    await register(h.client, 'new');
    const rpc = promiseClient(h.client);
    const stale = (await acquire(h.client, 'old', 1)).trials[0];
    await waitFor(() => statusOf(h!.ro, 't').status === 'pending', 5000, 'expiry');
    const owner = (await acquire(h.client, 'new', 1)).trials[0];
    await rpc.Heartbeat({ worker_id: 'new', leases: [owner] });
    const late = await rpc.Complete({ worker_id: 'old', results: [{ lease_id: stale.lease_id, fencing_token: stale.fencing_token, metrics: { image_auroc: 0.1 }, provenance: PROV }] });
    expect(late.outcomes[0]).toMatchObject({ accepted: false, reason: 'expired', trial_status: 'running' });
    const ok = await rpc.Complete({ worker_id: 'new', results: [{ lease_id: owner.lease_id, fencing_token: owner.fencing_token, metrics: { image_auroc: 0.9 }, provenance: PROV }] });
    expect(ok.outcomes[0]).toMatchObject({ accepted: true, trial_status: 'done' });
    const later = await rpc.Fail({ worker_id: 'old', failures: [{ lease_id: stale.lease_id, fencing_token: stale.fencing_token, error: 'x', retryable: true }] });
    expect(later.outcomes[0].accepted).toBe(false);
    expect(h.ro.prepare("SELECT value FROM metrics WHERE final = 1").pluck().all()).toEqual([0.9]);
    expect(statusOf(h.ro, 't').status).toBe('done');
    const logged = h.ro.prepare("SELECT worker_id, message FROM events WHERE message LIKE 'stale%'").all() as { worker_id: string; message: string }[];
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
    expect(await rawCall(h.coord.address, 'Complete', Buffer.from([0x12, 0x05, 0x0a]))).toBe(grpc.status.INVALID_ARGUMENT);
    const huge = Buffer.concat([Buffer.from([0x0a, 0x90, 0x4e]), Buffer.alloc(10_000, 0x61)]); // field 1, 10000 bytes
    expect(await rawCall(h.coord.address, 'Register', huge)).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await rawCall(h.coord.address, 'Register', Buffer.from([0x0a, 0xff, 0x01]), 'bad-token-0123456789')).toBe(grpc.status.UNAUTHENTICATED);
    const rpc = promiseClient(h.client);
    expect(await codeOf(rpc.Acquire({ worker_id: '', max_trials: 1 }))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Acquire({ worker_id: 'w1', max_trials: 100_000 }))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Acquire({ worker_id: 'ghost', max_trials: 1 }))).toBe(grpc.status.FAILED_PRECONDITION);
    const l = (await acquire(h.client, 'w1', 1)).trials[0];
    const nan = await codeOf(rpc.Complete({ worker_id: 'w1', results: [{ lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: { image_auroc: Number.NaN }, provenance: PROV }] }));
    expect(nan).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Complete({ worker_id: 'w1', results: [{ lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: {} }] }))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await codeOf(rpc.Heartbeat({ worker_id: 'w1', leases: [{ lease_id: l.lease_id, fencing_token: 0 }] }))).toBe(grpc.status.INVALID_ARGUMENT);
    expect(statusOf(h.ro, 't')).toMatchObject({ status: 'leased', attempts: 1 });
    const ok = await rpc.Complete({ worker_id: 'w1', results: [{ lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: { image_auroc: 1 }, provenance: PROV }] });
    expect(ok.outcomes[0].accepted).toBe(true);
  });
});

describe('graceful shutdown', () => {
  it('stops leasing, lets the running trial finish, then exits', async () => {
    h = await startHarness([{ key: 'a', featureKey: 'F' }, { key: 'b', featureKey: 'F' }]);
    await register(h.client, 'w1');
    const rpc = promiseClient(h.client);
    const l = (await acquire(h.client, 'w1', 1)).trials[0];
    const t0 = Date.now();
    let stopped = 0;
    const stopping = h.coord.stop(5000).then(() => (stopped = Date.now()));
    await sleep(100);
    const during = await rpc.Acquire({ worker_id: 'w1', max_trials: 1 });
    expect(during.trials).toEqual([]);
    expect(during.retry_after_ms).toBeGreaterThan(0);
    expect(stopped).toBe(0);
    await rpc.Complete({ worker_id: 'w1', results: [{ lease_id: l.lease_id, fencing_token: l.fencing_token, metrics: { image_auroc: 0.5 }, provenance: PROV }] });
    await stopping;
    expect(stopped - t0).toBeLessThan(3000);
    expect(statusOf(h.ro, 'a').status).toBe('done');
    expect(statusOf(h.ro, 'b').status).toBe('pending');
    expect(await codeOf(rpc.Status({}, 1000))).not.toBe('ok');
  });

  it('gives up after the grace period when a trial does not finish', async () => {
    h = await startHarness([{ key: 'a', featureKey: 'F' }]);
    await register(h.client, 'w1');
    await acquire(h.client, 'w1', 1);
    const t0 = Date.now();
    await h.coord.stop(300);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2500);
    expect(statusOf(h.ro, 'a').status).toBe('leased');
  });
});
