/**
 * The web dashboard's HTTP server: `wepadim dashboard --db FILE` on its own, or inside the coordinator
 * (`wepadim coordinator --http ADDR`). It reads SQLite through its own read-only connection, serves the
 * pages and their JSON API, pushes changes as server-sent events, and refuses a non-loopback address
 * without a token (see security.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, UserError } from '../../shared/errors.js';
import type { Logger } from '../../shared/log.js';
import { formatHostPort, isLoopback, parseHostPort } from '../auth/transport.js';
import { DashboardReads } from '../store/reads/dashboard.js';
import { freshnessOf, ResponseCache } from './cache.js';
import { LiveStream } from './live.js';
import {
  apiAction,
  apiGet,
  sendArtifact,
  sendJson,
  sendJsonText,
  type DashboardAdmin,
  type RouteContext,
} from './routes.js';
import {
  checkDashboardListen,
  checkToken,
  LOGIN_PAGE,
  mayAct,
  mayRead,
  tokenCookie,
  type DashboardAuth,
} from './security.js';
import { sendStatic, staticFile } from './static.js';

export type { DashboardAdmin } from './routes.js';

export interface DashboardOptions {
  dbPath: string;
  /** HOST:PORT; port 0 = any free port */
  listen: string;
  auth: DashboardAuth;
  admin?: DashboardAdmin | null;
  /** ms between change checks of the live stream (default 250) */
  pollMs?: number;
  log?: Logger;
}

export interface RunningDashboard {
  /** http://host:port/ actually bound */
  url: string;
  live: LiveStream;
  close(): Promise<void>;
}

export async function startDashboard(opts: DashboardOptions): Promise<RunningDashboard> {
  const listen = parseHostPort(opts.listen);
  checkDashboardListen(listen, opts.auth);
  const loopback = isLoopback(listen.host);
  const store = DashboardReads.open(opts.dbPath);
  const live = new LiveStream(store, opts.pollMs ?? 250);
  const ctx: RouteContext = {
    store,
    dbPath: opts.dbPath,
    admin: opts.admin ?? null,
    tokenSet: opts.auth.token !== null,
  };
  const cache = new ResponseCache();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (path === '/login') {
      if (req.method === 'POST') {
        const form = new URLSearchParams(
          await new Promise<string>((r) => {
            let s = '';
            req.on('data', (c: Buffer) => (s.length < 4096 ? (s += c.toString()) : undefined));
            req.on('end', () => r(s));
          }),
        );
        const token = form.get('token') ?? '';
        if (!checkToken(token, opts.auth)) {
          res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' });
          return void res.end(LOGIN_PAGE.replace('<form', '<p style="color:#b00">Wrong token.</p><form'));
        }
        res.writeHead(303, { location: '/', 'set-cookie': tokenCookie(token) });
        return void res.end();
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(LOGIN_PAGE);
    }
    if (!mayRead(req, opts.auth, loopback)) {
      if (path.startsWith('/api/') || path.startsWith('/artifact/'))
        return sendJson(res, 401, { error: 'this dashboard needs the bearer token' });
      res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'www-authenticate': 'Bearer' });
      return void res.end(LOGIN_PAGE);
    }
    if (req.method === 'POST' && (path === '/api/cancel' || path === '/api/drain')) {
      if (!mayAct(req, opts.auth))
        return sendJson(res, opts.auth.token === null ? 403 : 401, {
          error:
            opts.auth.token === null
              ? 'cancel and drain need a dashboard started with a token ($WEPADIM_TOKEN or --token-file)'
              : 'cancel and drain need the bearer token',
        });
      const out = await apiAction(ctx, req, path);
      opts.log?.info('dashboard action', { path, result: JSON.stringify(out) });
      return sendJson(res, 200, out);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { error: `${req.method} is not allowed here` });
    if (path === '/api/events') return live.attach(res);
    if (path.startsWith('/artifact/')) return sendArtifact(ctx, res, path.slice('/artifact/'.length));
    if (path.startsWith('/api/')) {
      const t = performance.now();
      live.check(); // a commit since the last poll invalidates the cache now, not a tick later
      const version = String(live.state[freshnessOf(path)]);
      const key = path + url.search;
      let text = cache.get(key, version);
      res.setHeader('x-cache', text === null ? 'miss' : 'hit');
      if (text === null) {
        const body = apiGet(ctx, path, url.searchParams);
        if (body === null) return sendJson(res, 404, { error: `no such API: ${path}` });
        text = JSON.stringify(body);
        cache.set(key, version, text);
      }
      res.setHeader('server-timing', `db;dur=${(performance.now() - t).toFixed(1)}`);
      return sendJsonText(res, 200, text);
    }
    const file = staticFile(path);
    if (file) return sendStatic(req, res, file);
    sendJson(res, 404, { error: `not found: ${path}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof UserError) return sendJson(res, 400, { error: errorMessage(err) });
      opts.log?.error('dashboard request failed', { url: req.url ?? '', error: errorMessage(err) });
      sendJson(res, 500, { error: errorMessage(err) });
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen.port, listen.host, () => resolve());
    });
  } catch (err) {
    live.close();
    store.close();
    throw new UserError(`dashboard: cannot listen on ${opts.listen}: ${errorMessage(err)}`);
  }
  const port = (server.address() as AddressInfo).port;
  const url = `http://${formatHostPort({ host: listen.host, port })}/`;
  opts.log?.info('dashboard listening', { url, db: opts.dbPath, token: opts.auth.token !== null });
  let closing: Promise<void> | null = null;
  return {
    url,
    live,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        live.close();
        server.close(() => {
          store.close();
          resolve();
        });
        server.closeAllConnections();
      })),
  };
}
