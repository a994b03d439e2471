/**
 * A small client for the coordinator: channel with TLS or loopback plaintext, keepalive, the bearer
 * token on every call, and a promise wrapper for unary calls. Used by `wepadim drain|cancel` and tests;
 * workers have their own client (worker/client).
 */
import type * as grpc from '@grpc/grpc-js';
import { KEEPALIVE_OPTIONS, coordinatorClientCtor, type CoordinatorClient } from '../../proto/load.js';
import { bearerInterceptor, clientCredentials, type ClientTransport } from '../auth/transport.js';

export interface ConnectOptions extends ClientTransport {
  /** host:port */
  address: string;
  token: string | null;
  /** TLS server name to check instead of the address host (e.g. the certificate's CN) */
  serverName?: string;
}

export function connectCoordinator(opts: ConnectOptions): CoordinatorClient {
  const Ctor = coordinatorClientCtor();
  const options: grpc.ClientOptions = {
    ...KEEPALIVE_OPTIONS,
    ...(opts.token ? { interceptors: [bearerInterceptor(opts.token)] } : {}),
    ...(opts.serverName ? { 'grpc.ssl_target_name_override': opts.serverName, 'grpc.default_authority': opts.serverName } : {}),
  };
  return new Ctor(opts.address, clientCredentials(opts), options);
}

/** Promise for one unary call: `await unaryCall<Res>((cb) => client.Drain(req, { deadline }, cb))`. */
export function unaryCall<Res>(start: (cb: grpc.requestCallback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => {
    start((err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

export const deadlineIn = (ms: number): grpc.CallOptions => ({ deadline: Date.now() + ms });
