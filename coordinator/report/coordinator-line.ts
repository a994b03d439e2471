/**
 * `wepadim status`'s line about the coordinator, from its lease row: who serves the database (host, pid,
 * address), whether it renews its lease, and the last period its database writes failed. A coordinator
 * whose database takes no writes (full, read-only, locked) cannot renew: its heartbeat goes stale here,
 * while its log and every RPC it answers name the cause.
 */
import type { LeaseHolder } from '../store/coordinator-lease.js';

export type CoordinatorState = 'none' | 'serving' | 'silent' | 'expired';

export interface CoordinatorNote {
  state: CoordinatorState;
  holder: LeaseHolder | null;
  /** seconds since its last renewal */
  heartbeatAgeS: number | null;
  text: string;
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const secs = (ms: number): number => Math.max(0, Math.round(ms / 1000));

export function coordinatorNote(h: LeaseHolder | null, now = Date.now()): CoordinatorNote {
  if (!h) return { state: 'none', holder: null, heartbeatAgeS: null, text: 'coordinator: none holds this database' };
  const ttl = Math.max(1, h.expiresAt - h.heartbeatAt);
  const age = now - h.heartbeatAt;
  // renewed every ttl/5: two missed renewals are worth saying
  const state: CoordinatorState = now >= h.expiresAt ? 'expired' : age > (2 * ttl) / 5 ? 'silent' : 'serving';
  const who = `host ${h.host}, pid ${h.pid}, address ${h.address || '-'}`;
  const beat =
    state === 'serving'
      ? `heartbeat ${secs(age)} s ago`
      : `NO heartbeat for ${secs(age)} s: it is down or cannot write the database (disk full, read-only, locked; its log says which)` +
        (state === 'expired' ? '; its lease expired, another coordinator may take over' : '');
  const lastError = h.dbError
    ? `\nlast database error: ${h.dbError} from ${iso(h.dbErrorSince ?? 0)} to ${iso(h.dbErrorUntil ?? 0)} UTC`
    : '';
  return { state, holder: h, heartbeatAgeS: secs(age), text: `coordinator: ${who}; ${beat}${lastError}` };
}
