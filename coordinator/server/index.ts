/**
 * The coordinator: the only process that writes the SQLite file. Serves wepadim.v1 over gRPC (TLS or
 * loopback plaintext, bearer token on every call), leases groups of trials to workers, expires silent
 * leases and shuts down gracefully (stop leasing, let running trials finish up to a grace period).
 * One coordinator per database (coordinator-lock.ts); database faults in timers and handlers are
 * survived and reported (db-health.ts), never fatal.
 */
import * as grpc from '@grpc/grpc-js';
import { dirname, resolve } from 'node:path';
import { UserError } from '../../shared/errors.js';
import { createLogger, type Logger } from '../../shared/log.js';
import { KEEPALIVE_OPTIONS, coordinatorService } from '../../proto/load.js';
import { openDatabase, type Db } from '../store/db.js';
import { SqliteLeaseStore } from '../store/leases.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { warmCachesFirst } from '../scheduler/group-policy.js';
import { GroupCommit } from '../store/group-commit.js';
import {
  checkListenSecurity,
  formatHostPort,
  parseHostPort,
  serverCredentials,
  type TlsMaterial,
} from '../auth/transport.js';
import { ControlHub } from './control-hub.js';
import { CoordinatorEventEmitter } from './events.js';
import { guardedService } from './guard.js';
import type { ServerDeps } from './deps.js';
import { workerHandlers } from './handlers-worker.js';
import { streamHandlers } from './handlers-streams.js';
import { adminHandlers, cancelTarget, drainWorker } from './handlers-admin.js';
import type { RunningDashboard } from '../dashboard/server.js';
import { artifactHandlers } from './handlers-artifacts.js';
import { mapHandlers } from './handlers-maps.js';
import { ArtifactStore, artifactsRootOf, BlobDir } from '../store/artifacts/index.js';
import type { CoordinatorHandlers } from '../../proto/load.js';
import { COORDINATOR_DEFAULTS } from './defaults.js';
import { healthService } from '../../proto/health.js';
import { HealthState, healthHandlers } from './health.js';
import { DbHealth, periodic } from './db-health.js';
import { CoordinatorLock, unwritable } from './coordinator-lock.js';

export { CoordinatorEventEmitter } from './events.js';
export type { CoordinatorEvents } from './events.js';

export interface CoordinatorOptions {
  dbPath: string;
  /** host:port; port 0 = ephemeral */
  listen: string;
  auth: { token: string | null; tls: TlsMaterial | null; insecure: boolean; forceInsecure?: boolean };
  leaseTtlMs?: number;
  acquireWaitMs?: number;
  maxMessageBytes?: number;
  shutdownGraceMs?: number;
  /** where uploaded artifacts are kept (default: `artifacts/` beside the database file) */
  artifactsDir?: string;
  /** size limits of uploaded artifacts, bytes */
  artifactFileBytes?: number;
  artifactTrialBytes?: number;
  /** overrides each trial's max_attempts */
  maxAttempts?: number;
  /**
   * also serve the web dashboard on this HOST:PORT (same token unless `token` is given; `insecure` allows a
   * non-loopback address without one)
   */
  http?: { listen: string; insecure?: boolean; token?: string | null };
  /** host:port of an extra plaintext listener serving only grpc.health.v1 (Kubernetes gRPC probes speak no TLS) */
  healthListen?: string | null;
  /** ms the coordinator lease lives unrenewed before a coordinator on another host may take it over */
  coordinatorLeaseMs?: number;
  /** fault injection for tests: sees the coordinator's own connection right after it is opened */
  onDatabaseOpen?: (db: Db) => void;
  /** the lease clock, ms (default Date.now); tests inject one to expire a lease by an event, not a wait */
  now?: () => number;
  log?: Logger;
}

