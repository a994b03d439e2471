/**
 * The control stream: cancel and drain orders from the coordinator. The stream is reopened with
 * jittered backoff whenever it fails or ends, until `signal` aborts.
 */
import type { ControlMessage__Output } from '../../proto/gen/wepadim/v1/ControlMessage.js';
import { Backoff, sleep } from './backoff.js';
import type { CoordinatorRpc } from './rpc.js';

export interface ControlHandlers {
  cancel(trialKeys: readonly string[], leaseIds: readonly string[], reason: string): void;
  drain(reason: string): void;
  /** the stream broke; it is reopened after `retryInMs` */
  disconnected(error: string, retryInMs: number): void;
}

export async function runControlStream(
  rpc: Pick<CoordinatorRpc, 'control'>,
  workerId: string,
  signal: AbortSignal,
  on: ControlHandlers,
): Promise<void> {
  const backoff = new Backoff();
  while (!signal.aborted) {
    const ended = await new Promise<string>((resolve) => {
      const call = rpc.control(workerId);
      const stop = (): void => call.cancel();
      signal.addEventListener('abort', stop, { once: true });
      const done = (why: string): void => {
        signal.removeEventListener('abort', stop);
        resolve(why);
      };
      call.on('data', (m: ControlMessage__Output) => {
        backoff.reset();
        if (m.cancel) on.cancel(m.cancel.trial_keys, m.cancel.lease_ids, m.cancel.reason);
        else if (m.drain) on.drain(m.drain.reason || 'drain order');
      });
      call.on('error', (e: Error) => done(e.message));
      call.on('end', () => done('stream ended'));
    });
    if (signal.aborted) return;
    const d = backoff.next();
    on.disconnected(ended, d);
    await sleep(d, signal);
  }
}
