/**
 * How many bytes the on-disk feature cache may hold. MVTec AD's features are 7.5 GB for resnet18 and about 30 GB for
 * wide_resnet50_2, so a fixed 2 GiB evicted a sweep's classes before its best-configs sweep could reuse them: the
 * default is a quarter of the cache folder's free space when the worker starts, between 2 and 32 GiB.
 * $WEPADIM_CACHE_DISK_GB sets it (GiB, > 0); the objective's `diskCacheBytes` option overrides both.
 */
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../shared/errors.js';

const GIB = 1024 ** 3;
export const DISK_CACHE_MIN = 2 * GIB;
export const DISK_CACHE_MAX = 32 * GIB;

/** Free bytes of the file system holding `dir` (or its nearest existing parent); null when unknown. */
export function freeBytes(dir: string): number | null {
  for (let d = dir; ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      return Number(s.bavail) * Number(s.bsize);
    } catch {
      if (dirname(d) === d) return null;
    }
  }
}

export function diskCacheBytes(
  dir: string | null,
  env: NodeJS.ProcessEnv = process.env,
  free: (dir: string) => number | null = freeBytes,
): number {
  const v = env.WEPADIM_CACHE_DISK_GB;
  if (v !== undefined && v !== '') {
    const gb = Number(v);
    if (!(gb > 0)) throw new UserError(`WEPADIM_CACHE_DISK_GB=${v}: expected a number of GiB > 0`);
    return Math.floor(gb * GIB);
  }
  const f = dir === null ? null : free(dir);
  if (f === null) return DISK_CACHE_MIN;
  return Math.min(DISK_CACHE_MAX, Math.max(DISK_CACHE_MIN, Math.floor(f / 4)));
}
