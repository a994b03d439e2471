/**
 * The worker's drain state: once started (drain signal, a coordinator order, idle) the worker takes no
 * new leases, finishes what runs and delivers it. `changed` wakes the loops that wait on the worker's
 * state (a free slot, a drain, a delivery).
 */
import { Wakeup } from './wakeup.js';

export class Drain {
  private why: string | null = null;
  private readonly started = new AbortController();
  /** woken when the worker's state moves: drain started, results delivered, a slot freed */
  readonly changed = new Wakeup();

  constructor(private readonly onStart: (reason: string) => void = () => undefined) {}

  /** start draining (the first reason wins); later calls do nothing */
  start(reason: string): void {
    if (this.why !== null) return;
    this.why = reason;
    this.started.abort(reason);
    this.onStart(reason);
    this.changed.wake();
  }

  /** aborted when the drain starts: ends a registration retry loop or a long-polled Acquire at once */
  get signal(): AbortSignal {
    return this.started.signal;
  }

  get active(): boolean {
    return this.why !== null;
  }

  get reason(): string {
    return this.why ?? '';
  }

  /** drain when `signal` aborts (now if it already has); returns the detach function */
  follow(signal: AbortSignal | undefined, reason: string): () => void {
    if (!signal) return () => undefined;
    const on = (): void => this.start(reason);
    signal.addEventListener('abort', on, { once: true });
    if (signal.aborted) this.start(reason);
    return () => signal.removeEventListener('abort', on);
  }
}
