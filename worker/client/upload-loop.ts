/**
 * The upload loop: whenever upload jobs are open, run the uploader, retrying with jittered backoff while
 * the coordinator is away. Runs beside result delivery: the coordinator accepts a trial's files from the
 * attempt that produced its result also after the result was acknowledged.
 */
import { Backoff, sleep } from './backoff.js';
import { errText } from './failures.js';
import type { ArtifactTransport, Uploader } from './uploader.js';
import type { Wakeup } from './wakeup.js';

export interface UploadLoopDeps {
  uploader: Uploader;
  rpc: ArtifactTransport;
  ready: Wakeup;
  /** an upload round went through (the drain waits on this) */
  uploaded(): void;
  disconnected(error: string, retryInMs: number): void;
}

export async function runUploadLoop(d: UploadLoopDeps, signal: AbortSignal, backoff = new Backoff()): Promise<void> {
  while (!signal.aborted) {
    if (d.uploader.pending === 0) {
      await d.ready.wait(signal, 1000);
      continue;
    }
    try {
      await d.uploader.pass(d.rpc);
      backoff.reset();
      d.uploaded();
      if (d.uploader.pending > 0) await d.ready.wait(signal, 200); // jobs still being written
    } catch (err) {
      const ms = backoff.next();
      d.disconnected(errText(err), ms);
      await sleep(ms, signal);
    }
  }
}
