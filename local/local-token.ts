/**
 * The one-time bearer token of `wepadim run`: its coordinator listens in plaintext on loopback, where any
 * user of the machine could connect, so every call must carry a token that only this run's workers get
 * (in their environment, never on a command line). It lives as long as the run.
 */
import { randomBytes } from 'node:crypto';

/** 256 random bits as 64 hex characters (a valid token for coordinator/auth/token.ts). */
export function oneTimeToken(): string {
  return randomBytes(32).toString('hex');
}
