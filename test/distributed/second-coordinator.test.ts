/**
 * Issue 11.1 and 11.3 at the process level (`wepadim coordinator` as a child): a second coordinator on
 * the same database exits 2 naming the first (host, pid, address); after a kill -9 of the first a new one
 * starts at once (same host: its pid is gone); `wepadim status` names the coordinator; and a database
 * file the coordinator cannot write (read-only files, run as an unprivileged user since root ignores file
 * modes) is refused with exit 2 before it listens.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Cluster, exited, freePort, seedSweep, startCoordinatorChild } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-second-coord-'));
const cluster = new Cluster();
afterAll(async () => {
  await cluster.killAll();
  rmSync(dir, { recursive: true, force: true });
});

const WEPADIM = join(import.meta.dirname, '..', '..', 'bin', 'wepadim.js');
// root with setpriv, and a checkout the unprivileged user can read (a clone under a 0700 folder is not)
const hasSetpriv =
  spawnSync('setpriv', ['--version']).status === 0 &&
  process.getuid?.() === 0 &&
  spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', WEPADIM]).status === 0;

describe('one coordinator per database (processes)', () => {
  it('refuses a second coordinator with exit 2 naming the first; after kill -9 a new one starts at once', async () => {
    const db = join(dir, 'sweep.db');
    seedSweep(db, 4, { sleepMs: 10, failRate: 0, maxAttempts: 2 });
    const port = await freePort();
    const first = await startCoordinatorChild(cluster, db, port, 4000);
    const second = cluster.spawn(['coordinator', '--db', db, '--listen', '127.0.0.1:0', '--insecure'], {}, 'second');
    expect(await exited(second)).toBe(2);
    const said = cluster.tail(second, 50);
    expect(said).toContain(`already served by another coordinator (host ${hostname()}, pid ${first.pid}`);
    expect(said).toContain(`address 127.0.0.1:${port}`);

    const status = spawnSync(process.execPath, [WEPADIM, 'status', '--db', db], { encoding: 'utf8' });
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(
      new RegExp(
        `coordinator: host ${hostname()}, pid ${first.pid}, address 127\\.0\\.0\\.1:${port}; heartbeat \\d+ s ago`,
      ),
    );

    await cluster.kill9(first); // its lease has not expired, but its pid is gone: taken over at once
    const third = await startCoordinatorChild(cluster, db, port, 4000);
    expect(third.exitCode).toBe(null);
  });

  it.skipIf(!hasSetpriv)('refuses with exit 2, before listening, a database whose files it cannot write', () => {
    const sub = mkdtempSync(join(dir, 'ro-'));
    const db = join(sub, 'sweep.db');
    seedSweep(db, 2, { sleepMs: 10, failRate: 0, maxAttempts: 2 });
    chmodSync(dir, 0o755); // the unprivileged user may reach the folder
    chmodSync(sub, 0o777); // the -wal/-shm files may be created: only the database file is read-only
    chmodSync(db, 0o444);
    const run = spawnSync(
      'setpriv',
      [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        process.execPath,
        WEPADIM,
        'coordinator',
        '--db',
        db,
        '--listen',
        '127.0.0.1:0',
        '--insecure',
      ],
      { encoding: 'utf8', env: { ...process.env, HOME: sub }, timeout: 60_000 },
    );
    expect(run.stdout).not.toContain('listening');
    expect(run.stderr).toContain(`${db}: the coordinator cannot write this database: read-only (SQLITE_READONLY`);
    expect(run.status).toBe(2);
  });
});
