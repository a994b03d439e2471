import { describe, expect, it } from 'vitest';
import { DISK_CACHE_MAX, DISK_CACHE_MIN, diskCacheBytes, freeBytes } from '../../worker/runner/disk-cache-size.js';

const GIB = 1024 ** 3;

describe('the disk feature cache size', () => {
  it('is a quarter of the free space, between 2 and 32 GiB', () => {
    const free = (gb: number) => () => gb * GIB;
    expect(diskCacheBytes('/c', {}, free(40))).toBe(10 * GIB);
    expect(diskCacheBytes('/c', {}, free(4))).toBe(DISK_CACHE_MIN);
    expect(diskCacheBytes('/c', {}, free(1000))).toBe(DISK_CACHE_MAX);
    expect(diskCacheBytes('/c', {}, () => null)).toBe(DISK_CACHE_MIN); // unknown: the old fixed size
    expect(diskCacheBytes(null, {}, free(40))).toBe(DISK_CACHE_MIN);
  });

  it('follows $WEPADIM_CACHE_DISK_GB, and names it when it is not a size', () => {
    expect(diskCacheBytes('/c', { WEPADIM_CACHE_DISK_GB: '0.5' }, () => 100 * GIB)).toBe(GIB / 2);
    expect(() => diskCacheBytes('/c', { WEPADIM_CACHE_DISK_GB: 'lots' })).toThrow(/WEPADIM_CACHE_DISK_GB=lots/);
    expect(() => diskCacheBytes('/c', { WEPADIM_CACHE_DISK_GB: '0' })).toThrow(/> 0/);
  });

  it('reads the free space of the nearest existing folder', () => {
    const f = freeBytes('/tmp/wepadim-no-such-folder/below');
    expect(f).not.toBeNull();
    expect(f).toBeGreaterThan(0);
  });
});
