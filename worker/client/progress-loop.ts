/** The progress loop: flush the worker's pending progress updates every `everyMs` until stopped. */
import { sleep } from './backoff.js';
import type { ProgressSender, ProgressTransport } from './progress-sender.js';

export const PROGRESS_FLUSH_MS = 250;

export async function runProgressLoop(
  progress: ProgressSender,
  workerId: string,
  rpc: ProgressTransport,
  signal: AbortSignal,
  everyMs = PROGRESS_FLUSH_MS,
): Promise<void> {
  while (!signal.aborted) {
    await sleep(everyMs, signal);
    try {
      await progress.flush(workerId, rpc);
    } catch {
      // kept and resent on the next flush
    }
  }
}
