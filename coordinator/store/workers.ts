/**
 * The workers table: registration, liveness (last_heartbeat, written at most once a second per worker),
 * state (active, draining, gone) and the feature caches each worker reported last (kept in memory for
 * acquire). The coordinator is the only writer of this table.
 */
import type { Db } from './db.js';
import type { WorkerRegistration, WorkerRow, WorkerState } from './lease-types.js';

const TOUCH_EVERY_MS = 1000;

export class WorkerTable {
  /** last persisted touch per worker */
  private readonly touched = new Map<string, { at: number; caches: string | null; state: WorkerState }>();
  /** the caches each worker reported last */
  private readonly cachesOf = new Map<string, string[]>();
  private readonly s;

  constructor(db: Db) {
    this.s = {
      upsertWorker: db.prepare(
        `INSERT INTO workers (id, host, gpu_index, gpu_name, backend, memory_mb, caches_json, state, registered_at, last_heartbeat)
         VALUES (@id, @host, @gpuIndex, @gpuName, @backend, @memoryMb, @caches, 'active', @now, @now)
         ON CONFLICT (id) DO UPDATE SET host = excluded.host, gpu_index = excluded.gpu_index, gpu_name = excluded.gpu_name,
           backend = excluded.backend, memory_mb = excluded.memory_mb, caches_json = excluded.caches_json,
           state = 'active', last_heartbeat = excluded.last_heartbeat`,
      ),
      touchWorker: db.prepare(
        `UPDATE workers SET last_heartbeat = ?, state = CASE state WHEN 'gone' THEN 'active' ELSE state END WHERE id = ? RETURNING state`,
      ),
      touchWorkerCaches: db.prepare(
        `UPDATE workers SET last_heartbeat = ?, caches_json = ?, state = CASE state WHEN 'gone' THEN 'active' ELSE state END WHERE id = ? RETURNING state`,
      ),
      setWorkerState: db.prepare('UPDATE workers SET state = ? WHERE id = ?'),
      markGone: db.prepare(
        `UPDATE workers SET state = 'gone' WHERE state != 'gone' AND last_heartbeat < ? RETURNING id`,
      ),
      getWorker: db.prepare('SELECT * FROM workers WHERE id = ?'),
      listWorkers: db.prepare('SELECT * FROM workers ORDER BY id'),
    };
  }

  register(w: WorkerRegistration, now: number): void {
    this.touched.delete(w.id);
    this.cachesOf.set(w.id, [...w.caches]);
    this.s.upsertWorker.run({
      id: w.id,
      host: w.host,
      gpuIndex: w.gpuIndex,
      gpuName: w.gpuName,
      backend: w.backend,
      memoryMb: w.memoryMb,
      caches: JSON.stringify(w.caches),
      now,
    });
  }

  /** Record that the worker is alive (and its caches, when given); returns its state, or null if unknown. */
  touch(workerId: string, now: number, caches?: readonly string[]): WorkerState | null {
    // last_heartbeat and caches_json are informational (status, restarts): written at most once a
    // second per worker; acquire uses the caches kept in memory, updated on every call
    const seen = this.touched.get(workerId);
    if (seen && now - seen.at < TOUCH_EVERY_MS) {
      if (caches && caches.length > 0) this.cachesOf.set(workerId, [...caches]);
      return seen.state;
    }
    const cachesJson = caches && caches.length > 0 ? JSON.stringify(caches) : null;
    const row = (
      cachesJson !== null
        ? this.s.touchWorkerCaches.get(now, cachesJson, workerId)
        : this.s.touchWorker.get(now, workerId)
    ) as { state: WorkerState } | undefined;
    if (row) this.touched.set(workerId, { at: now, caches: cachesJson ?? seen?.caches ?? null, state: row.state });
    if (row && caches && caches.length > 0) this.cachesOf.set(workerId, [...caches]);
    return row?.state ?? null;
  }

  /** The worker's state (from memory when known, else the table); null if unknown. */
  state(workerId: string): WorkerState | null {
    return this.touched.get(workerId)?.state ?? this.get(workerId)?.state ?? null;
  }

  /** The feature caches the worker reported last. */
  caches(workerId: string): string[] {
    let c = this.cachesOf.get(workerId);
    if (!c) {
      const json = this.get(workerId)?.caches_json;
      const parsed: unknown = json ? JSON.parse(json) : [];
      c = Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
      this.cachesOf.set(workerId, c);
    }
    return c;
  }

  setState(workerId: string, state: WorkerState): boolean {
    this.touched.delete(workerId);
    return this.s.setWorkerState.run(state, workerId).changes > 0;
  }

  markGone(before: number): string[] {
    this.touched.clear();
    return (this.s.markGone.all(before) as { id: string }[]).map((r) => r.id);
  }

  get(workerId: string): WorkerRow | null {
    return (this.s.getWorker.get(workerId) as WorkerRow | undefined) ?? null;
  }

  list(): WorkerRow[] {
    return this.s.listWorkers.all() as WorkerRow[];
  }
}
