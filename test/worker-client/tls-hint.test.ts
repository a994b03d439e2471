/**
 * A worker whose transport does not match the coordinator's says so, once, after a few failed connections:
 * plaintext against TLS ("may require TLS (--tls-ca)") and TLS against plaintext ("may not use TLS"). Real
 * coordinators (TLS material from `wepadim tls init`'s initTls) and real worker processes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initTls } from '../../coordinator/auth/pki.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/server/index.js';
import { createLogger } from '../../shared/log.js';
import { TLS_HINT_AFTER, TlsHintWatch, tlsMismatchHint } from '../../worker/client/tls-hint.js';
import { Cluster, exited, workerEvents } from '../distributed/harness.js';
import { waitFor } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-tls-hint-'));
const procs = new Cluster();
const coords: RunningCoordinator[] = [];
afterAll(async () => {
  await procs.killAll();
  for (const c of coords) await c.stop(0);
  rmSync(dir, { recursive: true, force: true });
});
const quiet = createLogger({}, { write: () => undefined });
const tls = initTls({ dir: join(dir, 'tls'), hosts: ['127.0.0.1'], days: 1, force: false });

/** start a worker, wait until it has said its hint and failed twice more, SIGTERM it; its events */
async function hintOf(args: string[]): Promise<{ type: string; [k: string]: unknown }[]> {
  const worker = procs.spawn(
    ['worker', ...args, `--spool-dir=${join(dir, `spool-${procs.children.size}`)}`, '--json'],
    { WEPADIM_TOKEN: 'a-test-token-0123456789' },
    'worker',
  );
  const ev = (): { type: string; [k: string]: unknown }[] => workerEvents(procs, worker);
  const hintAt = (): number => ev().findIndex((e) => e.type === 'tls-hint');
  await waitFor(() => hintAt() >= 0 || worker.exitCode !== null, 'the TLS hint', 90_000);
  await waitFor(
    () =>
      ev()
        .slice(hintAt())
        .filter((e) => e.type === 'disconnected').length >= 2 || worker.exitCode !== null,
    'two more failures after the hint',
    90_000,
  );
  expect(worker.exitCode, procs.tail(worker)).toBeNull();
  const gone = exited(worker);
  worker.kill('SIGTERM');
  expect(await gone).toBe(0);
  return ev();
}

describe('TLS mismatch hint, real coordinators and workers', () => {
  it('a plaintext worker against a TLS coordinator: "may require TLS (--tls-ca)", once', async () => {
    const coord = await startCoordinator({
      dbPath: join(dir, 'tls.db'),
      listen: '127.0.0.1:0',
      auth: {
        token: 'a-test-token-0123456789',
        tls: { cert: readFileSync(tls.cert), key: readFileSync(tls.key) },
        insecure: false,
      },
      log: quiet,
    });
    coords.push(coord);
    const ev = await hintOf([`--coordinator=${coord.address}`, '--insecure']);
    const hints = ev.filter((e) => e.type === 'tls-hint');
    expect(hints).toHaveLength(1);
    expect(hints[0].hint).toMatch(/the coordinator may require TLS \(--tls-ca\)/);
    const before = ev.slice(0, ev.indexOf(hints[0])).filter((e) => e.type === 'disconnected');
    expect(before.length).toBeGreaterThanOrEqual(TLS_HINT_AFTER);
    expect(ev.some((e) => e.type === 'registered')).toBe(false);
  }, 300_000);

  it('a TLS worker against a plaintext coordinator: "may not use TLS", once', async () => {
    const coord = await startCoordinator({
      dbPath: join(dir, 'plain.db'),
      listen: '127.0.0.1:0',
      auth: { token: null, tls: null, insecure: true },
      log: quiet,
    });
    coords.push(coord);
    const ev = await hintOf([`--coordinator=${coord.address}`, `--tls-ca=${tls.ca}`]);
    const hints = ev.filter((e) => e.type === 'tls-hint');
    expect(hints).toHaveLength(1);
    expect(hints[0].hint).toMatch(/the coordinator may not use TLS/);
    expect(String(hints[0].error)).toMatch(/wrong version number/);
  }, 300_000);
});

describe('tlsMismatchHint', () => {
  const plainVsTls = 'No connection established. Last error: Failed to connect (2026-12-05T09:54:22.986Z).';
  const refused = 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1.';
  it('tells a mismatch from a coordinator that is simply down', () => {
    expect(tlsMismatchHint(plainVsTls, false)).toMatch(/may require TLS/);
    expect(tlsMismatchHint(refused, false)).toBeNull();
    expect(tlsMismatchHint(refused, true)).toBeNull();
    expect(tlsMismatchHint('SSL routines:ssl3_get_record:wrong version number', true)).toMatch(/may not use TLS/);
    expect(tlsMismatchHint('SSL routines:ssl3_get_record:wrong version number', false)).toBeNull();
  });
  it('needs consecutive failures, says it once, and starts counting again after a refused connection', () => {
    const w = new TlsHintWatch(false, 3);
    expect([w.failed(plainVsTls), w.failed(plainVsTls), w.failed(refused), w.failed(plainVsTls)]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(w.failed(plainVsTls)).toBeNull();
    expect(w.failed(plainVsTls)).toMatch(/may require TLS/);
    expect(w.failed(plainVsTls)).toBeNull();
  });
});
