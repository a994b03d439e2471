import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { seedSweep } from './seed.js';
import { TOKEN } from './harness.js';
import { makePki } from './tls.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, WEPADIM_TOKEN: TOKEN, WEPADIM_LOG_JSON: '1' };

/** Start `wepadim coordinator --listen 127.0.0.1:0 --json ARGS` and resolve with the address it prints. */
function startCoordinatorCli(args: string[]): Promise<{ proc: ChildProcess; address: string }> {
  const proc = spawn(
    process.execPath,
    ['bin/wepadim.js', 'coordinator', '--listen', '127.0.0.1:0', '--json', ...args],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(proc);
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ proc, address: (JSON.parse(line) as { address: string }).address });
    });
    proc.on('exit', (code) => reject(new Error(`coordinator exited ${code}`)));
  });
}

const exitOf = (p: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => p.on('exit', (code) => resolve(code)));

function cli(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/wepadim.js', ...args], {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(p);
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('wepadim coordinator / cancel / drain', () => {
  it('serves, cancels from another process, refuses a bad token (exit 2), and stops cleanly on SIGTERM', async () => {
    const dbPath = join(dir, 'db.sqlite');
    const db = openDatabase(dbPath);
    seedSweep(db, 'demo', [
      { key: 'k1', featureKey: 'F' },
      { key: 'k2', featureKey: 'F' },
    ]);
    db.close();
    const { proc: coord, address } = await startCoordinatorCli(['--db', dbPath, '--insecure', '--grace', '2000']);
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const [cancel, badToken, noWorker] = await Promise.all([
      cli(['cancel', 'demo', '--coordinator', address, '--insecure', '--json']),
      cli(['cancel', 'demo', '--coordinator', address, '--insecure'], { WEPADIM_TOKEN: 'not-the-token-0123456789' }),
      cli(['drain', 'nobody', '--coordinator', address, '--insecure']),
    ]);
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.out)).toEqual({
      target: 'demo',
      matched: 'sweep',
      cancelled: 2,
      interrupted: 0,
      maps_jobs: 0,
    });
    expect(badToken.code).toBe(2);
    expect(badToken.err).toMatch(/refused the bearer token/);
    expect(noWorker.code).toBe(2);
    expect(noWorker.err).toMatch(/no worker "nobody"/);
    const exited = exitOf(coord);
    coord.kill('SIGTERM');
    expect(await exited).toBe(0);
    const ro = openDatabase(dbPath, { readonly: true });
    expect(ro.prepare('SELECT status, COUNT(*) AS n FROM trials GROUP BY status').all()).toEqual([
      { status: 'cancelled', n: 2 },
    ]);
    ro.close();
  }, 300_000);

  it('refuses plaintext on a non-loopback address and a token on argv is impossible', async () => {
    writeFileSync(join(dir, 'token'), TOKEN + '\n');
    const [r, argv] = await Promise.all([
      cli([
        'coordinator',
        '--db',
        join(dir, 'x.sqlite'),
        '--listen',
        '0.0.0.0:0',
        '--insecure',
        '--token-file',
        join(dir, 'token'),
      ]),
      cli(['coordinator', '--token', TOKEN, '--insecure']),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing to listen in plaintext on non-loopback address 0\.0\.0\.0/);
    expect(argv.code).toBe(2);
  }, 300_000);

  it('TLS from the command line: cancel with --tls-ca works; without it the coordinator is unreachable (exit 1)', async () => {
    const pkiDir = join(dir, 'pki');
    mkdirSync(pkiDir);
    makePki(pkiDir);
    const dbPath = join(dir, 'tls.sqlite');
    const db = openDatabase(dbPath);
    seedSweep(db, 'secure', [{ key: 's1', featureKey: 'F' }]);
    db.close();
    const { proc: coord, address } = await startCoordinatorCli([
      '--db',
      dbPath,
      '--tls-cert',
      join(pkiDir, 'server.crt'),
      '--tls-key',
      join(pkiDir, 'server.key'),
    ]);
    const [ok, noCa] = await Promise.all([
      cli(['cancel', 'secure', '--coordinator', address, '--tls-ca', join(pkiDir, 'ca.crt'), '--json']),
      cli(['cancel', 'secure', '--coordinator', address, '--insecure']),
    ]);
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ matched: 'sweep', cancelled: 1 });
    expect(noCa.code).toBe(1);
    expect(noCa.err).toMatch(/cannot reach coordinator at 127\.0\.0\.1/);
    const exited = exitOf(coord);
    coord.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 300_000);
});
