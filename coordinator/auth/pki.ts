/**
 * `wepadim tls init`: a private CA and a coordinator (server) certificate for the given host names and
 * IP addresses, made with the openssl CLI (Node's crypto makes keys but cannot issue X.509 certificates).
 * EC P-256 keys; private keys are written mode 0600; existing files are never overwritten unless asked.
 * Workers then verify the coordinator with `--tls-ca ca.pem`, so the bearer token travels encrypted.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../../shared/errors.js';

export interface TlsInitOptions {
  /** output folder */
  dir: string;
  /** DNS names and IP addresses the coordinator is reached at (its certificate's subjectAltName) */
  hosts: string[];
  days: number;
  /** replace existing files */
  force: boolean;
}

export interface TlsInitResult {
  ca: string;
  caKey: string;
  cert: string;
  key: string;
  hosts: string[];
  notAfter: string;
}

export const TLS_FILES = { ca: 'ca.pem', caKey: 'ca.key', cert: 'server.pem', key: 'server.key' } as const;

/** subjectAltName entries: IP:x for addresses, DNS:x for names; a bad name is a UserError naming it. */
export function subjectAltNames(hosts: readonly string[]): string[] {
  if (hosts.length === 0)
    throw new UserError('give at least one --host (the name or address workers use to reach the coordinator)');
  return hosts.map((h) => {
    if (isIP(h)) return `IP:${h}`;
    if (/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(h)) return `DNS:${h}`;
    throw new UserError(`--host ${JSON.stringify(h)}: not a DNS name or an IP address`);
  });
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT')
      throw new UserError(
        'wepadim tls init needs the openssl command, which is not on PATH (Debian/Ubuntu: apt-get install openssl)',
      );
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() || e.message}`, { cause: err });
  }
}

/** Write ca.pem, ca.key, server.pem and server.key into `o.dir`. */
export function initTls(o: TlsInitOptions): TlsInitResult {
  const sans = subjectAltNames(o.hosts);
  if (!Number.isInteger(o.days) || o.days < 1) throw new UserError(`--days ${o.days}: must be an integer >= 1`);
  const out = {
    ca: join(o.dir, TLS_FILES.ca),
    caKey: join(o.dir, TLS_FILES.caKey),
    cert: join(o.dir, TLS_FILES.cert),
    key: join(o.dir, TLS_FILES.key),
  };
  const existing = Object.values(out).filter((f) => existsSync(f));
  if (existing.length && !o.force)
    throw new UserError(
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; add --force to replace them (workers trusting the old CA then need the new ca.pem)`,
    );
  mkdirSync(o.dir, { recursive: true });
  const work = mkdtempSync(join(o.dir, '.tls-init-'));
  try {
    writeFileSync(
      join(work, 'ca.cnf'),
      [
        '[req]',
        'distinguished_name = dn',
        'prompt = no',
        'x509_extensions = v3_ca',
        '[dn]',
        'CN = wepadim coordinator CA',
        '[v3_ca]',
        'basicConstraints = critical,CA:TRUE,pathlen:0',
        'keyUsage = critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(work, 'server.cnf'),
      ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${o.hosts[0]}`, ''].join('\n'),
    );
    writeFileSync(
      join(work, 'server.ext'),
      [
        'basicConstraints = critical,CA:FALSE',
        'keyUsage = critical,digitalSignature',
        'extendedKeyUsage = serverAuth',
        `subjectAltName = ${sans.join(',')}`,
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid,issuer',
        '',
      ].join('\n'),
    );
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    const days = ['-days', String(o.days)];
    openssl(
      ['req', '-x509', ...ec, '-config', 'ca.cnf', '-keyout', 'ca.key', '-out', 'ca.pem', ...days, '-sha256'],
      work,
    );
    openssl(
      ['req', '-new', ...ec, '-config', 'server.cnf', '-keyout', 'server.key', '-out', 'server.csr', '-sha256'],
      work,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        ...days,
        '-sha256',
        '-extfile',
        'server.ext',
      ],
      work,
    );
    // check what openssl made before handing it out
    const ca = new X509Certificate(readFileSync(join(work, 'ca.pem')));
    const cert = new X509Certificate(readFileSync(join(work, 'server.pem')));
    if (!ca.ca || !cert.verify(ca.publicKey) || !cert.checkIssued(ca))
      throw new Error('openssl produced a server certificate that its CA does not verify');
    for (const [name, file] of Object.entries(TLS_FILES)) {
      const dest = out[name as keyof typeof out];
      const mode = file.endsWith('.key') ? 0o600 : 0o644;
      if (existsSync(dest)) chmodSync(dest, 0o600); // --force: never leave a key readable while it is rewritten
      writeFileSync(dest, readFileSync(join(work, file)), { mode });
      chmodSync(dest, mode);
    }
    return { ...out, hosts: [...o.hosts], notAfter: cert.validTo };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
