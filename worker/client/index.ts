/** The worker's client side: connects a worker process to the coordinator and runs leased trials. */
export { runWorker } from './worker.js';
export type { WorkerEvent, WorkerOptions } from './types.js';
export { ResultSpool, type SpooledResult } from './spool.js';
export { Backoff, backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { ProgressSender } from './progress-sender.js';
