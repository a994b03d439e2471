/**
 * Transport security: TLS (optionally mutual) server and client credentials, the loopback rule for
 * insecure mode, and a client interceptor that sends the bearer token on every call.
 */
import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { UserError } from '../../shared/errors.js';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  /** CA bundle: on the server it turns on mutual TLS (clients must present a certificate it signed) */
  ca?: Buffer;
}

export interface HostPort {
  host: string;
  port: number;
}

/** Parse "host:port" or "[v6]:port"; port 0 means an ephemeral port. */
export function parseHostPort(text: string, what = '--listen'): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  if (!m) throw new UserError(`${what} must be HOST:PORT (e.g. 127.0.0.1:7070), got ${JSON.stringify(text)}`);
  const port = Number(m[3]);
  if (port > 65535) throw new UserError(`${what}: port ${port} is out of range`);
  return { host: m[1] ?? m[2], port };
}

export function formatHostPort(hp: HostPort): string {
  return isIP(hp.host) === 6 ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

export interface TlsFiles {
  cert?: string;
  key?: string;
  ca?: string;
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UserError(`${flag}: cannot read ${(err as Error).message}`, { file: path });
  }
}

/** Server side: --tls-cert and --tls-key (required together), optional --tls-ca for mutual TLS; null when none given. */
export function readServerTls(files: TlsFiles): TlsMaterial | null {
  if (!files.cert && !files.key && !files.ca) return null;
  if (!files.cert || !files.key)
    throw new UserError(
      'the coordinator needs --tls-cert and --tls-key together (--tls-ca only adds client certificate checks)',
    );
  return {
    cert: readPem(files.cert, '--tls-cert'),
    key: readPem(files.key, '--tls-key'),
    ...(files.ca ? { ca: readPem(files.ca, '--tls-ca') } : {}),
  };
}

/** Client side: --tls-ca to trust, and --tls-cert/--tls-key for mutual TLS; null when none given. */
export function readClientTls(files: TlsFiles): ClientTransport['tls'] {
  if (!files.cert && !files.key && !files.ca) return null;
  if (Boolean(files.cert) !== Boolean(files.key))
    throw new UserError('--tls-cert and --tls-key must be given together');
  return {
    ...(files.ca ? { ca: readPem(files.ca, '--tls-ca') } : {}),
    ...(files.cert && files.key
      ? { cert: readPem(files.cert, '--tls-cert'), key: readPem(files.key, '--tls-key') }
      : {}),
  };
}

export function serverCredentials(tls: TlsMaterial | null): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(
    tls.ca ?? null,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.ca !== undefined,
  );
}

export interface ClientTransport {
  /** CA to trust (and, for mutual TLS, the client's own certificate and key); null = plaintext */
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } | null;
  insecure: boolean;
}

export function clientCredentials(t: ClientTransport): grpc.ChannelCredentials {
  if (!t.tls) {
    if (!t.insecure)
      throw new UserError(
        'no TLS material given: pass --tls-ca (and --tls-cert/--tls-key for mutual TLS), or --insecure on loopback',
      );
    return grpc.credentials.createInsecure();
  }
  return grpc.credentials.createSsl(t.tls.ca ?? null, t.tls.key ?? null, t.tls.cert ?? null);
}

/** Sends `authorization: Bearer <token>` on every call of a client. */
export function bearerInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}

/** Refuse insecure listening on non-loopback addresses unless forced, and TLS-less servers without the flag. */
export function checkListenSecurity(
  listen: HostPort,
  opts: { tls: boolean; insecure: boolean; forceInsecure?: boolean; token: boolean },
): void {
  if (opts.tls && opts.insecure) throw new UserError('give either TLS material or --insecure, not both');
  if (!opts.tls && !opts.insecure)
    throw new UserError(
      'no TLS certificate given: pass --tls-cert and --tls-key, or --insecure to run plaintext on a loopback address',
    );
  if (opts.insecure && !isLoopback(listen.host) && !opts.forceInsecure)
    throw new UserError(
      `refusing to listen in plaintext on non-loopback address ${listen.host}; use TLS, or add --force-insecure`,
    );
  if (!opts.token && !opts.insecure)
    throw new UserError(
      'no bearer token: set WEPADIM_TOKEN or pass --token-file (a token is optional only with --insecure)',
    );
}
