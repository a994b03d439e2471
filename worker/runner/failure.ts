/** A trial failure as an outcome: the reason, and whether another attempt could succeed. */
import { DataError, ShapeError, UserError, errorMessage } from '../../shared/errors.js';
import type { TrialOutcome } from '../objective-types.js';

export function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

/** error classes (by name, as they cross threads) that another attempt would repeat */
const FINAL_NAMES = new Set(['UserError', 'DataError', 'ShapeError', 'NumericalError']);

/** Bad data, impossible shapes and cancellations are final; anything else (e.g. out of memory) may be retried. */
export function failure(err: unknown): TrialOutcome {
  const final =
    err instanceof UserError ||
    err instanceof DataError ||
    err instanceof ShapeError ||
    isAbort(err) ||
    (err instanceof Error && FINAL_NAMES.has(err.name));
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  return { ok: false, error: `${name}${errorMessage(err)}`, retryable: !final };
}

/** A signal that aborts once every one of the given signals has aborted. */
export function allAborted(signals: readonly AbortSignal[]): AbortSignal {
  const ctl = new AbortController();
  const check = (): void => {
    if (signals.every((s) => s.aborted))
      ctl.abort(new DOMException('all trials of the group were cancelled', 'AbortError'));
  };
  for (const s of signals) s.addEventListener('abort', check, { once: true });
  check();
  return ctl.signal;
}
