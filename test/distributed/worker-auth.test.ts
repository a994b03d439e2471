/**
 * A worker whose token the coordinator refuses stops at once with exit code 2 and says why (retrying
 * cannot fix credentials); with the right token from --token-file it works. The token never appears on
 * a command line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, exited, freePort, readState, seedSweep, startCoordinatorChild } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-wauth-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('worker credentials', () => {
  it('exits 2 on a refused token and works with the right one', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 6, { sleepMs: 0, failRate: 0, maxAttempts: 3 });
    const port = await freePort();
    const secret = 'c2-test-token-0123456789abcdef0123456789abcdef';
    await startCoordinatorChild(cluster, db, port, 3000, '127.0.0.1', secret);
    const base = ['worker', '--coordinator', `127.0.0.1:${port}`, '--insecure', '--idle-exit', '1', '--json'];

    const wrong = cluster.spawn(
      [...base, '--spool-dir', join(dir, 's1')],
      { WEPADIM_TOKEN: 'not-the-token-0123456789abcdef0123456789' },
      'wrong',
    );
    expect(await exited(wrong)).toBe(2); // at once, without retrying (else the test's timeout ends it)
    expect(cluster.tail(wrong, 50)).toMatch(/rejected this worker's credentials/);
    expect(readState(db).byStatus).toEqual({ pending: 6 });

    const file = join(dir, 'token');
    writeFileSync(file, secret + '\n', { mode: 0o600 });
    const env = { WEPADIM_TOKEN: '' };
    const right = cluster.spawn([...base, '--spool-dir', join(dir, 's2'), '--token-file', file], env, 'right');
    expect(await exited(right), cluster.tail(right, 30)).toBe(0);
    expect(readState(db).byStatus).toEqual({ done: 6 });
  }, 180_000);
});
