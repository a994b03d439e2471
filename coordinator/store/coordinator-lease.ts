/**
 * The coordinator lease (table coordinator_lease, one row at most): which coordinator serves this
 * database. Claimed in one IMMEDIATE write transaction at start (which also proves the database takes a
 * write), renewed every few seconds, taken over when it expired or its holder is known to be dead, and
 * checked inside write transactions (fence) so a coordinator that lost it cannot write any more.
 */
import type { Db } from './db.js';

export interface LeaseHolder {
  holder: string;
  host: string;
  pid: number;
  address: string;
  startedAt: number;
  heartbeatAt: number;
  expiresAt: number;
  /** the last period the holder's writes failed (cause, from, to), when there was one */
  dbError: string | null;
  dbErrorSince: number | null;
  dbErrorUntil: number | null;
}

export interface Claimant {
  holder: string;
  host: string;
  pid: number;
  address: string;
}

export type ClaimResult = { ok: true; tookOverFrom: LeaseHolder | null } | { ok: false; holder: LeaseHolder };

interface Row {
  holder: string;
  host: string;
  pid: number;
  address: string;
  started_at: number;
  heartbeat_at: number;
  expires_at: number;
  db_error: string | null;
  db_error_since: number | null;
  db_error_until: number | null;
}

const toHolder = (r: Row): LeaseHolder => ({
  holder: r.holder,
  host: r.host,
  pid: r.pid,
  address: r.address,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  expiresAt: r.expires_at,
  dbError: r.db_error,
  dbErrorSince: r.db_error_since,
  dbErrorUntil: r.db_error_until,
});

/** The lease row, for readers (`wepadim status`); null when no coordinator holds the database. */
export function readCoordinatorLease(db: Db): LeaseHolder | null {
  const r = db.prepare('SELECT * FROM coordinator_lease WHERE id = 1').get() as Row | undefined;
  return r ? toHolder(r) : null;
}

export class CoordinatorLeaseTable {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      read: db.prepare('SELECT * FROM coordinator_lease WHERE id = 1'),
      holderOf: db.prepare('SELECT holder FROM coordinator_lease WHERE id = 1').pluck(),
      claim: db.prepare(
        `INSERT OR REPLACE INTO coordinator_lease (id, holder, host, pid, address, started_at, heartbeat_at, expires_at)
         VALUES (1, @holder, @host, @pid, @address, @now, @now, @expiresAt)`,
      ),
      renew: db.prepare('UPDATE coordinator_lease SET heartbeat_at = ?, expires_at = ? WHERE id = 1 AND holder = ?'),
      setAddress: db.prepare('UPDATE coordinator_lease SET address = ? WHERE id = 1 AND holder = ?'),
      episode: db.prepare(
        'UPDATE coordinator_lease SET db_error = ?, db_error_since = ?, db_error_until = ? WHERE id = 1 AND holder = ?',
      ),
      release: db.prepare('DELETE FROM coordinator_lease WHERE id = 1 AND holder = ?'),
    };
  }

  read(): LeaseHolder | null {
    const r = this.s.read.get() as Row | undefined;
    return r ? toHolder(r) : null;
  }

  /** The holder id in the row now (null: nobody holds it). */
  holderNow(): string | null {
    return (this.s.holderOf.get() as string | undefined) ?? null;
  }

  /**
   * Take the lease unless a live coordinator holds it: free, expired (`expiresAt <= now`) or `isDead` of
   * its holder -> ours. One IMMEDIATE transaction: two coordinators starting at once cannot both win.
   */
  claim(me: Claimant, now: number, ttlMs: number, isDead: (h: LeaseHolder) => boolean): ClaimResult {
    return this.db
      .transaction((): ClaimResult => {
        const cur = this.read();
        if (cur && cur.expiresAt > now && !isDead(cur)) return { ok: false, holder: cur };
        this.s.claim.run({ ...me, now, expiresAt: now + ttlMs });
        return { ok: true, tookOverFrom: cur };
      })
      .immediate();
  }

  /** Extend our lease; false when the row is no longer ours (taken over). */
  renew(holder: string, now: number, ttlMs: number): boolean {
    return this.s.renew.run(now, now + ttlMs, holder).changes === 1;
  }

  setAddress(holder: string, address: string): void {
    this.s.setAddress.run(address, holder);
  }

  /** Record the last period our database writes failed (shown by `wepadim status`). */
  recordDbError(holder: string, cause: string, since: number, until: number): void {
    this.s.episode.run(cause, since, until, holder);
  }

  /** Give the lease up (a clean stop): the next coordinator starts at once. */
  release(holder: string): void {
    this.s.release.run(holder);
  }
}
