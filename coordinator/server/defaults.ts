/**
 * The coordinator's default settings, the one home of each value: the server, `wepadim coordinator`'s flags
 * and the one-machine `wepadim run` read them from here. Light to import (no gRPC, no SQLite).
 */
export const COORDINATOR_DEFAULTS = {
  /** ms a lease lives without a heartbeat; short, so the leases of killed workers come back soon */
  leaseTtlMs: 30_000,
  /** ms an idle worker waits in Acquire before it asks again (capped at half the lease TTL) */
  acquireWaitMs: 10_000,
  /** largest request accepted (bigger: INVALID_ARGUMENT) */
  maxMessageBytes: 4 * 1024 * 1024,
  /** largest artifact file a worker may upload, bytes */
  artifactFileBytes: 64 * 1024 * 1024,
  /** largest total of one trial's artifact files, bytes */
  artifactTrialBytes: 256 * 1024 * 1024,
  /** ms the coordinator lease (one coordinator per database) lives unrenewed before another host may take it over */
  coordinatorLeaseMs: 15_000,
  /** ms to let running trials finish on stop */
  shutdownGraceMs: 60_000,
} as const;
