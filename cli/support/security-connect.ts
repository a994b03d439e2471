/** Turning security flags into credentials, and gRPC errors into CLI errors (bad token -> exit 2, unreachable -> exit 1). */
import * as grpc from '@grpc/grpc-js';
import { UserError } from '../../shared/errors.js';
import { readToken, TOKEN_ENV } from '../../coordinator/auth/token.js';
import { readClientTls, readServerTls, type TlsMaterial } from '../../coordinator/auth/transport.js';
import type { SecurityArgs } from './security-options.js';
import type { ConnectOptions } from '../../coordinator/server/client.js';

export function serverTls(a: SecurityArgs): TlsMaterial | null {
  return readServerTls({ cert: a['tls-cert'], key: a['tls-key'], ca: a['tls-ca'] });
}

export function clientConnectOptions(address: string, a: SecurityArgs): ConnectOptions {
  const tls = readClientTls({ cert: a['tls-cert'], key: a['tls-key'], ca: a['tls-ca'] });
  if (tls && a.insecure) throw new UserError('give either TLS files or --insecure, not both');
  const token = readToken(a['token-file']);
  if (!token && !a.insecure) throw new UserError(`no bearer token: set $${TOKEN_ENV} or pass --token-file`);
  return { address, token, tls, insecure: a.insecure };
}

/** Map a failed admin call to an error the CLI reports with the right exit code. */
export function explainRpcError(err: unknown, address: string): Error {
  const e = err as Partial<grpc.ServiceError>;
  if (typeof e.code !== 'number') return err instanceof Error ? err : new Error(String(err));
  switch (e.code) {
    case grpc.status.UNAUTHENTICATED:
      return new UserError(`coordinator ${address} refused the bearer token (check $${TOKEN_ENV} or --token-file)`);
    case grpc.status.INVALID_ARGUMENT:
      return new UserError(`coordinator ${address}: ${e.details}`);
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED:
      return new Error(
        `cannot reach coordinator at ${address} (${e.details}); is it running, and do TLS settings match?`,
      );
    default:
      return new Error(`coordinator ${address}: ${grpc.status[e.code] ?? e.code}: ${e.details}`);
  }
}
