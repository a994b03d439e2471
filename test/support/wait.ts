/**
 * Waiting in tests without fixed sleeps: bounded polling for a condition that has no event (with a
 * generous overall timeout, so a loaded machine only makes it slower, never wrong), and a log of
 * events with a promise for the first one matching a predicate.
 */

/** Poll `cond` (every `everyMs`) until it holds; fail after `timeoutMs` naming `what`. */
export async function waitFor(
  cond: () => boolean,
  what = 'condition',
  timeoutMs = 30_000,
  everyMs = 10,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Events as they happen; `next(pred)` resolves with the first (past or future) event matching `pred`. */
export class EventLog<E> {
  readonly all: E[] = [];
  private waiters: { pred: (e: E) => boolean; resolve: (e: E) => void }[] = [];

  /** push an event (pass this as the onEvent callback) */
  readonly push = (e: E): void => {
    this.all.push(e);
    this.waiters = this.waiters.filter((w) => (w.pred(e) ? (w.resolve(e), false) : true));
  };

  next(pred: (e: E) => boolean, what = 'event', timeoutMs = 30_000): Promise<E> {
    const seen = this.all.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
        timeoutMs,
      );
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  count(pred: (e: E) => boolean): number {
    return this.all.filter(pred).length;
  }
}
