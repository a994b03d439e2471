/**
 * Delivery: whenever finished results are on disk in the spool, send them (after the progress of their
 * trials), retrying with jittered backoff while the coordinator is away. On drain, the worker waits a
 * bounded time for the spool to empty (what is left stays spooled for the next start).
 */
import { Backoff, sleep } from './backoff.js';
import type { Deliverer, FinishTransport } from './deliverer.js';
import { errText } from './failures.js';
import type { ProgressSender, ProgressTransport } from './progress-sender.js';
import type { Wakeup } from './wakeup.js';

export interface DeliveryDeps {
  deliverer: Deliverer;
  progress: ProgressSender;
  workerId: string;
  rpc: FinishTransport & ProgressTransport;
  /** woken by the deliverer when results are ready to send */
  ready: Wakeup;
  /** a delivery round went through */
  delivered(): void;
  /** a delivery round failed; the next one is in `retryInMs` */
  disconnected(error: string, retryInMs: number): void;
}

export async function runDeliveryLoop(d: DeliveryDeps, signal: AbortSignal, backoff = new Backoff()): Promise<void> {
  while (!signal.aborted) {
    if (d.deliverer.deliverable === 0) {
      await d.ready.wait(signal);
      continue;
    }
    try {
      // progress first, so a trial's last updates land before its result closes the lease (an update
      // arriving after the Complete is stale and dropped); results whose progress is still unacknowledged
      // wait for the next round. When progress cannot be sent at all, results go anyway (progress is advisory).
      const progressOk = await d.progress.flushAll(d.workerId, d.rpc).then(
        () => true,
        () => false,
      );
      await d.deliverer.deliver(d.rpc, progressOk ? (leaseId) => !d.progress.hasPending(leaseId) : undefined);
      backoff.reset();
      d.delivered();
    } catch (err) {
      const ms = backoff.next();
      d.disconnected(errText(err), ms);
      await sleep(ms, signal);
    }
  }
}

/**
 * On drain: keep the delivery loop going until the spool is empty, `timeoutMs` passed or `signal`
 * aborted. `changed` is woken after each delivery round; the wait is re-checked at least every 200 ms.
 */
export async function deliverBeforeExit(
  deliverer: Deliverer,
  ready: Wakeup,
  changed: Wakeup,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (deliverer.pending > 0 && Date.now() < deadline && !signal.aborted) {
    ready.wake();
    await changed.wait(signal, 200);
  }
}
