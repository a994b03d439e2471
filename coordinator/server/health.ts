/**
 * The standard gRPC health service (grpc.health.v1) of the coordinator, for Kubernetes gRPC probes and
 * grpc_health_probe. It needs no token and tells nothing but a status:
 * - "" and "wepadim.v1.Coordinator" (readiness): SERVING while the coordinator leases trials and its
 *   database takes a write (a one-page write through the group commit, at most once a second);
 *   NOT_SERVING while it shuts down or when the write fails.
 * - "liveness": SERVING whenever the process answers at all (so a slow shutdown or a full disk does not
 *   get the pod killed in a loop; readiness takes it out of the Service instead).
 * Any other name is NOT_FOUND (Check) or SERVICE_UNKNOWN (Watch), as the protocol says.
 * `--health-listen` adds a plaintext listener with only this service: kubelet's gRPC probes speak no TLS.
 */
import * as grpc from '@grpc/grpc-js';
import { SERVICE_NAME } from '../../proto/load.js';
import type { HealthHandlers, ServingStatus } from '../../proto/health.js';

export const LIVENESS_SERVICE = 'liveness';

export interface HealthSource {
  isShuttingDown(): boolean;
  /** resolves true when a write to the database committed */
  probeWrite(): Promise<boolean>;
}

export class HealthState {
  private last: { at: number; ok: boolean } | null = null;
  private inFlight: Promise<boolean> | null = null;

  constructor(
    private readonly src: HealthSource,
    private readonly cacheMs = 1000,
  ) {}

  private writable(): Promise<boolean> {
    if (this.last && Date.now() - this.last.at < this.cacheMs) return Promise.resolve(this.last.ok);
    this.inFlight ??= this.src
      .probeWrite()
      .catch(() => false)
      .then((ok) => {
        this.last = { at: Date.now(), ok };
        this.inFlight = null;
        return ok;
      });
    return this.inFlight;
  }

  /** The status of `service`, or null for a name this server does not know. */
  async status(service: string): Promise<ServingStatus | null> {
    if (service === LIVENESS_SERVICE) return 'SERVING';
    if (service !== '' && service !== SERVICE_NAME) return null;
    if (this.src.isShuttingDown()) return 'NOT_SERVING';
    return (await this.writable()) ? 'SERVING' : 'NOT_SERVING';
  }
}

/**
 * Check answers once; Watch sends the status, then each change (checked every `watchEveryMs`) until the
 * call ends. `endWatches()` sends the final status to every open Watch and ends it (at shutdown).
 */
export function healthHandlers(
  state: HealthState,
  watchEveryMs = 5000,
): { handlers: HealthHandlers; endWatches(): Promise<void> } {
  const watchers = new Set<() => Promise<void>>();
  const handlers: HealthHandlers = {
    Check: (call, callback) => {
      state.status(call.request.service).then(
        (status) =>
          status === null
            ? callback({
                code: grpc.status.NOT_FOUND,
                details: `unknown service ${JSON.stringify(call.request.service)}`,
              })
            : callback(null, { status }),
        (err: Error) => callback({ code: grpc.status.INTERNAL, details: err.message }),
      );
    },
    Watch: (call) => {
      let sent: ServingStatus | null = null;
      let ended = false;
      const send = async (): Promise<void> => {
        const status = (await state.status(call.request.service)) ?? 'SERVICE_UNKNOWN';
        if (!ended && status !== sent) {
          sent = status;
          call.write({ status });
        }
      };
      const timer = setInterval(() => void send(), watchEveryMs);
      timer.unref();
      const stop = (): void => {
        ended = true;
        clearInterval(timer);
        watchers.delete(finish);
      };
      const finish = async (): Promise<void> => {
        if (ended) return;
        await send();
        stop();
        call.end();
      };
      watchers.add(finish);
      call.on('cancelled', stop);
      call.on('close', stop);
      void send();
    },
  };
  return { handlers, endWatches: async () => void (await Promise.all([...watchers].map((f) => f()))) };
}
