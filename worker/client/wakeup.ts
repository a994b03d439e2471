/**
 * A wake-up call between the worker's loops: wait() resolves on the next wake(), when `signal` aborts,
 * or after an optional timeout. A wake() with nobody waiting is not remembered (callers re-check their
 * condition before waiting).
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  /** resolve everyone waiting now */
  wake(): void {
    const now = [...this.waiters];
    this.waiters.clear();
    for (const w of now) w();
  }

  wait(signal: AbortSignal, timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = timeoutMs === undefined ? null : setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  get waiting(): number {
    return this.waiters.size;
  }
}
