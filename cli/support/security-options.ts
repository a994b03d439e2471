/**
 * Command-line flags shared by `wepadim coordinator`, `drain` and `cancel`: the token comes from
 * $WEPADIM_TOKEN or --token-file (never argv), plus TLS files and --insecure. Light to import: the
 * gRPC-dependent parts are in security-connect.ts, which handlers import lazily.
 */
import type { Argv } from 'yargs';
import { TOKEN_ENV } from '../../coordinator/auth/token.js';

export const DEFAULT_ADDRESS = '127.0.0.1:7070';

/** One wording of --insecure for every command that has it (coordinator, worker, drain, cancel). */
export const INSECURE_DESCRIBE =
  'plaintext gRPC, no TLS: for loopback; a coordinator refuses it on other addresses unless given --force-insecure';

export interface SecurityArgs {
  'token-file'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-ca'?: string;
  insecure: boolean;
  json: boolean;
}

export function withSecurity<T>(y: Argv<T>, side: 'server' | 'client'): Argv<T & SecurityArgs> {
  return y
    .option('token-file', { type: 'string', describe: `file holding the bearer token (default: $${TOKEN_ENV})` })
    .option('tls-cert', {
      type: 'string',
      describe: side === 'server' ? 'server certificate (PEM)' : 'client certificate for mutual TLS (PEM)',
    })
    .option('tls-key', {
      type: 'string',
      describe: side === 'server' ? 'server private key (PEM)' : 'client private key for mutual TLS (PEM)',
    })
    .option('tls-ca', {
      type: 'string',
      describe:
        side === 'server'
          ? 'CA bundle: require client certificates signed by it (mutual TLS)'
          : 'CA bundle that signed the coordinator certificate',
    })
    .option('insecure', { type: 'boolean', default: false, describe: INSECURE_DESCRIBE })
    .option('json', { type: 'boolean', default: false, describe: 'machine-readable output' });
}
