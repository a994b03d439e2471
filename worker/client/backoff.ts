/**
 * Reconnect policy: exponential backoff with full jitter (delay uniform in [0, min(cap, base * 2^n)]),
 * so many workers that lost the same coordinator do not come back in lock-step.
 */

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** a uniform random number in [0, 1); Math.random by default, injectable for tests */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5000 };

/** Delay before retry number `attempt` (0-based). */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const rnd = opts.random ?? Math.random;
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(rnd() * ceiling);
}

/** A counter of consecutive failures that yields the next delay and resets on success. */
export class Backoff {
  private failures = 0;
  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}
  next(): number {
    return backoffDelay(this.failures++, this.opts);
  }
  reset(): void {
    this.failures = 0;
  }
  get attempts(): number {
    return this.failures;
  }
}

/** Sleep `ms`, waking early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