export interface RunningCoordinator {
  /** host:port actually bound */
  address: string;
  /** host:port of the health-only listener, when asked for */
  healthAddress: string | null;
  events: CoordinatorEventEmitter;
  /** the dashboard's URL when `http` was given */
  dashboardUrl: string | null;
  /** The database's condition: null when it takes writes, else e.g. "read-only (SQLITE_READONLY: ...) since ..." */
  databaseCondition(): string | null;
  /** Trials in the database by status (one GROUP BY over the status index). */
  trialCounts(): Record<string, number>;
  /** Stop leasing, wait for leased/running trials up to graceMs, then close streams, server and database. */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  const listen = parseHostPort(opts.listen);
  const healthListen = opts.healthListen ? parseHostPort(opts.healthListen, '--health-listen') : null;
  checkListenSecurity(listen, {
    tls: opts.auth.tls !== null,
    insecure: opts.auth.insecure,
    forceInsecure: opts.auth.forceInsecure,
    token: opts.auth.token !== null,
  });
  const settings = {
    leaseTtlMs: opts.leaseTtlMs ?? COORDINATOR_DEFAULTS.leaseTtlMs,
    acquireWaitMs:
      opts.acquireWaitMs ??
      Math.min(
        COORDINATOR_DEFAULTS.acquireWaitMs,
        Math.floor((opts.leaseTtlMs ?? COORDINATOR_DEFAULTS.leaseTtlMs) / 2),
      ),
    maxMessageBytes: opts.maxMessageBytes ?? COORDINATOR_DEFAULTS.maxMessageBytes,
  };
  const log = opts.log ?? createLogger({ component: 'coordinator' });
  let db: Db;
  try {
    db = openDatabase(opts.dbPath);
  } catch (err) {
    throw unwritable(opts.dbPath, err);
  }
  opts.onDatabaseOpen?.(db);
  const dbHealth = new DbHealth(log);
  let onLost = (reason: string): void => void reason;
  let lock: CoordinatorLock;
  try {
    lock = new CoordinatorLock(db, {
      dbPath: opts.dbPath,
      ttlMs: opts.coordinatorLeaseMs ?? COORDINATOR_DEFAULTS.coordinatorLeaseMs,
      health: dbHealth,
      log,
      onLost: (reason) => onLost(reason),
    });
  } catch (err) {
    db.close();
    throw err;
  }
  const store = new SqliteLeaseStore(
    db,
    opts.maxAttempts === undefined
      ? { policy: warmCachesFirst }
      : { policy: warmCachesFirst, maxAttempts: opts.maxAttempts },
  );
  const events = new CoordinatorEventEmitter();
  const commit = new GroupCommit(db, undefined, { fence: () => lock.fence() });
  const scheduler = new Scheduler(
    store,
    { leaseTtlMs: settings.leaseTtlMs, commit: (fn) => commit.run(fn), ...(opts.now ? { now: opts.now } : {}) },
    (expired) => {
      for (const e of expired) {
        log.warn('lease expired', { trial: e.trialKey, worker: e.workerId, trial_status: e.status });
        events.emit('finished', {
          workerId: e.workerId,
          trialKey: e.trialKey,
          status: e.status === 'pending' ? 'requeued' : 'failed',
        });
      }
    },
  );
  const hub = new ControlHub();
  let shuttingDown = false;
  const blobs = new BlobDir(
    opts.artifactsDir ?? artifactsRootOf(opts.dbPath),
    opts.dbPath === ':memory:' ? null : dirname(resolve(opts.dbPath)),
  );
  blobs.cleanTemporaries();
  const artifacts = new ArtifactStore(db, blobs, {
    fileBytes: opts.artifactFileBytes ?? COORDINATOR_DEFAULTS.artifactFileBytes,
    trialBytes: opts.artifactTrialBytes ?? COORDINATOR_DEFAULTS.artifactTrialBytes,
  });
  const deps: ServerDeps = {
    store,
    artifacts,
    scheduler,
    commit,
    hub,
    events,
    guard: { token: opts.auth.token, log, dbHealth },
    settings,
    isShuttingDown: () => shuttingDown,
  };
  const handlers: CoordinatorHandlers = {
    ...workerHandlers(deps),
    ...streamHandlers(deps),
    ...adminHandlers(deps),
    ...artifactHandlers(deps),
    ...mapHandlers(deps),
  };
  // readiness: a one-page write (user_version rewritten with its own value) through the group commit
  const touch = db.transaction(
    () => void db.pragma(`user_version = ${Number(db.pragma('user_version', { simple: true }))}`),
  );
  const health = healthHandlers(
    new HealthState({
      isShuttingDown: () => shuttingDown,
      probeWrite: () =>
        commit.run(touch).then(
          () => true,
          (err: Error) => (log.warn('health: the database took no write', { error: err.message }), false),
        ),
    }),
  );

