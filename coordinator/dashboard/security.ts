/**
 * Who may read the dashboard and who may act. The coordinator's rules: a loopback listen address may
 * serve without a token; any other address needs the bearer token (or an explicit --insecure). When a
 * token is set, pages accept it as `Authorization: Bearer` or as the cookie the login form sets; cancel
 * and drain need the Authorization header itself (a cookie alone never authorises an action: no CSRF).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopback, type HostPort } from '../auth/transport.js';
import { UserError } from '../../shared/errors.js';

export const COOKIE = 'wepadim_token';

export interface DashboardAuth {
  /** bearer token; null = none configured */
  token: string | null;
  /** serve a non-loopback address without a token */
  insecure: boolean;
}

/** Refuse to serve a non-loopback address without a token, unless --insecure. */
export function checkDashboardListen(listen: HostPort, auth: DashboardAuth): void {
  if (isLoopback(listen.host) || auth.token !== null || auth.insecure) return;
  throw new UserError(
    `the dashboard on ${listen.host} (not a loopback address) needs a bearer token ($WEPADIM_TOKEN or --token-file), or --insecure to serve it to anyone who can reach it`,
  );
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

export function bearerOf(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer (.+)$/.exec(h) : null;
  return m ? m[1] : null;
}

function cookieOf(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** May this request read pages and data? */
export function mayRead(req: IncomingMessage, auth: DashboardAuth, loopback: boolean): boolean {
  if (auth.token === null) return loopback || auth.insecure;
  if (loopback) return true;
  const given = bearerOf(req) ?? cookieOf(req);
  return given !== null && same(given, auth.token);
}

/** May this request cancel or drain? Only with the token in the Authorization header. */
export function mayAct(req: IncomingMessage, auth: DashboardAuth): boolean {
  const given = bearerOf(req);
  return auth.token !== null && given !== null && same(given, auth.token);
}

export function checkToken(given: string, auth: DashboardAuth): boolean {
  return auth.token !== null && same(given, auth.token);
}

export function tokenCookie(token: string): string {
  return `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

export const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>wepadim dashboard: token</title>
<style>body{font:15px system-ui,sans-serif;margin:4rem auto;max-width:28rem}input,button{font:inherit;padding:.4rem}input{width:100%}</style></head>
<body><h1>wepadim dashboard</h1><p>This dashboard listens on a non-loopback address: give the coordinator's bearer token.</p>
<form method="post" action="/login"><input type="password" name="token" autocomplete="current-password" placeholder="token" autofocus>
<p><button type="submit">Open</button></p></form></body></html>`;
