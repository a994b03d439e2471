/**
 * One coordinator per database. At start the coordinator claims the lease row (a real write
 * transaction, so a database it cannot write is refused here too, with exit 2); a live holder makes the
 * start fail with exit 2, naming it (host, pid, address). The lease is renewed every few seconds; it is
 * taken over when it expired (a coordinator on another host that died or lost the database) or at once
 * when its holder ran on this host and that process is gone (kill -9). A coordinator that finds its lease
 * taken stops serving (onLost); while it cannot renew, its writes fail anyway, and every group-committed
 * write first checks the lease in the same transaction (fence), so it never writes after a takeover.
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { CoordinatorLeaseTable, type LeaseHolder } from '../store/coordinator-lease.js';
import type { Db } from '../store/db.js';
import { classifySqliteError, type DbHealth } from './db-health.js';
import { RpcError } from './guard.js';

/** Is process `pid` of this host alive (a zombie counts as dead)? */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

export const describeHolder = (h: LeaseHolder): string =>
  `host ${h.host}, pid ${h.pid}, address ${h.address || '(not listening yet)'}`;

export interface LockOptions {
  dbPath: string;
  /** a lease not renewed for this long may be taken over by a coordinator on another host */
  ttlMs: number;
  health: DbHealth;
  log: Logger;
  /** the lease was taken over: stop serving */
  onLost(reason: string): void;
  now?: () => number;
}

export class CoordinatorLock {
  readonly holder = randomUUID();
  private readonly table: CoordinatorLeaseTable;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private lost = false;

  /** Claim the lease now; throws UserError (exit 2) when another coordinator holds it or the database takes no write. */
  constructor(
    private readonly db: Db,
    private readonly opts: LockOptions,
  ) {
    this.now = opts.now ?? Date.now;
    const host = hostname();
    try {
      this.table = new CoordinatorLeaseTable(db);
      const got = this.table.claim(
        { holder: this.holder, host, pid: process.pid, address: '' },
        this.now(),
        opts.ttlMs,
        (h) => h.host === host && !pidAlive(h.pid),
      );
      if (!got.ok) {
        const h = got.holder;
        throw new UserError(
          `${opts.dbPath} is already served by another coordinator (${describeHolder(h)}; last heartbeat ` +
            `${Math.max(0, Math.round((this.now() - h.heartbeatAt) / 1000))} s ago). One coordinator per database: ` +
            `stop that one first${h.host === host ? '' : `, or wait for its lease to expire (in ${Math.ceil((h.expiresAt - this.now()) / 1000)} s) if that host is gone`}.`,
        );
      }
      if (got.tookOverFrom)
        opts.log.warn('took over the coordinator lease', { from: describeHolder(got.tookOverFrom) });
    } catch (err) {
      throw unwritable(opts.dbPath, err);
    }
  }

  /** Record the address we listen on (shown to a second coordinator and by `wepadim status`). */
  listening(address: string): void {
    this.table.setAddress(this.holder, address);
  }

  /** Renew every ttl/5; a failed renewal is a database fault (noted in health), a lost row stops us. */
  start(): void {
    const every = Math.max(20, Math.floor(this.opts.ttlMs / 5));
    const tick = (): void => {
      try {
        if (!this.table.renew(this.holder, this.now(), this.opts.ttlMs)) return this.lose();
        this.opts.health.ok();
        const e = this.opts.health.takeEpisode();
        if (e) this.table.recordDbError(this.holder, e.cause, e.since, e.until);
      } catch (err) {
        if (!this.opts.health.failed(err, 'coordinator lease renewal'))
          this.opts.log.error('coordinator lease renewal failed', { error: (err as Error).message });
      }
      if (!this.lost) this.timer = setTimeout(tick, every).unref();
    };
    this.timer = setTimeout(tick, every).unref();
  }

  /** Inside a write transaction: throw unless the lease is still ours (so a deposed coordinator never writes). */
  fence(): void {
    if (this.lost || this.table.holderNow() !== this.holder) {
      this.lose();
      throw new RpcError(grpc.status.UNAVAILABLE, 'this coordinator no longer holds the database (taken over)');
    }
  }

  private lose(): void {
    if (this.lost) return;
    this.lost = true;
    const now = this.table.read();
    this.opts.onLost(
      now ? `the coordinator lease was taken over by ${describeHolder(now)}` : 'the coordinator lease was removed',
    );
  }

  /** Stop renewing; `release` gives the lease up (clean stop) so the next coordinator starts at once. */
  stop(release: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!release || this.lost) return;
    try {
      this.table.release(this.holder);
    } catch (err) {
      this.opts.log.warn('could not release the coordinator lease (it expires by itself)', {
        error: (err as Error).message,
      });
    }
  }
}

/** A start-up failure as the person sees it: a database that takes no write is a UserError (exit 2). */
export function unwritable(dbPath: string, err: unknown): unknown {
  const fault = classifySqliteError(err);
  return fault ? new UserError(`${dbPath}: the coordinator cannot write this database: ${fault.cause}`) : err;
}
