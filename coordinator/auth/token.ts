/**
 * Bearer tokens: read from the WEPADIM_TOKEN environment variable or a file (never from argv, where
 * `ps` shows it to every user), and compared in constant time on every call.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Metadata } from '@grpc/grpc-js';
import { UserError } from '../../shared/errors.js';

export const TOKEN_ENV = 'WEPADIM_TOKEN';

/** The token from `--token-file FILE` (first line, trimmed) or else $WEPADIM_TOKEN; null when neither is set. */
export function readToken(tokenFile: string | undefined, env: NodeJS.ProcessEnv = process.env): string | null {
  if (tokenFile) {
    let text: string;
    try {
      text = readFileSync(tokenFile, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read token file: ${(err as Error).message}`, { file: tokenFile });
    }
    const token = text.split(/\r?\n/)[0].trim();
    if (!token) throw new UserError('token file is empty', { file: tokenFile, line: 1 });
    return checkTokenText(token, tokenFile);
  }
  const fromEnv = env[TOKEN_ENV]?.trim();
  return fromEnv ? checkTokenText(fromEnv, `$${TOKEN_ENV}`) : null;
}

function checkTokenText(token: string, where: string): string {
  if (token.length < 16)
    throw new UserError(`the token must be at least 16 characters long (got ${token.length})`, { file: where });
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new UserError('the token must be printable ASCII without spaces', { file: where });
  return token;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Constant-time check of `authorization: Bearer <token>` metadata against the expected token. */
export function bearerMatches(metadata: Metadata, expected: string): boolean {
  const values = metadata.get('authorization');
  if (values.length !== 1 || typeof values[0] !== 'string') return false;
  const m = /^Bearer (.+)$/.exec(values[0]);
  if (!m) return false;
  return timingSafeEqual(digest(m[1]), digest(expected));
}
