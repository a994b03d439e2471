/**
 * grpc.health.v1 on the coordinator: served without a token on the TLS port and on the plaintext
 * health-only listener (which serves nothing else); NOT_SERVING while the database takes no write and
 * while the coordinator shuts down (liveness stays SERVING); unknown services are NOT_FOUND.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { openDatabase } from '../../coordinator/store/db.js';
import { healthClient, type HealthCheckResponse, type HealthClient } from '../../proto/health.js';
import { coordinatorClientCtor } from '../../proto/load.js';
import { acquire, codeOf, register, startHarness, TOKEN } from './harness.js';
import { makePki, type TestPki } from './tls.js';

let dir: string;
let pki: TestPki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wepadim-health-'));
  pki = makePki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (c: HealthClient, service: string): Promise<string> =>
  new Promise((resolve, reject) =>
    c.Check({ service }, (err, res) => (err ? reject(err) : resolve((res as HealthCheckResponse).status))),
  );
/** The status `want`, once a Watch stream reports it (the server pushes each change: no polling, no deadline). */
function watchUntil(c: HealthClient, want: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = c.Watch({ service: '' });
    w.on('data', (m: HealthCheckResponse) => {
      if (m.status !== want) return;
      resolve(m.status);
      w.cancel();
    });
    w.on('error', (err: grpc.ServiceError) => {
      if (err.code !== grpc.status.CANCELLED) reject(err);
    });
  });
}
const checkCode = (c: HealthClient, service: string): Promise<number | string> =>
  check(c, service).catch((err: grpc.ServiceError) => err.code);

describe('grpc.health.v1', () => {
  it('answers on the TLS port without a token and on the plaintext health port, which serves nothing else', async () => {
    const h = await startHarness(
      [],
      {
        auth: { token: TOKEN, tls: { cert: pki.serverCert, key: pki.serverKey }, insecure: false },
        healthListen: '127.0.0.1:0',
      },
      { tls: { ca: pki.ca }, insecure: false },
    );
    try {
      expect(h.coord.healthAddress).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(h.coord.healthAddress).not.toBe(h.coord.address);
      const overTls = healthClient(h.coord.address, grpc.credentials.createSsl(pki.ca));
      const plain = healthClient(h.coord.healthAddress as string, grpc.credentials.createInsecure());
      for (const c of [overTls, plain]) {
        expect(await check(c, '')).toBe('SERVING');
        expect(await check(c, 'wepadim.v1.Coordinator')).toBe('SERVING');
        expect(await check(c, 'liveness')).toBe('SERVING');
        expect(await checkCode(c, 'no.such.Service')).toBe(grpc.status.NOT_FOUND);
      }
      // the health port is not a way around TLS and the token: the coordinator service is not there
      const Ctor = coordinatorClientCtor();
      const raw = new Ctor(h.coord.healthAddress as string, grpc.credentials.createInsecure());
      expect(
        await codeOf(promiseClient(raw).Register({ worker_id: 'w', host: 'h', gpu_index: -1, backend: 'synthetic' })),
      ).toBe(grpc.status.UNIMPLEMENTED);
      raw.close();
      overTls.close();
      plain.close();
    } finally {
      await h.close();
    }
  }, 300_000);

  it('is NOT_SERVING while the database takes no write, and SERVING again after', async () => {
    const h = await startHarness([], { healthListen: '127.0.0.1:0' });
    const c = healthClient(h.coord.healthAddress as string, grpc.credentials.createInsecure());
    const blocker = openDatabase(h.dbPath, { busyTimeoutMs: 0 });
    try {
      expect(await check(c, '')).toBe('SERVING');
      blocker.exec('BEGIN IMMEDIATE'); // another process holding the write lock (the coordinator waits out its busy timeout)
      // the last answer is cached for a second: wait for the Watch stream to report the change
      expect(await watchUntil(c, 'NOT_SERVING')).toBe('NOT_SERVING');
      expect(await check(c, 'liveness')).toBe('SERVING');
      blocker.exec('ROLLBACK');
      expect(await watchUntil(c, 'SERVING')).toBe('SERVING');
    } finally {
      blocker.close();
      c.close();
      await h.close();
    }
  }, 300_000);

  it('reports NOT_SERVING during shutdown, ends Watch streams with it, and keeps liveness SERVING', async () => {
    const h = await startHarness([{ key: 'a', featureKey: 'F' }], { healthListen: '127.0.0.1:0' });
    const c = healthClient(h.coord.healthAddress as string, grpc.credentials.createInsecure());
    try {
      const seen: string[] = [];
      const watch = c.Watch({ service: '' });
      const ended = new Promise<void>((resolve) => {
        watch.on('data', (m: HealthCheckResponse) => seen.push(m.status));
        watch.on('end', resolve);
        watch.on('error', () => resolve());
      });
      await register(h.client, 'w1');
      expect((await acquire(h.client, 'w1', 1)).trials.length).toBe(1); // a leased trial keeps the shutdown waiting
      const stopped = h.coord.stop(2_000);
      expect(await check(c, '')).toBe('NOT_SERVING');
      expect(await check(c, 'liveness')).toBe('SERVING');
      await stopped;
      await ended;
      expect(seen[0]).toBe('SERVING');
      expect(seen.at(-1)).toBe('NOT_SERVING');
    } finally {
      c.close();
      await h.close();
    }
  }, 300_000);
});
