/**
 * Heartbeats: every held lease is renewed each interval (the coordinator's figure from registration);
 * a lease the coordinator reports lost has its trial aborted. An unreachable coordinator is not an
 * error here: it decides about expiry, and finished results are spooled and offered anyway.
 */
import type { HeartbeatRequest } from '../../proto/gen/wepadim/v1/HeartbeatRequest.js';
import type { HeartbeatResponse__Output } from '../../proto/gen/wepadim/v1/HeartbeatResponse.js';
import type { LeasedTrial } from '../objective-types.js';
import { sleep } from './backoff.js';
import type { HeldLeases } from './held-leases.js';

export interface HeartbeatTransport {
  heartbeat(req: HeartbeatRequest): Promise<HeartbeatResponse__Output>;
}

export interface HeartbeatEvents {
  /** the coordinator said it is draining */
  draining(): void;
  /** the coordinator no longer holds this lease for us; its trial was aborted */
  leaseLost(leaseId: string, key: string, reason: string): void;
}

export class Heartbeats {
  /** set from the registration answer */
  intervalMs = 2000;

  constructor(
    private readonly rpc: HeartbeatTransport,
    private readonly workerId: string,
    private readonly held: HeldLeases,
    private readonly on: HeartbeatEvents,
  ) {}

  /** one heartbeat for `only` (default: every held lease); never throws */
  async beat(only?: readonly LeasedTrial[]): Promise<void> {
    const leases = (only ?? this.held.trials()).map((t) => ({ lease_id: t.leaseId, fencing_token: t.fencingToken }));
    if (leases.length === 0) return;
    try {
      const res = await this.rpc.heartbeat({ worker_id: this.workerId, leases });
      if (res.draining) this.on.draining();
      for (const s of res.leases) {
        if (s.ok) continue;
        const h = this.held.get(s.lease_id);
        if (!h) continue;
        this.on.leaseLost(s.lease_id, h.trial.key, s.reason);
        h.abort.abort(`lease ${s.reason || 'lost'}`);
      }
    } catch {
      // unreachable: the coordinator decides about expiry; results still get spooled and offered
    }
  }

  /** heartbeat every interval until `signal` aborts */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.intervalMs, signal);
      if (!signal.aborted) await this.beat();
    }
  }

  /**
   * One heartbeat `delayMs` after a lease, for those of `trials` still running then (so they show as
   * running at once without holding up the group).
   */
  soon(trials: readonly LeasedTrial[], delayMs: number, signal: AbortSignal): void {
    const t = setTimeout(() => {
      const live = this.held.running(trials);
      if (live.length > 0 && !signal.aborted) void this.beat(live);
    }, delayMs);
    t.unref();
  }
}
