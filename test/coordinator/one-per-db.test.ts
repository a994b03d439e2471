/**
 * Issue 11.3 in-process: one coordinator per database. A second one is refused naming the holder; the
 * lease is released by a clean stop, taken over when it expired (the holder's host lost the database)
 * or when its same-host holder process is gone; a coordinator whose lease was taken stops serving and
 * writes nothing more.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server/index.js';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { UserError } from '../../shared/errors.js';
import { createLogger } from '../../shared/log.js';
import { acquire, codeOf, register, startHarness, type Harness } from './harness.js';

let h: Harness | null = null;
const extra: RunningCoordinator[] = [];
const rw: Db[] = [];
afterEach(async () => {
  for (const c of extra.splice(0)) await c.stop(0);
  for (const d of rw.splice(0)) d.close();
  await h?.close();
  h = null;
});

const quiet = createLogger({}, { level: 'error', json: true, write: () => {} });
const start = (dbPath: string, leaseMs = 60_000): Promise<RunningCoordinator> =>
  startCoordinator({
    dbPath,
    listen: '127.0.0.1:0',
    auth: { token: null, tls: null, insecure: true },
    coordinatorLeaseMs: leaseMs,
    log: quiet,
  });
const writer = (path: string): Db => {
  const d = openDatabase(path);
  rw.push(d);
  return d;
};
const setHolder = (d: Db, host: string, pid: number, address: string, expiresAt: number): void =>
  void d
    .prepare("UPDATE coordinator_lease SET holder = 'someone-else', host = ?, pid = ?, address = ?, expires_at = ?")
    .run(host, pid, address, expiresAt);

describe('one coordinator per database', () => {
  it('refuses a second coordinator (UserError, exit 2) naming host, pid and address; a clean stop frees it', async () => {
    h = await startHarness([]);
    const second = start(h.dbPath);
    await expect(second).rejects.toThrow(UserError);
    const msg = await second.then(
      () => '',
      (err: Error) => err.message,
    );
    expect(msg).toContain(`already served by another coordinator (host ${hostname()}, pid ${process.pid}`);
    expect(msg).toContain(`address ${h.coord.address}`);
    await h.coord.stop(0);
    extra.push(await start(h.dbPath)); // released: starts at once
  });

  it('a lease held from another host blocks until it expires (the DB unreachable from there), then is taken over', async () => {
    h = await startHarness([]);
    await h.coord.stop(0);
    const d = writer(h.dbPath);
    d.prepare(
      `INSERT INTO coordinator_lease (id, holder, host, pid, address, started_at, heartbeat_at, expires_at)
       VALUES (1, 'x', 'other-host', 4242, '10.1.2.3:7070', 0, ?, ?)`,
    ).run(Date.now(), Date.now() + 60_000);
    await expect(start(h.dbPath)).rejects.toThrow(/host other-host, pid 4242, address 10\.1\.2\.3:7070/);
    setHolder(d, 'other-host', 4242, '10.1.2.3:7070', Date.now() - 1); // it stopped renewing
    const c = await start(h.dbPath);
    extra.push(c);
    expect(d.prepare('SELECT host, pid, address FROM coordinator_lease').get()).toEqual({
      host: hostname(),
      pid: process.pid,
      address: c.address,
    });
  });

  it('a same-host holder whose process is gone is taken over at once (kill -9), though its lease has not expired', async () => {
    h = await startHarness([]);
    await h.coord.stop(0);
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid; // exited and reaped
    if (gone === undefined) throw new Error('no pid');
    const d = writer(h.dbPath);
    d.prepare(
      `INSERT INTO coordinator_lease (id, holder, host, pid, address, started_at, heartbeat_at, expires_at)
       VALUES (1, 'x', ?, ?, '127.0.0.1:1', 0, ?, ?)`,
    ).run(hostname(), gone, Date.now(), Date.now() + 60_000);
    extra.push(await start(h.dbPath));
  });

  it('a coordinator whose lease was taken over stops serving and writes nothing more', async () => {
    h = await startHarness([{ key: 't', featureKey: 'F' }], { leaseTtlMs: 60_000, coordinatorLeaseMs: 1000 });
    const lost = new Promise<string>((resolve) => h!.coord.events.on('lost', (e) => resolve(e.reason)));
    await register(h.client, 'w1');
    const [t] = (await acquire(h.client, 'w1', 1)).trials;
    const expiresBefore = h.ro.prepare('SELECT lease_expires_at FROM trials').pluck().get();
    setHolder(writer(h.dbPath), 'new-host', 777, '10.9.9.9:7070', Date.now() + 60_000);
    const hb = promiseClient(h.client).Heartbeat({
      worker_id: 'w1',
      leases: [{ lease_id: t.lease_id, fencing_token: t.fencing_token }],
    });
    expect(await codeOf(hb)).toBe(grpc.status.UNAVAILABLE); // fenced, or the server already stopped
    expect(await lost).toBe('the coordinator lease was taken over by host new-host, pid 777, address 10.9.9.9:7070');
    expect(h.ro.prepare('SELECT lease_expires_at FROM trials').pluck().get()).toBe(expiresBefore);
    expect(await codeOf(register(h.client, 'w2'))).toBe(grpc.status.UNAVAILABLE);
    expect(h.ro.prepare("SELECT COUNT(*) FROM workers WHERE id = 'w2'").pluck().get()).toBe(0);
  });
});
