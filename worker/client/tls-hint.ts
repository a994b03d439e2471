/**
 * A hint for the most common misconfiguration behind "coordinator unreachable" for ever: a plaintext worker
 * against a TLS coordinator (the server drops the connection before HTTP/2 starts: grpc-js says "Failed to
 * connect" with no socket error, or "Connection dropped"), or a TLS worker against a plaintext one (OpenSSL
 * reads HTTP/2 bytes as a TLS record: "wrong version number"). After a few such failures in a row, say once
 * what is probably wrong. A refused or timed-out connection is not a handshake mismatch and resets the count.
 */

export const TLS_HINT_AFTER = 3;

const NOT_TLS = /wrong version number|packet length too long|unknown protocol|ssl3_get_record|http_request/i;
const NEEDS_TLS = /Failed to connect \(|Connection dropped|Protocol error|ECONNRESET|socket hang up/i;

/** The hint for one failure, or null when it does not look like a TLS mismatch. */
export function tlsMismatchHint(error: string, workerUsesTls: boolean): string | null {
  if (workerUsesTls)
    return NOT_TLS.test(error)
      ? 'the coordinator may not use TLS (it answered in plaintext): drop --tls-ca and use --insecure, or start the coordinator with --tls-cert and --tls-key'
      : null;
  if (/ECONNREFUSED|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|DEADLINE/i.test(error)) return null;
  return NEEDS_TLS.test(error)
    ? 'the coordinator may require TLS (--tls-ca): it closes plaintext connections before they start'
    : null;
}

/** Counts consecutive mismatch-like failures; says its hint once, after TLS_HINT_AFTER of them. */
export class TlsHintWatch {
  private run = 0;
  private said = false;

  constructor(
    private readonly workerUsesTls: boolean,
    private readonly after = TLS_HINT_AFTER,
  ) {}

  /** a failed call; returns the hint when it is time to say it (once per worker) */
  failed(error: string): string | null {
    const hint = tlsMismatchHint(error, this.workerUsesTls);
    this.run = hint ? this.run + 1 : 0;
    if (!hint || this.said || this.run < this.after) return null;
    this.said = true;
    return hint;
  }

  /** a call went through: the count starts again */
  succeeded(): void {
    this.run = 0;
  }
}
