/** Public types of the worker client: its options and the events it reports. */

export interface WorkerOptions {
  /** coordinator address HOST:PORT */
  coordinator: string;
  /** device index for the tensor backend; null = no GPU */
  gpu: number | null;
  /** lease groups in flight at once (each up to groupSize trials) */
  concurrency: number;
  /** most trials asked for in one lease (trials that share features) */
  groupSize: number;
  /** local directory where finished results wait (fsync'd) until the coordinator acknowledged them */
  spoolDir: string;
  auth: { token: string | null; tls: { ca?: string; cert?: string; key?: string } | null; insecure: boolean };
  /** executor name reported at registration ("onnx", "tfjs-wasm", ...) and passed to the wepadim objective */
  backend: string;
  /** passed to createWepadimObjective (worker/runner) */
  objectiveOptions: Record<string, unknown>;
  /** hard stop: abort running trials (their results are not delivered) and return */
  signal?: AbortSignal;
  /** drain: finish in-flight trials, deliver their results, take no new leases, return */
  drainSignal?: AbortSignal;
  /** drain and return after the coordinator answered "no work" continuously for this long; null/undefined = never */
  idleExitMs?: number | null;
  /** worker id to register with; default `${host}:gpu${N}:${pid}` */
  workerId?: string;
  /** longest hold of one long-polled acquire (default 10 s) */
  acquireWaitMs?: number;
  /** heartbeat 100 ms after a lease is granted (skipped for trials finished by then), so a trial shows as running at once (default true) */
  heartbeatOnLease?: boolean;
  /** give up delivering spooled results and artifacts on drain after this long (default 30 s); they stay in the spool */
  drainDeliverTimeoutMs?: number;
  onEvent?: (e: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: 'registered'; workerId: string; leaseTtlMs: number; heartbeatIntervalMs: number }
  | { type: 'disconnected'; during: string; error: string; retryInMs: number }
  | { type: 'leased'; leaseIds: string[]; trialKeys: string[]; acquireMs: number }
  | { type: 'finished'; key: string; leaseId: string; ok: boolean; error?: string }
  | { type: 'delivered'; leaseId: string; accepted: boolean; trialStatus: string; reason: string; duplicate: boolean }
  | { type: 'uploaded'; leaseId: string; key: string; files: number; bytes: number; refused: number }
  | { type: 'upload-refused'; leaseId: string; key: string; name: string; error: string }
  | { type: 'lease-lost'; leaseId: string; key: string; reason: string }
  | { type: 'cancel'; leaseIds: string[]; reason: string }
  | { type: 'draining'; reason: string }
  | { type: 'idle-exit'; idleMs: number }
  /** several connection failures in a row looked like a TLS/plaintext mismatch (said once) */
  | { type: 'tls-hint'; hint: string; error: string }
  /** the long-polled Acquire in flight was cancelled because the worker drains or stops */
  | { type: 'acquire-cancelled'; reason: string }
  /** drained before the coordinator ever answered Register: nothing held, the worker leaves at once */
  | { type: 'left-unregistered'; reason: string; spooled: number }
  | { type: 'stopped'; reason: 'drained' | 'aborted' | 'idle'; spooled: number; uploads?: number };
