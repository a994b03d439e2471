/**
 * The coordinator of `wepadim run` listens in plaintext on loopback: another local user must not be able to
 * cancel or complete trials. Every call needs the run's one-time token, which only its workers get, so a
 * call without it is refused (UNAUTHENTICATED) while the run's own workers finish the sweep.
 */
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectCoordinator, promiseClient } from '../../coordinator/server/client.js';
import { runLocalSweep } from '../../local/run-local.js';
import { createLogger } from '../../shared/log.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-run-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SWEEP = `name: token-run
grid:
  dataset: {kind: mvtec, root: /nowhere, classes: [bottle]}
  objective: synthetic
  synthetic: {sleep_ms: 200, fail_rate: 0, seed: 1}
  sigma: [1, 2, 3]
`;

/** Calls made without a token to the run's coordinator (Cancel of the whole sweep, Status) as soon as it listens. */
function intruder(address: string): Promise<(grpc.ServiceError | null)[]> {
  const client = connectCoordinator({ address, token: null, tls: null, insecure: true });
  const rpc = promiseClient(client);
  const outcome = (p: Promise<unknown>): Promise<grpc.ServiceError | null> =>
    p.then(
      () => null,
      (e: grpc.ServiceError) => e,
    );
  return Promise.all([outcome(rpc.Cancel({ target: 'token-run' })), outcome(rpc.Status({}))]).finally(() =>
    client.close(),
  );
}

describe('wepadim run: the local coordinator needs a one-time token', () => {
  it('refuses a call without the token (UNAUTHENTICATED); its own workers finish the sweep', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, SWEEP);
    let attempt: Promise<(grpc.ServiceError | null)[]> | null = null;
    const log = createLogger(
      {},
      {
        json: true,
        level: 'info',
        write: (line) => {
          const j = JSON.parse(line) as { msg?: string; address?: string };
          if (j.msg === 'coordinator listening' && j.address && !attempt) attempt = intruder(j.address);
        },
      },
    );
    const summary = await runLocalSweep({
      file,
      runsDir: join(dir, 'runs'),
      workers: 1,
      backend: 'onnx',
      fresh: true,
      preflight: false,
      signal: new AbortController().signal,
      log,
      stream: process.stderr,
      pollMs: 50,
    });
    expect(attempt).not.toBeNull();
    const [cancel, status] = await attempt!;
    expect(cancel).toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    expect(status).toMatchObject({ code: grpc.status.UNAUTHENTICATED });
    // the refused cancel changed nothing: the run's workers, which have the token, did every trial
    expect(summary.counts).toMatchObject({ done: 3, cancelled: 0 });
    expect(summary.workerFailures).toEqual([]);
  }, 300_000);
});
