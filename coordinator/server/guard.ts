/**
 * What every call passes before a handler runs: the bearer token (UNAUTHENTICATED, no state touched),
 * the message size and decoding (INVALID_ARGUMENT, never a crash), and error mapping (RpcError ->
 * its code, UserError -> INVALID_ARGUMENT, a database fault -> UNAVAILABLE or RESOURCE_EXHAUSTED naming the
 * cause (db-health.ts), anything else -> INTERNAL, logged).
 *
 * Size and decoding are checked in a wrapped deserializer: grpc-js would answer an undecodable message
 * with INTERNAL and an oversized one with RESOURCE_EXHAUSTED; the wrapper turns both into an
 * InvalidMessage marker that the handler wrapper answers with INVALID_ARGUMENT. grpc-js's own receive
 * limit is kept a few times higher, as a hard cap on memory.
 */
import * as grpc from '@grpc/grpc-js';
import { UserError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { bearerMatches } from '../auth/token.js';
import { classifySqliteError, type DbHealth } from './db-health.js';

export class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const invalidArgument = (message: string): RpcError => new RpcError(grpc.status.INVALID_ARGUMENT, message);

/** Marker returned by the wrapped deserializer instead of a message. */
export class InvalidMessage {
  constructor(readonly reason: string) {}
}

/** The service definition with size-checked, crash-proof deserializers. */
export function guardedService<D extends grpc.ServiceDefinition>(def: D, maxMessageBytes: number): D {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, m] of Object.entries(def)) {
    const decode = m.requestDeserialize;
    out[name] = {
      ...m,
      requestDeserialize: (buf: Buffer): unknown => {
        if (buf.length > maxMessageBytes)
          return new InvalidMessage(`message of ${buf.length} bytes exceeds the limit of ${maxMessageBytes}`);
        try {
          return decode(buf);
        } catch (err) {
          return new InvalidMessage(`malformed ${name} message: ${(err as Error).message}`);
        }
      },
    };
  }
  return out as unknown as D;
}

export interface GuardContext {
  token: string | null;
  log: Logger;
  /** where database faults met by handlers are noted (the degraded state) */
  dbHealth?: DbHealth;
}

/** Throws UNAUTHENTICATED unless the call carries the expected bearer token (no check when token is null). */
export function authorize(ctx: GuardContext, metadata: grpc.Metadata): void {
  if (ctx.token !== null && !bearerMatches(metadata, ctx.token))
    throw new RpcError(grpc.status.UNAUTHENTICATED, 'missing or wrong bearer token');
}

/** Throws INVALID_ARGUMENT when the request could not be decoded or was too large. */
export function checkDecoded<T>(req: T | InvalidMessage): T {
  if (req instanceof InvalidMessage) throw invalidArgument(req.reason);
  return req;
}

export function toServiceError(ctx: GuardContext, method: string, err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RpcError) return { code: err.code, details: err.message };
  if (err instanceof UserError) return { code: grpc.status.INVALID_ARGUMENT, details: err.message };
  const fault = ctx.dbHealth ? ctx.dbHealth.failed(err, method) : classifySqliteError(err);
  if (fault)
    return {
      code: fault.grpcCode,
      details: `${method}: the coordinator's database cannot write: ${fault.cause}; retry later`,
    };
  ctx.log.error('internal error in handler', {
    method,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return { code: grpc.status.INTERNAL, details: `internal error in ${method}` };
}

/** Wrap a unary handler: auth, decode check, error mapping. */
export function unary<Req, Res>(
  ctx: GuardContext,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Res | Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const run = async (): Promise<Res> => {
      authorize(ctx, call.metadata);
      const req = checkDecoded(call.request as Req | InvalidMessage);
      return fn(req, call);
    };
    run().then(
      (res) => callback(null, res),
      (err: unknown) => callback(toServiceError(ctx, method, err)),
    );
  };
}
