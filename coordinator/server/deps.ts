/** What the RPC handlers share: the store, the scheduler, open control streams, events and settings. */
import type { LeaseStore } from '../store/leases.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { GroupCommit } from '../store/group-commit.js';
import type { ControlHub } from './control-hub.js';
import type { CoordinatorEventEmitter } from './events.js';
import type { GuardContext } from './guard.js';
import type { ArtifactStore } from '../store/artifacts/index.js';

export interface ServerSettings {
  leaseTtlMs: number;
  /** longest an Acquire is held when no work is pending */
  acquireWaitMs: number;
  maxMessageBytes: number;
}

export interface ServerDeps {
  store: LeaseStore;
  /** artifact files stored at the coordinator */
  artifacts: ArtifactStore;
  scheduler: Scheduler;
  /** state changes of concurrent RPCs share one transaction (each in its own savepoint) */
  commit: GroupCommit;
  hub: ControlHub;
  events: CoordinatorEventEmitter;
  guard: GuardContext;
  settings: ServerSettings;
  isShuttingDown(): boolean;
}
