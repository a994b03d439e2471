/**
 * Static files of the dashboard: the pages under coordinator/dashboard/web/ and a fixed list of ES
 * modules from npm packages (preact, htm, echarts) served from node_modules, so the browser needs no
 * network and no build step. Only the files named here are served; gzip when the browser accepts it.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const WEB = join(here, 'web');
const require = createRequire(import.meta.url);

/** The folder of an installed package (its package.json may not be exported). */
export function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === name) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the folder of package ${name}`);
    dir = up;
  }
}

/** URL path under /vendor/ -> [package, file inside it]. The import map in web/index.html names the same paths. */
export const VENDOR: Record<string, [string, string]> = {
  'preact.mjs': ['preact', 'dist/preact.mjs'],
  'preact-hooks.mjs': ['preact', 'hooks/dist/hooks.mjs'],
  'htm.mjs': ['htm', 'dist/htm.module.js'],
  'htm-preact.mjs': ['htm', 'preact/index.module.js'],
  'echarts.mjs': ['echarts', 'dist/echarts.esm.min.mjs'],
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export const contentType = (path: string): string => TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

interface Cached {
  body: Buffer;
  gz: Buffer;
  type: string;
}

const cache = new Map<string, Cached>();

function load(file: string): Cached {
  let c = cache.get(file);
  if (!c) {
    const body = readFileSync(file);
    c = { body, gz: gzipSync(body), type: contentType(file) };
    cache.set(file, c);
  }
  return c;
}

/** The file for a static URL path, or null (not ours). */
export function staticFile(urlPath: string): string | null {
  if (urlPath === '/' || urlPath === '/index.html') return join(WEB, 'index.html');
  if (urlPath.startsWith('/vendor/')) {
    const v = VENDOR[urlPath.slice('/vendor/'.length)];
    return v ? join(packageDir(v[0]), v[1]) : null;
  }
  if (urlPath.startsWith('/web/')) {
    const rel = normalize(decodeURIComponent(urlPath.slice('/web/'.length)));
    if (rel.startsWith('..') || rel.includes(`${sep}..`) || rel.startsWith(sep)) return null;
    const file = join(WEB, rel);
    return existsSync(file) ? file : null;
  }
  return null;
}

export function sendStatic(req: IncomingMessage, res: ServerResponse, file: string): void {
  const c = load(file);
  // re-read in development would be nice; the files are small and fixed per release, so they are cached
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  res.writeHead(200, {
    'content-type': c.type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(gzip ? c.gz : c.body);
}
