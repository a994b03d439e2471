/**
 * The database's health as the coordinator sees it: SQLite errors classified into what a person can act
 * on (disk full, read-only, I/O error, locked by another process), the degraded state (since when, why),
 * the gRPC status an RPC answers with meanwhile, and periodic steps that survive such errors (logged,
 * retried with backoff) instead of ending the process.
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../shared/log.js';

export type DbFaultKind = 'full' | 'readonly' | 'io' | 'busy' | 'corrupt';

export interface DbFault {
  kind: DbFaultKind;
  /** the SQLite extended code, e.g. SQLITE_IOERR_WRITE */
  code: string;
  /** what a person reads: "disk full (SQLITE_FULL: database or disk is full)" */
  cause: string;
  grpcCode: grpc.status;
}

const KINDS: readonly [prefix: string, kind: DbFaultKind, what: string][] = [
  ['SQLITE_FULL', 'full', 'disk full'],
  ['SQLITE_READONLY', 'readonly', 'read-only'],
  ['SQLITE_IOERR', 'io', 'I/O error'],
  ['SQLITE_CANTOPEN', 'io', 'cannot open a database file'],
  ['SQLITE_BUSY', 'busy', 'locked by another process'],
  ['SQLITE_LOCKED', 'busy', 'locked'],
  ['SQLITE_CORRUPT', 'corrupt', 'corrupt'],
  ['SQLITE_NOTADB', 'corrupt', 'not a database'],
  // the WAL sync before an acknowledgement (store/wal-sync.ts) fails with errno codes
  ['ENOSPC', 'full', 'disk full'],
  ['EDQUOT', 'full', 'disk quota exceeded'],
  ['EROFS', 'readonly', 'read-only'],
  ['EIO', 'io', 'I/O error'],
];

/** The fault behind `err` when it is a SQLite (or WAL sync) error about the database itself (not a constraint or a bug), else null. */
export function classifySqliteError(err: unknown): DbFault | null {
  if (!(err instanceof Error)) return null;
  const code = (err as Error & { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  const hit = KINDS.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
  if (!hit) return null;
  const [, kind, what] = hit;
  return {
    kind,
    code,
    cause: `${what} (${code}: ${err.message})`,
    grpcCode: kind === 'full' ? grpc.status.RESOURCE_EXHAUSTED : grpc.status.UNAVAILABLE,
  };
}

export interface DbCondition {
  fault: DbFault;
  /** ms since the epoch of the first failure of this episode */
  since: number;
  /** failed operations in this episode */
  failures: number;
}

/** A finished degraded episode, kept until it is recorded in the database. */
export interface DbEpisode {
  cause: string;
  since: number;
  until: number;
}

/** The degraded state: set by every failed database write, cleared by the next one that commits. */
export class DbHealth {
  private current: DbCondition | null = null;
  private last: DbEpisode | null = null;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get condition(): DbCondition | null {
    return this.current;
  }

  /** Note a failure; returns its fault, or null when `err` is not a database fault (a bug: handle it as such). */
  failed(err: unknown, during: string): DbFault | null {
    const fault = classifySqliteError(err);
    if (!fault) return null;
    if (this.current?.fault.kind !== fault.kind) {
      this.current = { fault, since: this.current?.since ?? this.now(), failures: 0 };
      this.log.error('database cannot write: serving errors until it can', { during, cause: fault.cause });
    }
    this.current.failures++;
    return fault;
  }

  /** A write committed: leave the degraded state (logged once). */
  ok(): void {
    if (!this.current) return;
    const { fault, since, failures } = this.current;
    this.last = { cause: fault.cause, since, until: this.now() };
    this.current = null;
    this.log.info('database writable again', { was: fault.cause, for_ms: this.now() - since, failures });
  }

  /** The last finished episode (once; for recording in the database). */
  takeEpisode(): DbEpisode | null {
    const e = this.last;
    this.last = null;
    return e;
  }

  /** "read-only since 2026-12-05T09:40:01Z (SQLITE_READONLY: ...)", or null when healthy. */
  describe(): string | null {
    const c = this.current;
    return c ? `${c.fault.cause} since ${new Date(c.since).toISOString()}` : null;
  }
}

export interface PeriodicStep {
  stop(): void;
}

/**
 * Run `step` every `everyMs`; when it throws a database fault, log it, note it in `health` and retry
 * after a backoff (doubling from `everyMs` up to `maxBackoffMs`) instead of letting the error end the
 * process. Any other error is logged too (and retried): a periodic step never kills the coordinator.
 */
export function periodic(
  name: string,
  everyMs: number,
  step: () => void,
  ctx: { health: DbHealth; log: Logger; maxBackoffMs?: number },
): PeriodicStep {
  let delay = everyMs;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const maxBackoff = Math.max(everyMs, ctx.maxBackoffMs ?? 10_000);
  const tick = (): void => {
    timer = null;
    try {
      step();
      delay = everyMs;
    } catch (err) {
      const fault = ctx.health.failed(err, name);
      delay = Math.min(maxBackoff, delay * 2);
      ctx.log.warn(`${name} failed; retrying`, {
        error: fault ? fault.cause : err instanceof Error ? err.message : String(err),
        retry_in_ms: delay,
      });
    }
    if (!stopped) schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  schedule();
  return {
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
