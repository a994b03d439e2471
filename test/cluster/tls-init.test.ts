/**
 * `wepadim tls init`: the CA and server certificate it writes carry the right names and modes, and a real
 * TLS coordinator serving that certificate is reachable by a client trusting ca.pem, but not by one that
 * trusts another CA, nor under a host name the certificate was not made for.
 */
import * as grpc from '@grpc/grpc-js';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promiseClient } from '../../coordinator/server/client.js';
import { repoRoot } from '../../shared/version.js';
import { codeOf, startHarness, TOKEN } from '../coordinator/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-tlsinit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [join(repoRoot(), 'bin', 'wepadim.js'), ...args], { encoding: 'utf8', env });
const read = (d: string, f: string): Buffer => readFileSync(join(d, f));
// one call's deadline: the outcome is the handshake's (UNAVAILABLE comes on the first failed connection), so
// the deadline is only a bound far beyond a TLS handshake on a loaded machine (the 10 s default is not)
const CALL_MS = 300_000;
const reg = { worker_id: 'w1', host: 'h', gpu_index: -1, backend: 'synthetic' };

describe('wepadim tls init', () => {
  const a = join(dir, 'a');
  it('writes a CA and a server certificate for the given hosts, keys readable only by the owner', () => {
    const r = cli([
      'tls',
      'init',
      '--host',
      '127.0.0.1',
      '--host',
      'coord.example',
      '--out',
      a,
      '--days',
      '2',
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { ca: string; cert: string; key: string; caKey: string; hosts: string[] };
    expect(out.hosts).toEqual(['127.0.0.1', 'coord.example']);
    const ca = new X509Certificate(read(a, 'ca.pem'));
    const cert = new X509Certificate(read(a, 'server.pem'));
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName).toBe('IP Address:127.0.0.1, DNS:coord.example');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('coord.example')).toBe('coord.example');
    expect(cert.checkHost('other.example')).toBeUndefined();
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // serverAuth
    expect(Date.parse(cert.validTo) - Date.now()).toBeLessThan(3 * 86_400_000);
    for (const key of [out.key, out.caKey]) expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(out.ca).mode & 0o777).toBe(0o644);
  });
  it('refuses to overwrite, bad host names and a missing openssl with exit 2', () => {
    const before = read(a, 'ca.pem');
    const again = cli(['tls', 'init', '--host', '127.0.0.1', '--out', a]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already exist.*--force/);
    expect(read(a, 'ca.pem').equals(before)).toBe(true);
    const bad = cli(['tls', 'init', '--host', 'no such host', '--out', join(dir, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--host "no such host"');
    const noSsl = cli(['tls', 'init', '--host', 'h', '--out', join(dir, 'nossl')], {
      ...process.env,
      PATH: join(dir, 'empty-path'),
    });
    expect(noSsl.status).toBe(2);
    expect(noSsl.stderr).toMatch(/needs the openssl command.*apt-get install openssl/);
    const forced = cli(['tls', 'init', '--host', '127.0.0.1', '--host', 'coord.example', '--out', a, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(read(a, 'ca.pem').equals(before)).toBe(false);
  });
  it('works for a real TLS handshake with the coordinator; another CA or host name does not', async () => {
    const b = join(dir, 'b');
    const other = join(dir, 'other');
    expect(cli(['tls', 'init', '--host', '127.0.0.1', '--out', b]).status).toBe(0);
    expect(cli(['tls', 'init', '--host', 'elsewhere.example', '--out', other]).status).toBe(0);
    const h = await startHarness(
      [{ key: 'a', featureKey: 'F' }],
      { auth: { token: TOKEN, tls: { cert: read(b, 'server.pem'), key: read(b, 'server.key') }, insecure: false } },
      { tls: { ca: read(b, 'ca.pem') }, insecure: false },
    );
    try {
      const good = promiseClient(h.connect(), CALL_MS);
      expect((await good.Register(reg)).heartbeat_interval_ms).toBeGreaterThan(0);
      const wrongCa = promiseClient(h.connect({ tls: { ca: read(other, 'ca.pem') } }), CALL_MS);
      expect(await codeOf(wrongCa.Register(reg))).toBe(grpc.status.UNAVAILABLE);
      const plain = promiseClient(h.connect({ tls: null, insecure: true }), CALL_MS);
      expect(await codeOf(plain.Register(reg))).toBe(grpc.status.UNAVAILABLE);
    } finally {
      await h.close();
    }
    // a coordinator serving the certificate for elsewhere.example, reached as 127.0.0.1: the name check fails
    const h2 = await startHarness(
      [],
      {
        auth: {
          token: TOKEN,
          tls: { cert: read(other, 'server.pem'), key: read(other, 'server.key') },
          insecure: false,
        },
      },
      { tls: { ca: read(other, 'ca.pem') }, insecure: false },
    );
    try {
      expect(await codeOf(promiseClient(h2.connect(), CALL_MS).Register(reg))).toBe(grpc.status.UNAVAILABLE);
    } finally {
      await h2.close();
    }
  }, 600_000);
});
