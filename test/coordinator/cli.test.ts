import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../coordinator/store/db.js';
import { seedSweep } from './seed.js';
import { TOKEN } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, WEPADIM_TOKEN: TOKEN, WEPADIM_LOG_JSON: '1' };

function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/wepadim.js', ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
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
    seedSweep(db, 'demo', [{ key: 'k1', featureKey: 'F' }, { key: 'k2', featureKey: 'F' }]);
    db.close();
    const coord = spawn(process.execPath, ['bin/wepadim.js', 'coordinator', '--db', dbPath, '--listen', '127.0.0.1:0', '--insecure', '--json', '--grace', '2000'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(coord);
    const address = await new Promise<string>((resolve, reject) => {
      let buf = '';
      coord.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { address: string }).address);
      });
      coord.on('exit', (code) => reject(new Error(`coordinator exited ${code}`)));
    });
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const [cancel, badToken, noWorker] = await Promise.all([
      cli(['cancel', 'demo', '--coordinator', address, '--insecure', '--json']),
      cli(['cancel', 'demo', '--coordinator', address, '--insecure'], { WEPADIM_TOKEN: 'not-the-token-0123456789' }),
      cli(['drain', 'nobody', '--coordinator', address, '--insecure']),
    ]);
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.out)).toEqual({ target: 'demo', matched: 'sweep', cancelled: 2, interrupted: 0 });
    expect(badToken.code).toBe(2);
    expect(badToken.err).toMatch(/refused the bearer token/);
    expect(noWorker.code).toBe(2);
    expect(noWorker.err).toMatch(/no worker "nobody"/);
    const exited = new Promise<number | null>((resolve) => coord.on('exit', (code) => resolve(code)));
    coord.kill('SIGTERM');
    expect(await exited).toBe(0);
    const ro = openDatabase(dbPath, { readonly: true });
    expect(ro.prepare('SELECT status, COUNT(*) AS n FROM trials GROUP BY status').all()).toEqual([{ status: 'cancelled', n: 2 }]);
    ro.close();
  }, 30_000);

  it('refuses plaintext on a non-loopback address and a token on argv is impossible', async () => {
    writeFileSync(join(dir, 'token'), TOKEN + '\n');
    const [r, argv] = await Promise.all([
      cli(['coordinator', '--db', join(dir, 'x.sqlite'), '--listen', '0.0.0.0:0', '--insecure', '--token-file', join(dir, 'token')]),
      cli(['coordinator', '--token', TOKEN, '--insecure']),
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/refusing to listen in plaintext on non-loopback address 0\.0\.0\.0/);
    expect(argv.code).toBe(2);
  }, 30_000);
});
