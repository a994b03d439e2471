/**
 * Connection and registration: the worker's id, and Register retried with jittered backoff until the
 * coordinator answers (or the worker stops). Rejected credentials end the worker with a UserError.
 */
import { hostname } from 'node:os';
import type { RegisterRequest } from '../../proto/gen/wepadim/v1/RegisterRequest.js';
import type { RegisterResponse__Output } from '../../proto/gen/wepadim/v1/RegisterResponse.js';
import { Backoff, sleep } from './backoff.js';
import { authError, errText } from './failures.js';
import { isAuthFailure } from './rpc.js';

export interface RegisterTransport {
  register(req: RegisterRequest, timeoutMs?: number, signal?: AbortSignal): Promise<RegisterResponse__Output>;
}

/** What the coordinator told this worker at registration. */
export interface Registration {
  heartbeatIntervalMs: number;
  leaseTtlMs: number;
  draining: boolean;
}

/** default worker id: `${host}:gpu${N}:${pid}` (host reduced to [A-Za-z0-9._-], at most 64 characters) */
export function defaultWorkerId(gpu: number | null, host = hostname(), pid = process.pid): string {
  return `${host.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64)}:${gpu === null ? 'cpu' : `gpu${gpu}`}:${pid}`;
}

/** the heartbeat interval to use for the coordinator's answer (at least 50 ms; 2 s when it gave none) */
export const heartbeatIntervalOf = (res: Pick<RegisterResponse__Output, 'heartbeat_interval_ms'>): number =>
  Math.max(50, Number(res.heartbeat_interval_ms) || 2000);

/**
 * Register until it succeeds; null when `signal` aborted first (it also cancels a call in flight). `retrying`
 * reports each failure with the delay before the next try.
 */
export async function register(
  rpc: RegisterTransport,
  req: () => RegisterRequest,
  signal: AbortSignal,
  retrying: (error: string, retryInMs: number) => void,
  backoff = new Backoff(),
): Promise<Registration | null> {
  while (!signal.aborted) {
    try {
      const res = await rpc.register(req(), undefined, signal);
      return {
        heartbeatIntervalMs: heartbeatIntervalOf(res),
        leaseTtlMs: Number(res.lease_ttl_ms),
        draining: res.draining,
      };
    } catch (err) {
      if (signal.aborted) break;
      if (isAuthFailure(err)) throw authError(err);
      const d = backoff.next();
      retrying(errText(err), d);
      await sleep(d, signal);
    }
  }
  return null;
}
