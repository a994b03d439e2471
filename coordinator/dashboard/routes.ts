/**
 * The dashboard's JSON API: one GET per page (sweeps, sweep, plots, trial, compare, failures), the
 * artifact files recorded in the `artifacts` table (by row id only: a URL never names a path), and the
 * two actions, cancel and drain, which need the token in the Authorization header.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, isAbsolute, resolve } from 'node:path';
import { errorMessage, UserError } from '../../shared/errors.js';
import type { DashboardReads } from '../store/reads/dashboard.js';
import { classBars, gridPlots, scatterPlot } from './plots.js';
import { contentType } from './static.js';
import {
  failuresView,
  leaderboardJson,
  sweepStatusView,
  sweepsView,
  trialView,
  type LeaderboardQuery,
} from './views.js';

/** Cancel and drain, done by the coordinator (in process, or over gRPC with the token). */
export interface DashboardAdmin {
  cancel(target: string): Promise<{ matched: string; cancelled: number; interrupted: number }>;
  drain(workerId: string): Promise<{ found: boolean; state: string; leased_trials: number }>;
}

export interface RouteContext {
  store: DashboardReads;
  dbPath: string;
  admin: DashboardAdmin | null;
  /** a token is configured (actions possible) */
  tokenSet: boolean;
}

export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

function leaderboardQuery(q: URLSearchParams): LeaderboardQuery {
  const mode = q.get('mode') ?? 'mean';
  if (mode !== 'mean' && mode !== 'per-class') throw new UserError(`mode must be mean or per-class, got ${mode}`);
  const order = q.get('order') || undefined;
  if (order !== undefined && order !== 'asc' && order !== 'desc')
    throw new UserError(`order must be asc or desc, got ${order}`);
  const top = q.get('top');
  return {
    metric: q.get('metric') || 'image_auroc',
    mode,
    top: top ? Number(top) : undefined,
    where: q.getAll('where').filter(Boolean),
    complete: q.get('complete') === '1',
    order,
  };
}

function plotsQuery(q: URLSearchParams): { metric: string; class: string; where: string[]; order?: 'asc' | 'desc' } {
  const order = q.get('order') || undefined;
  if (order !== undefined && order !== 'asc' && order !== 'desc')
    throw new UserError(`order must be asc or desc, got ${order}`);
  return {
    metric: q.get('metric') || 'image_auroc',
    class: q.get('class') ?? '',
    where: q.getAll('where').filter(Boolean),
    order,
  };
}

const required = (q: URLSearchParams, name: string): string => {
  const v = q.get(name);
  if (!v) throw new UserError(`the query parameter ${name} is required`);
  return v;
};

/** GET /api/... -> JSON; null when the path is not an API route. */
export function apiGet(ctx: RouteContext, path: string, q: URLSearchParams): unknown {
  switch (path) {
    case '/api/info':
      return { db: ctx.dbPath, actions: ctx.admin !== null && ctx.tokenSet };
    case '/api/sweeps':
      return sweepsView(ctx.store);
    case '/api/sweep/status':
      return sweepStatusView(ctx.store, required(q, 'sweep'));
    case '/api/sweep/leaderboard':
      return leaderboardJson(ctx.store, required(q, 'sweep'), leaderboardQuery(q));
    case '/api/plots/grid':
      return gridPlots(ctx.store, required(q, 'sweep'), plotsQuery(q));
    case '/api/plots/scatter':
      return scatterPlot(ctx.store, required(q, 'sweep'), plotsQuery(q));
    case '/api/plots/bars':
      return classBars(ctx.store, required(q, 'sweep'), plotsQuery(q));
    case '/api/trial':
      return trialView(ctx.store, required(q, 'id'));
    case '/api/compare': {
      const ids = required(q, 'ids').split(',').filter(Boolean);
      if (ids.length < 1 || ids.length > 4) throw new UserError(`compare takes 1 to 4 trials, got ${ids.length}`);
      return ids.map((id) => trialView(ctx.store, id));
    }
    case '/api/failures':
      return failuresView(ctx.store, required(q, 'sweep'));
    default:
      return null;
  }
}

/** GET /artifact/ID: the file of a row of the artifacts table (relative paths are under the database's folder). */
export function sendArtifact(ctx: RouteContext, res: ServerResponse, idText: string): void {
  const row = /^\d+$/.test(idText) ? ctx.store.artifactById(Number(idText)) : null;
  if (!row) return sendJson(res, 404, { error: `no artifact ${idText}` });
  const file = isAbsolute(row.path) ? row.path : resolve(dirname(resolve(ctx.dbPath)), row.path);
  if (!existsSync(file))
    return sendJson(res, 404, {
      error: `artifact ${row.id} (${row.kind}) is recorded at ${row.path}, which this machine does not have`,
    });
  const type = contentType(file);
  const inline = type.startsWith('image/') && type !== 'image/svg+xml';
  res.writeHead(200, {
    'content-type':
      inline || type.startsWith('application/json') || type.startsWith('text/plain')
        ? type
        : 'application/octet-stream',
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'",
    ...(inline
      ? {}
      : {
          'content-disposition': `attachment; filename="${row.path.split(/[\\/]/).pop()?.replace(/"/g, '') ?? 'artifact'}"`,
        }),
  });
  res.end(readFileSync(file));
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new UserError('request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** POST /api/cancel {target} and /api/drain {worker}; the caller checked the token. */
export async function apiAction(ctx: RouteContext, req: IncomingMessage, path: string): Promise<unknown> {
  if (!ctx.admin)
    throw new UserError(
      'this dashboard has no coordinator to act through (start it with --coordinator ADDR, or use `wepadim coordinator --http`)',
    );
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(await readBody(req)) as Record<string, unknown>;
  } catch (err) {
    throw err instanceof UserError ? err : new UserError(`request body must be JSON: ${errorMessage(err)}`);
  }
  const text = (k: string): string => {
    const v = body[k];
    if (typeof v !== 'string' || !v || v.length > 512)
      throw new UserError(`${k}: a non-empty string of at most 512 characters is required`);
    return v;
  };
  if (path === '/api/cancel') return ctx.admin.cancel(text('target'));
  if (path === '/api/drain') return ctx.admin.drain(text('worker'));
  return null;
}