  const server = new grpc.Server({
    // hard cap; messages above maxMessageBytes (and below this) get INVALID_ARGUMENT from the guard
    'grpc.max_receive_message_length': Math.max(4 * settings.maxMessageBytes, 16 * 1024 * 1024),
    'grpc.keepalive_time_ms': KEEPALIVE_OPTIONS['grpc.keepalive_time_ms'],
    'grpc.keepalive_timeout_ms': KEEPALIVE_OPTIONS['grpc.keepalive_timeout_ms'],
  });
  server.addService(guardedService(coordinatorService(), settings.maxMessageBytes), handlers);
  server.addService(healthService(), health.handlers);
  const healthServer = healthListen ? new grpc.Server() : null;
  healthServer?.addService(healthService(), health.handlers);
  const bind = (srv: grpc.Server, at: string, creds: grpc.ServerCredentials): Promise<number> =>
    new Promise<number>((resolve, reject) => srv.bindAsync(at, creds, (err, p) => (err ? reject(err) : resolve(p))));
  const listenOrFail = async (
    srv: grpc.Server,
    at: string,
    creds: grpc.ServerCredentials,
    flag: string,
  ): Promise<number> => {
    try {
      return await bind(srv, at, creds);
    } catch (err) {
      server.forceShutdown();
      healthServer?.forceShutdown();
      lock.stop(true);
      db.close();
      throw new UserError(`${flag}: cannot listen on ${at}: ${(err as Error).message}`);
    }
  };
  const port = await listenOrFail(server, formatHostPort(listen), serverCredentials(opts.auth.tls), '--listen');
  let healthAddress: string | null = null;
  if (healthServer && healthListen) {
    const healthPort = await listenOrFail(
      healthServer,
      formatHostPort(healthListen),
      grpc.ServerCredentials.createInsecure(),
      '--health-listen',
    );
    healthAddress = formatHostPort({ host: healthListen.host, port: healthPort });
  }
  // periodic writes: only while the lease is ours; a failure is logged and retried with backoff, never fatal
  const repeat = (name: string, everyMs: number, step: () => void): { stop(): void } =>
    periodic(name, everyMs, () => (lock.fence(), step()), { health: dbHealth, log });
  try {
    scheduler.sweep(); // leases left by a previous run that expired meanwhile
  } catch (err) {
    if (!dbHealth.failed(err, 'lease expiry sweep')) throw err;
  }
  scheduler.start(repeat);
  const goneTimer = repeat('worker liveness', settings.leaseTtlMs, () => {
    for (const id of store.markGone(scheduler.now() - 3 * settings.leaseTtlMs))
      events.emit('worker', { workerId: id, state: 'gone' });
  });
  const address = formatHostPort({ host: listen.host, port });
  try {
    lock.listening(address);
  } catch (err) {
    if (!dbHealth.failed(err, 'coordinator lease')) throw err;
  }
  lock.start();
  let dashboard: RunningDashboard | null = null;
  if (opts.http) {
    const { startDashboard } = await import('../dashboard/server.js');
    try {
      dashboard = await startDashboard({
        dbPath: opts.dbPath,
        listen: opts.http.listen,
        auth: {
          token: opts.http.token === undefined ? opts.auth.token : opts.http.token,
          insecure: opts.http.insecure ?? false,
        },
        admin: {
          cancel: (target) => new Promise((ok) => ok(cancelTarget(deps, target))),
          drain: (workerId) => new Promise((ok) => ok(drainWorker(deps, workerId))),
        },
        log,
      });
    } catch (err) {
      scheduler.stop();
      goneTimer.stop();
      healthServer?.forceShutdown();
      server.forceShutdown();
      lock.stop(true);
      db.close();
      throw err;
    }
  }
  log.info('coordinator listening', {
    address,
    ...(healthAddress ? { health: healthAddress } : {}),
    tls: opts.auth.tls !== null,
    mtls: opts.auth.tls?.ca !== undefined,
    db: opts.dbPath,
  });

  let stopping: Promise<void> | null = null;
  const stop = (graceMs = opts.shutdownGraceMs ?? COORDINATOR_DEFAULTS.shutdownGraceMs): Promise<void> => {
    stopping ??= (async () => {
      shuttingDown = true;
      scheduler.stopLeasing();
      const until = Date.now() + graceMs;
      let active = store.activeLeases();
      if (active > 0) log.info('shutting down: waiting for running trials', { active, grace_ms: graceMs });
      while (active > 0 && Date.now() < until) {
        await sleep(Math.min(100, Math.max(1, until - Date.now())));
        active = store.activeLeases();
      }
      if (active > 0) log.warn('grace period over; trials still leased will expire and requeue', { active });
      scheduler.stop();
      goneTimer.stop();
      hub.endAll();
      await dashboard?.close();
      await health.endWatches();
      healthServer?.forceShutdown();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      events.removeAllListeners();
      commit.flush();
      lock.stop(true);
      db.close();
      log.info('coordinator stopped');
    })();
    return stopping;
  };
  onLost = (reason) => {
    log.error('another coordinator took the database over: stopping', { reason });
    events.emit('lost', { reason });
    void stop(0);
  };
  return {
    databaseCondition: () => dbHealth.describe(),
    address,
    healthAddress,
    dashboardUrl: dashboard?.url ?? null,
    events,
    trialCounts: () => store.statusCounts(),
    stop,
  };
}
