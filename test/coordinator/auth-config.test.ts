import { Metadata } from '@grpc/grpc-js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerMatches, readToken } from '../../coordinator/auth/token.js';
import { isLoopback, parseHostPort, readClientTls, readServerTls } from '../../coordinator/auth/transport.js';
import { UserError } from '../../shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'wepadim-authcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('token sources', () => {
  it('reads the first line of --token-file, else $WEPADIM_TOKEN, and rejects weak or missing tokens with the source named', () => {
    const f = join(dir, 'token');
    writeFileSync(f, '  abcdefghijklmnop0123  \nsecond line ignored\n');
    expect(readToken(f, {})).toBe('abcdefghijklmnop0123');
    expect(readToken(undefined, { WEPADIM_TOKEN: 'from-env-0123456789' })).toBe('from-env-0123456789');
    expect(readToken(undefined, {})).toBeNull();
    expect(() => readToken(undefined, { WEPADIM_TOKEN: 'short' })).toThrow(
      /\$WEPADIM_TOKEN: the token must be at least 16/,
    );
    writeFileSync(join(dir, 'empty'), '\n');
    expect(() => readToken(join(dir, 'empty'), {})).toThrow(/empty:1: token file is empty/);
    expect(() => readToken(join(dir, 'missing'), {})).toThrow(UserError);
    expect(() => readToken(join(dir, 'missing'), {})).toThrow(/missing: cannot read token file/);
  });

  it('bearerMatches accepts exactly "Bearer <token>"', () => {
    const md = (v?: string): Metadata => {
      const m = new Metadata();
      if (v !== undefined) m.set('authorization', v);
      return m;
    };
    const t = 'abcdefghijklmnop0123';
    expect(bearerMatches(md(`Bearer ${t}`), t)).toBe(true);
    expect(bearerMatches(md(`Bearer ${t}x`), t)).toBe(false);
    expect(bearerMatches(md(`bearer ${t}`), t)).toBe(false);
    expect(bearerMatches(md(t), t)).toBe(false);
    expect(bearerMatches(md(), t)).toBe(false);
  });
});

describe('addresses and TLS files', () => {
  it('parses HOST:PORT and knows loopback', () => {
    expect(parseHostPort('127.0.0.1:7070')).toEqual({ host: '127.0.0.1', port: 7070 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(() => parseHostPort('localhost')).toThrow(/HOST:PORT/);
    expect(() => parseHostPort('h:70000')).toThrow(/out of range/);
    expect(['127.0.0.2', '::1', 'localhost', '10.0.0.1', '0.0.0.0', 'example.org'].map(isLoopback)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('TLS flags: cert and key go together; a missing file is named', () => {
    writeFileSync(join(dir, 'c.pem'), 'CERT');
    writeFileSync(join(dir, 'k.pem'), 'KEY');
    expect(readServerTls({})).toBeNull();
    expect(readServerTls({ cert: join(dir, 'c.pem'), key: join(dir, 'k.pem') })).toEqual({
      cert: Buffer.from('CERT'),
      key: Buffer.from('KEY'),
    });
    expect(() => readServerTls({ ca: join(dir, 'c.pem') })).toThrow(/--tls-cert and --tls-key together/);
    expect(() => readServerTls({ cert: join(dir, 'nope.pem'), key: join(dir, 'k.pem') })).toThrow(
      /nope\.pem: --tls-cert: cannot read/,
    );
    expect(readClientTls({ ca: join(dir, 'c.pem') })).toEqual({ ca: Buffer.from('CERT') });
    expect(() => readClientTls({ cert: join(dir, 'c.pem') })).toThrow(/together/);
  });
});
