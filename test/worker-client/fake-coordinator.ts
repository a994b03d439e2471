/**
 * A minimal in-memory coordinator speaking wepadim.v1, for testing the worker client alone: leases with
 * fencing tokens and TTL expiry, idempotent finish, progress dedup by seq, a control stream that the
 * test can push cancel/drain orders into. Not the real server (coordinator/server); no SQLite.
 */
import * as grpc from '@grpc/grpc-js';
import { coordinatorService, type CoordinatorHandlers } from '../../proto/load.js';
import type { ControlMessage } from '../../proto/gen/wepadim/v1/ControlMessage.js';
import type { FinishOutcome } from '../../proto/gen/wepadim/v1/FinishOutcome.js';
import { trialKey, type TrialParams } from '../../shared/trial.js';

export interface FakeTrial {
  id: number;
  key: string;
  params: TrialParams;
  status: 'pending' | 'leased' | 'done' | 'failed';
  token: number;
  leaseId: string | null;
  expiresAt: number;
  attempts: number;
  results: number; // accepted completions (must end 0 or 1)
  lastSeq: Map<string, number>;
  progressApplied: number;
}

export class FakeCoordinator {
  readonly trials: FakeTrial[] = [];
  readonly events: string[] = [];
  /** uploaded artifact bytes by "lease name sha256" */
  readonly uploads = new Map<string, Buffer>();
  private server: grpc.Server | null = null;
  private streams = new Set<grpc.ServerWritableStream<unknown, ControlMessage>>();
  /** each worker's last Acquire request id and the trials it was granted (a replay gets them again) */
  private readonly lastGrant = new Map<string, { requestId: string; trials: FakeTrial[] }>();
  port = 0;

  constructor(
    readonly ttlMs = 1000,
    readonly heartbeatMs = 100,
    readonly maxAttempts = 3,
  ) {}

  add(params: TrialParams): FakeTrial {
    const t: FakeTrial = {
      id: this.trials.length + 1,
      key: trialKey(params),
      params,
      status: 'pending',
      token: 0,
      leaseId: null,
      expiresAt: 0,
      attempts: 0,
      results: 0,
      lastSeq: new Map(),
      progressApplied: 0,
    };
    this.trials.push(t);
    return t;
  }

  private expire(): void {
    const now = Date.now();
    for (const t of this.trials)
      if (t.status === 'leased' && t.expiresAt < now) {
        this.events.push(`expired ${t.key} ${t.leaseId}`);
        t.status = t.attempts >= this.maxAttempts ? 'failed' : 'pending';
        t.leaseId = null;
      }
  }

  private byLease(id: string): FakeTrial | undefined {
    return this.trials.find((t) => t.leaseId === id);
  }

  private finishOne(leaseId: string, token: number, ok: boolean, retryable: boolean): FinishOutcome {
    this.expire();
    const t = this.byLease(leaseId);
    if (!t || t.token !== token) {
      this.events.push(`stale ${leaseId}`);
      return {
        lease_id: leaseId,
        accepted: false,
        trial_status: t?.status ?? 'unknown',
        reason: 'stale',
        duplicate: false,
      };
    }
    if (ok) {
      t.status = 'done';
      t.results++;
    } else t.status = retryable && t.attempts < this.maxAttempts ? 'pending' : 'failed';
    t.leaseId = ok ? leaseId : null;
    return { lease_id: leaseId, accepted: true, trial_status: t.status, reason: '', duplicate: false };
  }

