/**
 * `weights fetch`: download the official torchvision file, check the sha256 prefix in its name (as
 * torch.hub does), then import it with the IMAGENET1K_V1 tag. Offline it fails fast with manual steps.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backbone } from '../../shared/backbones.js';
import { UserError } from '../../shared/errors.js';
import type { Progress } from '../../shared/progress.js';
import { hashPrefix, IMAGENET_TAG, OFFICIAL_FILES, officialUrl } from './official.js';
import { importWeights, type WeightsMeta } from './store.js';

export function manualImportHint(arch: Backbone): string {
  return `On a machine with internet: curl -LO ${officialUrl(arch)}; copy the file here and run: wepadim weights import ${OFFICIAL_FILES[arch]} --arch ${arch}`;
}

export interface FetchOptions {
  dir?: string;
  connectTimeoutMs?: number;
  /** mirror holding the official file names (default $WEPADIM_WEIGHTS_MIRROR, else download.pytorch.org) */
  baseUrl?: string;
  progress?: (total: number) => Progress;
}

export async function fetchOfficialWeights(arch: Backbone, opts: FetchOptions = {}): Promise<WeightsMeta> {
  const base = opts.baseUrl ?? process.env.WEPADIM_WEIGHTS_MIRROR;
  const url = base ? `${base.replace(/\/+$/, '')}/${OFFICIAL_FILES[arch]}` : officialUrl(arch);
  let res: Response;
  // the timeout covers connecting and the response headers only, not the (large) body
  const ctl = new AbortController();
  const timer = setTimeout(
    () => ctl.abort(new Error('no response within the connect timeout')),
    opts.connectTimeoutMs ?? 15_000,
  );
  try {
    res = await fetch(url, { signal: ctl.signal });
  } catch (e) {
    const c = (e as { cause?: { code?: string; message?: string } }).cause;
    const cause = c?.code ?? c?.message ?? (e as Error).message;
    throw new UserError(`cannot download ${url} (${cause}): no internet here? ${manualImportHint(arch)}`);
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok || !res.body)
    throw new UserError(`download of ${url} failed: HTTP ${res.status}. ${manualImportHint(arch)}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  const bar = opts.progress?.(total);
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  let got = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    hash.update(chunk);
    got += chunk.length;
    bar?.update(got);
  }
  bar?.done();
  const hex = hash.digest('hex');
  const want = hashPrefix(OFFICIAL_FILES[arch]);
  if (want && !hex.startsWith(want))
    throw new UserError(
      `downloaded ${OFFICIAL_FILES[arch]} has sha256 ${hex}, which does not start with ${want}: corrupt download, try again`,
    );
  const bytes = Buffer.concat(chunks);
  const dir = mkdtempSync(join(tmpdir(), 'wepadim-fetch-'));
  try {
    const file = join(dir, OFFICIAL_FILES[arch]);
    writeFileSync(file, bytes);
    return importWeights({ file, arch, dir: opts.dir, tag: IMAGENET_TAG, bytes });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
