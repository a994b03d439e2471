/**
 * `wepadim launch slurm` on the command line: exit 2 with the flags named when the token would travel in
 * plaintext; --workdir defaults to this package (not the current folder) and must hold bin/wepadim.js.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../shared/version.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const token = join(dir, 'token');
writeFileSync(token, 'a'.repeat(32) + '\n', { mode: 0o600 });
writeFileSync(join(dir, 'ca.pem'), '');
const launch = (args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(
    process.execPath,
    [
      join(repoRoot(), 'bin', 'wepadim.js'),
      'launch',
      'slurm',
      '--coordinator',
      'head01:7070',
      '--log-dir',
      join(dir, 'logs'),
      ...args,
    ],
    {
      encoding: 'utf8',
      cwd: dir, // a folder without bin/wepadim.js, as on a login node
      env: { ...process.env, WEPADIM_TOKEN: '' },
    },
  );

describe('launch slurm (CLI)', () => {
  it('refuses a token without TLS, and --insecure with a token, with exit 2 naming the flags', () => {
    const noTls = launch(['--token-file', token, '--out', join(dir, 'a.sbatch')]);
    expect(noTls.status).toBe(2);
    expect(noTls.stderr).toMatch(/--tls-ca CA\.pem.*wepadim tls init --host.*--insecure/);
    const plain = launch(['--token-file', token, '--insecure', '--out', join(dir, 'b.sbatch')]);
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain('--insecure with --token-file would send the token in plaintext');
  });
  it('defaults --workdir to this package, and refuses a folder without bin/wepadim.js', () => {
    const ok = launch(['--token-file', token, '--tls-ca', 'ca.pem', '--out', join(dir, 'c.sbatch'), '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    const script = readFileSync(join(dir, 'c.sbatch'), 'utf8');
    expect(script).toContain(`\ncd ${repoRoot()}\n`);
    expect(script).toContain(`--tls-ca ${join(dir, 'ca.pem')} `); // made absolute: the job does not start in this folder
    const bad = launch(['--token-file', token, '--tls-ca', 'ca.pem', '--workdir', dir, '--out', join(dir, 'd.sbatch')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`--workdir ${dir}: no bin/wepadim.js there`);
    const noCa = launch(['--token-file', token, '--tls-ca', 'nope.pem', '--out', join(dir, 'e.sbatch')]);
    expect(noCa.status).toBe(2);
    expect(noCa.stderr).toContain(`--tls-ca ${join(dir, 'nope.pem')}: no such file`);
  });
});
