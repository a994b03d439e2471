/** Test harness: a coordinator on an ephemeral loopback port over a temp database, plus a client. */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoordinatorClient } from '../../proto/load.js';
import { connectCoordinator, deadlineIn, promiseClient, type ConnectOptions } from '../../coordinator/server/client.js';
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import type { ProgressAck__Output } from '../../proto/gen/wepadim/v1/ProgressAck.js';
import type { ProgressBatch } from '../../proto/gen/wepadim/v1/ProgressBatch.js';
import type { RegisterResponse__Output } from '../../proto/gen/wepadim/v1/RegisterResponse.js';
import { startCoordinator, type CoordinatorOptions, type RunningCoordinator } from '../../coordinator/server/index.js';
import { openDatabase, type Db } from '../../coordinator/store/db.js';
import { createLogger } from '../../shared/log.js';
import { seedSweep, type SeedTrial } from './seed.js';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Harness {
  coord: RunningCoordinator;
  client: CoordinatorClient;
  dbPath: string;
  dir: string;
  /** a read-only connection for assertions */
  ro: Db;
  connect(overrides?: Partial<ConnectOptions>): CoordinatorClient;
  close(): Promise<void>;
}

export async function startHarness(
  trials: readonly SeedTrial[],
  opts: Partial<Omit<CoordinatorOptions, 'dbPath'>> = {},
  clientOpts: Partial<ConnectOptions> = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-coord-'));
  const dbPath = join(dir, 'db.sqlite');
  const seed = openDatabase(dbPath);
  if (trials.length) seedSweep(seed, 'sweep1', trials);
  seed.close();
  const coord = await startCoordinator({
    dbPath,
    listen: '127.0.0.1:0',
    auth: { token: TOKEN, tls: null, insecure: true },
    leaseTtlMs: 2_000,
    acquireWaitMs: 500,
    log: createLogger({}, { level: 'error', json: true, write: () => {} }),
    ...opts,
  });
  const clients: grpc.Client[] = [];
  const connect = (o: Partial<ConnectOptions> = {}): CoordinatorClient => {
    const c = connectCoordinator({
      address: coord.address,
      token: TOKEN,
      tls: null,
      insecure: true,
      ...clientOpts,
      ...o,
    });
    clients.push(c);
    return c;
  };
  const client = connect();
  const ro = openDatabase(dbPath, { readonly: true });
  return {
    coord,
    client,
    dbPath,
    dir,
    ro,
    connect,
    close: async () => {
      for (const c of clients) c.close();
      await coord.stop(0);
      ro.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function statusOf(db: Db, key: string): { status: string; attempts: number; fencing_token: number } {
  return db.prepare('SELECT status, attempts, fencing_token FROM trials WHERE key = ?').get(key) as {
    status: string;
    attempts: number;
    fencing_token: number;
  };
}

/** The gRPC status code of a rejected promise. */
export async function codeOf(p: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as grpc.ServiceError).code;
  }
}

export const register = (c: CoordinatorClient, id: string, caches: string[] = []): Promise<RegisterResponse__Output> =>
  promiseClient(c).Register({ worker_id: id, host: 'h', gpu_index: 0, backend: 'synthetic', feature_caches: caches });

export const acquire = (
  c: CoordinatorClient,
  id: string,
  max: number,
  extra: { wait_ms?: number; request_id?: string } = {},
): Promise<AcquireResponse__Output> => promiseClient(c).Acquire({ worker_id: id, max_trials: max, ...extra });

/** Open a progress stream, write the batches, end it, and return the acknowledgement. */
export function progressStream(c: CoordinatorClient, batches: ProgressBatch[]): Promise<ProgressAck__Output> {
  return new Promise((resolve, reject) => {
    const s = c.StreamProgress(deadlineIn(3000), (err, ack) =>
      err || !ack ? reject(err ?? new Error('StreamProgress ended without an ack')) : resolve(ack),
    );
    for (const b of batches) s.write(b);
    s.end();
  });
}

/** Poll until `fn` returns true (e.g. a lease expired), or fail after timeoutMs. */
export async function waitFor(fn: () => boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