  handlers(): CoordinatorHandlers {
    return {
      Register: (call, cb) =>
        cb(null, {
          worker_id: call.request.worker_id,
          lease_ttl_ms: this.ttlMs,
          heartbeat_interval_ms: this.heartbeatMs,
          max_message_bytes: 4 << 20,
          draining: false,
        }),
      Acquire: (call, cb) => {
        this.expire();
        const { worker_id: worker, request_id: requestId } = call.request;
        const last = this.lastGrant.get(worker);
        // a replay of the last request id gets what that call got (the same leases, or nothing); never new ones
        const replay = requestId !== '' && last?.requestId === requestId;
        const free = replay
          ? last.trials.filter((t) => t.status === 'leased' && t.leaseId === `L${t.id}-${t.token}`)
          : this.trials.filter((t) => t.status === 'pending').slice(0, call.request.max_trials);
        if (requestId) this.lastGrant.set(worker, { requestId, trials: free });
        for (const t of replay ? [] : free) {
          t.status = 'leased';
          t.token++;
          t.attempts++;
          t.leaseId = `L${t.id}-${t.token}`;
          t.expiresAt = Date.now() + this.ttlMs;
        }
        const trials = free.map((t) => ({
          trial_id: t.id,
          key: t.key,
          sweep: 's',
          stage: 'main',
          objective: t.params.objective,
          params_json: JSON.stringify(t.params),
          lease_id: t.leaseId ?? '',
          fencing_token: t.token,
          attempt: t.attempts,
          max_attempts: this.maxAttempts,
        }));
        const answer = (): void => {
          if (call.cancelled) {
            // as the real coordinator does: the worker cancelled (drain, stop) before the answer went out,
            // so the group goes back to pending at once, its attempt undone
            for (const t of free)
              if (t.status === 'leased' && t.leaseId === `L${t.id}-${t.token}`) {
                this.events.push(`handed back ${t.key} ${t.leaseId}`);
                Object.assign(t, { status: 'pending', leaseId: null, attempts: t.attempts - 1 });
              }
            if (this.lastGrant.get(worker)?.requestId === requestId)
              this.lastGrant.set(worker, { requestId, trials: [] });
            return;
          }
          cb(null, {
            trials,
            lease_expires_at_ms: Date.now() + this.ttlMs,
            lease_ttl_ms: this.ttlMs,
            draining: false,
            retry_after_ms: 20,
          });
        };
        // answered on the next turn (the real one answers after a commit), so a cancel can land in between
        setTimeout(answer, trials.length ? 0 : 20);
      },
      Heartbeat: (call, cb) => {
        this.expire();
        const leases = call.request.leases.map((l) => {
          const t = this.byLease(l.lease_id);
          if (!t || t.token !== l.fencing_token)
            return { lease_id: l.lease_id, ok: false, expires_at_ms: 0, reason: t ? 'stale' : 'expired' };
          if (t.status === 'leased') t.expiresAt = Date.now() + this.ttlMs;
          return { lease_id: l.lease_id, ok: true, expires_at_ms: t.expiresAt, reason: '' };
        });
        cb(null, { leases, draining: false, lease_ttl_ms: this.ttlMs });
      },
      Complete: (call, cb) =>
        cb(null, {
          outcomes: call.request.results.map((r) => this.finishOne(r.lease_id, r.fencing_token, true, false)),
        }),
      Fail: (call, cb) =>
        cb(null, {
          outcomes: call.request.failures.map((f) => this.finishOne(f.lease_id, f.fencing_token, false, f.retryable)),
        }),
      StreamProgress: (call, cb) => {
        let applied = 0;
        let duplicates = 0;
        call.on('data', (b: { updates: { lease_id: string; seq: number }[] }) => {
          for (const u of b.updates) {
            const t = this.trials.find((x) => x.leaseId === u.lease_id);
            if (!t) continue;
            if ((t.lastSeq.get(u.lease_id) ?? 0) >= u.seq) duplicates++;
            else {
              t.lastSeq.set(u.lease_id, u.seq);
              t.progressApplied++;
              applied++;
            }
          }
        });
        call.on('end', () => cb(null, { applied, duplicates, rejected: 0, last_seq: {} }));
      },
      Control: (call) => {
        this.streams.add(call);
        call.write({ welcome: { server_time_ms: Date.now() } });
        call.on('cancelled', () => this.streams.delete(call));
      },
      Drain: (_c, cb) => cb(null, { found: false, state: '', leased_trials: 0 }),
      Cancel: (_c, cb) => cb(null, { matched: 'none', cancelled: 0, interrupted: 0 }),
      Status: (_c, cb) => cb(null, { workers: [], trials_by_status: {}, shutting_down: false }),
      // artifacts: stored in memory by (lease, name, sha256), so a test can count what arrived
      UploadArtifact: (call, cb) => {
        let head: { lease_id: string; name: string; sha256: string } | null = null;
        const parts: Buffer[] = [];
        call.on('data', (m: { header?: { lease_id: string; name: string; sha256: string } | null; data: Buffer }) => {
          if (!head && m.header) head = m.header;
          parts.push(m.data);
        });
        call.on('end', () => {
          if (!head) return cb({ code: grpc.status.INVALID_ARGUMENT, details: 'no header' });
          const id = `${head.lease_id} ${head.name} ${head.sha256}`;
          const duplicate = this.uploads.has(id);
          this.uploads.set(id, Buffer.concat(parts));
          cb(null, { stored: true, duplicate, trial_key: '', path: '' });
        });
      },
      ListArtifacts: (_c, cb) => cb(null, { artifacts: [], trials: 0 }),
      RequestMaps: (_c, cb) => cb(null, { jobs: [] }),
      DownloadArtifact: (call) =>
        call.emit('error', { code: grpc.status.NOT_FOUND, details: 'fake coordinator stores no artifacts' }),
    };
  }

  /** control streams open now */
  get controlStreams(): number {
    return this.streams.size;
  }

  /** Push a control message to every connected worker. */
  broadcast(m: ControlMessage): number {
    for (const s of this.streams) s.write(m);
    return this.streams.size;
  }

  async start(port = 0): Promise<string> {
    const server = new grpc.Server();
    server.addService(coordinatorService(), this.handlers());
    this.port = await new Promise<number>((res, rej) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? rej(e) : res(p))),
    );
    this.server = server;
    return `127.0.0.1:${this.port}`;
  }

  /** Hard stop, as if the process died: open streams are cut. */
  stop(): void {
    this.server?.forceShutdown();
    this.server = null;
    this.streams.clear();
  }
}
