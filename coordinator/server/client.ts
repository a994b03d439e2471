/**
 * A small client for the coordinator: channel with TLS or loopback plaintext, keepalive, the bearer
 * token on every call, and a promise wrapper for unary calls. Used by `wepadim drain|cancel` and tests;
 * workers have their own client (worker/client).
 */
import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import {
  KEEPALIVE_OPTIONS,
  coordinatorClientCtor,
  type CoordinatorClient,
  type CoordinatorDefinition,
} from '../../proto/load.js';
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
    ...(opts.serverName
      ? { 'grpc.ssl_target_name_override': opts.serverName, 'grpc.default_authority': opts.serverName }
      : {}),
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

type UnaryMethod<Req, Res> = (
  req: Req,
  options: grpc.CallOptions,
  cb: grpc.requestCallback<Res>,
) => grpc.ClientUnaryCall;
type ReqOf<M> = M extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
type ResOf<M> = M extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;

const UNARY = [
  'Register',
  'Acquire',
  'Heartbeat',
  'Complete',
  'Fail',
  'Drain',
  'Cancel',
  'Status',
  'ListArtifacts',
  'RequestMaps',
] as const;
type UnaryName = (typeof UNARY)[number];

/** Promise-returning unary calls with a per-call deadline: `await rpc.Drain({ worker_id }, 5000)`. */
export type CoordinatorRpc = {
  [K in UnaryName]: (
    req: ReqOf<CoordinatorDefinition[K]>,
    timeoutMs?: number,
  ) => Promise<ResOf<CoordinatorDefinition[K]>>;
};

export function promiseClient(client: CoordinatorClient, defaultTimeoutMs = 10_000): CoordinatorRpc {
  const out: Partial<Record<UnaryName, (req: unknown, timeoutMs?: number) => Promise<unknown>>> = {};
  for (const name of UNARY) {
    const method = (client[name] as unknown as UnaryMethod<unknown, unknown>).bind(client);
    out[name] = (req, timeoutMs = defaultTimeoutMs) =>
      unaryCall<unknown>((cb) => method(req, deadlineIn(timeoutMs), cb));
  }
  return out as CoordinatorRpc;
}
