/** How the worker client words the failures it reports: error text, and the fatal credentials error. */
import { UserError } from '../../shared/errors.js';

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The coordinator refused our credentials: retrying cannot help, so the worker stops (exit code 2). */
export const authError = (err: unknown): UserError =>
  new UserError(
    `the coordinator rejected this worker's credentials (${errText(err)}); check WEPADIM_TOKEN / --token-file and the TLS files`,
  );
