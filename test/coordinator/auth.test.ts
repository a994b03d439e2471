import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { startCoordinator } from '../../coordinator/server/index.js';
import { UserError } from '../../shared/errors.js';
import { codeOf, startHarness, statusOf, TOKEN } from './harness.js';
import { makePki, type TestPki } from './tls.js';

let dir: string;
let pki: TestPki;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wepadim-pki-'));
  pki = makePki(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const workerCount = (h: { ro: { prepare(sql: string): { pluck(): { get(): unknown } } } }): unknown =>
  h.ro.prepare('SELECT COUNT(*) FROM workers').pluck().get();
const reg = { worker_id: 'w1', host: 'h', gpu_index: -1, backend: 'synthetic' };

describe('bearer token', () => {
  it('no token and a wrong token get UNAUTHENTICATED and change nothing', async () => {
    const h = await startHarness([{ key: 'a', featureKey: 'F' }]);
    try {
      const none = promiseClient(h.connect({ token: null }));
      const wrong = promiseClient(h.connect({ token: 'wrong-token-0123456789' }));
      expect(await codeOf(none.Register(reg))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await codeOf(wrong.Register(reg))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await codeOf(wrong.Cancel({ target: 'sweep1' }))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await codeOf(wrong.Acquire({ worker_id: 'w1', max_trials: 1 }))).toBe(grpc.status.UNAUTHENTICATED);
      expect(await codeOf(wrong.Drain({ worker_id: 'w1' }))).toBe(grpc.status.UNAUTHENTICATED);
      const stream = await new Promise<number>((resolve) => {
        const s = h.connect({ token: 'wrong-token-0123456789' }).StreamProgress((err) => resolve(err ? err.code : -1));
        s.write({ worker_id: 'w1', updates: [] });
        s.end();
      });
      expect(stream).toBe(grpc.status.UNAUTHENTICATED);
      expect(workerCount(h)).toBe(0);
      expect(statusOf(h.ro, 'a')).toMatchObject({ status: 'pending', attempts: 0 });
      expect(h.ro.prepare('SELECT COUNT(*) FROM attempts').pluck().get()).toBe(0);
      // the right token works on the same server
      expect(await codeOf(promiseClient(h.client).Register(reg))).toBe('ok');
      expect(workerCount(h)).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('TLS', () => {
  it('TLS with token works; plain TCP against TLS and a wrong token are refused with no state change', async () => {
    const h = await startHarness(
      [{ key: 'a', featureKey: 'F' }],
      { auth: { token: TOKEN, tls: { cert: pki.serverCert, key: pki.serverKey }, insecure: false } },
      { tls: { ca: pki.ca }, insecure: false },
    );
    try {
      const plain = promiseClient(h.connect({ tls: null, insecure: true }));
      expect(await codeOf(plain.Register(reg, 3000))).toBe(grpc.status.UNAVAILABLE);
      const wrong = promiseClient(h.connect({ token: 'another-token-0123456789' }));
      expect(await codeOf(wrong.Register(reg))).toBe(grpc.status.UNAUTHENTICATED);
      expect(workerCount(h)).toBe(0);
      const good = promiseClient(h.client);
      expect((await good.Register(reg)).worker_id).toBe('w1');
      expect((await good.Acquire({ worker_id: 'w1', max_trials: 1 })).trials.map((t) => t.key)).toEqual(['a']);
    } finally {
      await h.close();
    }
  });

  it('mutual TLS: a client without a certificate signed by --tls-ca is refused', async () => {
    const tls = { cert: pki.serverCert, key: pki.serverKey, ca: pki.ca };
    const h = await startHarness(
      [],
      { auth: { token: TOKEN, tls, insecure: false } },
      { tls: { ca: pki.ca }, insecure: false },
    );
    try {
      const noCert = promiseClient(h.client);
      expect(await codeOf(noCert.Register(reg, 3000))).toBe(grpc.status.UNAVAILABLE);
      expect(workerCount(h)).toBe(0);
      const withCert = promiseClient(h.connect({ tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } }));
      expect((await withCert.Register(reg)).worker_id).toBe('w1');
    } finally {
      await h.close();
    }
  });

  it('insecure mode refuses non-loopback addresses unless forced, and a server needs TLS or --insecure', async () => {
    const base = { dbPath: join(dir, 'x.sqlite') };
    await expect(
      startCoordinator({ ...base, listen: '0.0.0.0:0', auth: { token: TOKEN, tls: null, insecure: true } }),
    ).rejects.toThrow(/non-loopback/);
    await expect(
      startCoordinator({ ...base, listen: '127.0.0.1:0', auth: { token: TOKEN, tls: null, insecure: false } }),
    ).rejects.toBeInstanceOf(UserError);
    await expect(
      startCoordinator({
        ...base,
        listen: '127.0.0.1:0',
        auth: { token: null, tls: { cert: pki.serverCert, key: pki.serverKey }, insecure: false },
      }),
    ).rejects.toThrow(/no bearer token/);
    await expect(
      startCoordinator({ ...base, listen: 'nohostport', auth: { token: TOKEN, tls: null, insecure: true } }),
    ).rejects.toThrow(/HOST:PORT/);
    const forced = await startCoordinator({
      ...base,
      listen: '0.0.0.0:0',
      auth: { token: TOKEN, tls: null, insecure: true, forceInsecure: true },
    });
    expect(forced.address).toMatch(/^0\.0\.0\.0:\d+$/);
    await forced.stop(0);
  });
});

describe('listen errors', () => {
  it('a port already in use is a clear UserError', async () => {
    const h = await startHarness([]);
    try {
      await expect(
        startCoordinator({
          dbPath: join(dir, 'y.sqlite'),
          listen: h.coord.address,
          auth: { token: TOKEN, tls: null, insecure: true },
        }),
      ).rejects.toThrow(new RegExp(`cannot listen on ${h.coord.address.replace(/\./g, '\\.')}`));
    } finally {
      await h.close();
    }
  });
});
