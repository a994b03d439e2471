/**
 * Feature cache in two layers: an in-memory LRU bounded in bytes, and an on-disk directory bounded in
 * bytes (least recently used entries evicted). An entry is the backbone output of one split of one
 * class (one FeatureBatch per tap), the extractor's identity, and for the test split the ground truth.
 * Entries are immutable: a key names everything that determines its content. A disk entry too large for the
 * caller's memory budget is handed out as file sources over its .bin (`lookup`), and taps written straight to a
 * file as the backbone runs become an entry by a rename (`spillPath`, `adopt`); disk format: feature-cache-disk.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestTruth } from '../engine/types.js';
import {
  headerOf,
  openEntry,
  readEntry,
  readHeader,
  tapBytes,
  writeEntry,
  writeHeader,
  writeTruth,
  type FeatureEntry,
  type FileFeatureEntry,
} from './feature-cache-disk.js';
import type { TapFile } from './tap-file.js';

export type { FeatureEntry };

export type CacheLayer = 'memory' | 'disk';

export interface FeatureCacheOptions {
  memoryBytes: number;
  dir: string | null;
  diskBytes: number;
}

type DiskRead = FeatureEntry | FileFeatureEntry | null;
const inMemory = (e: FeatureEntry | FileFeatureEntry): e is FeatureEntry => 'batches' in e;

/** A cache hit: an entry in memory, or (`lookup` above its memory limit) one whose taps stay in the cache's file. */
export type CacheHit = { layer: CacheLayer; entry: FeatureEntry } | { layer: 'disk'; file: FileFeatureEntry };

export function entryBytes(e: FeatureEntry): number {
  let b = 0;
  for (const f of e.batches) b += f.data.byteLength;
  if (e.truth) b += e.truth.labels.byteLength + e.truth.masks.byteLength;
  return b;
}

export class FeatureCache {
  private readonly mem = new Map<string, { entry: FeatureEntry; bytes: number }>();
  private memBytes = 0;
  hits = { memory: 0, disk: 0, miss: 0 };

  constructor(private readonly opts: FeatureCacheOptions) {}

  async get(key: string): Promise<{ entry: FeatureEntry; layer: CacheLayer } | null> {
    const hit = await this.lookup(key);
    return hit && 'entry' in hit ? hit : null;
  }

  /**
   * The entry of `key`; a disk entry whose taps exceed `maxMemoryBytes` is not read but opened as file sources
   * (named `label` in errors; the caller closes it).
   */
  async lookup(key: string, maxMemoryBytes = Infinity, label = key): Promise<CacheHit | null> {
    const m = this.mem.get(key);
    if (m) {
      this.mem.delete(key); // re-insert: most recently used last
      this.mem.set(key, m);
      this.hits.memory++;
      return { entry: m.entry, layer: 'memory' };
    }
    const d = await this.readDisk(key, maxMemoryBytes, label);
    if (d) {
      this.hits.disk++;
      if (!inMemory(d)) return { file: d, layer: 'disk' };
      this.remember(key, d);
      return { entry: d, layer: 'disk' };
    }
    this.hits.miss++;
    return null;
  }

  async put(key: string, entry: FeatureEntry): Promise<void> {
    this.remember(key, entry);
    await this.writeDisk(key, entry);
  }

  inMemory(key: string): boolean {
    return this.mem.has(key);
  }

  /** whether the disk layer holds `key` (header and data present; an evicted entry is gone) */
  onDisk(key: string): boolean {
    if (!this.opts.dir) return false;
    const p = this.paths(key);
    return existsSync(p.header) && existsSync(p.data);
  }

  /** drop every in-memory entry but those of `keys` (the disk layer stays) */
  keepInMemory(keys: readonly string[]): void {
    for (const [k, v] of this.mem) {
      if (keys.includes(k)) continue;
      this.mem.delete(k);
      this.memBytes -= v.bytes;
    }
  }

  /** drop the in-memory layer (the disk layer stays) */
  clearMemory(): void {
    this.mem.clear();
    this.memBytes = 0;
  }

  get memoryBytes(): number {
    return this.memBytes;
  }

  private remember(key: string, entry: FeatureEntry): void {
    const bytes = entryBytes(entry);
    if (bytes > this.opts.memoryBytes) return;
    const old = this.mem.get(key);
    if (old) {
      this.mem.delete(key);
      this.memBytes -= old.bytes;
    }
    this.mem.set(key, { entry, bytes });
    this.memBytes += bytes;
    for (const [k, v] of this.mem) {
      if (this.memBytes <= this.opts.memoryBytes) break;
      this.mem.delete(k);
      this.memBytes -= v.bytes;
    }
  }

  private paths(key: string): { header: string; data: string } {
    const dir = this.opts.dir ?? '';
    return { header: join(dir, `${key}.json`), data: join(dir, `${key}.bin`) };
  }

  private async readDisk(key: string, maxMemoryBytes: number, label: string): Promise<DiskRead> {
    if (!this.opts.dir) return null;
    const p = this.paths(key);
    const header = await readHeader(p.header);
    if (!header) return null;
    const got =
      tapBytes(header) > maxMemoryBytes ? await openEntry(p.data, header, label) : await readEntry(p.data, header);
    if (got === 'corrupt') {
      await rm(p.header, { force: true });
      await rm(p.data, { force: true });
      return null;
    }
    if (got) {
      const now = new Date();
      await utimes(p.header, now, now).catch(() => undefined);
    }
    return got;
  }

  private async writeDisk(key: string, e: FeatureEntry): Promise<void> {
    if (!this.opts.dir) return;
    const bytes = entryBytes(e);
    if (bytes > this.opts.diskBytes) return;
    await mkdir(this.opts.dir, { recursive: true });
    const p = this.paths(key);
    const tmp = `${p.data}.tmp-${process.pid}`;
    await writeEntry(tmp, e);
    await rename(tmp, p.data);
    await writeHeader(p.header, headerOf(e));
    await this.evictDisk();
  }

  /**
   * Where to write a split's taps that do not fit memory: a temporary name in the cache directory when the entry
   * (taps and truth) fits the disk limit (`adopt` renames it into place), else null (the caller uses a spill file).
   */
  async spillPath(key: string, bytes: number): Promise<string | null> {
    if (!this.opts.dir || bytes > this.opts.diskBytes) return null;
    await mkdir(this.opts.dir, { recursive: true });
    return `${this.paths(key).data}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  }

  /** Make a tap file written at `spillPath` the entry of `key` (the file stays open for its sources). */
  async adopt(
    key: string,
    file: TapFile,
    extractor: FeatureEntry['extractor'],
    truth: TestTruth | null,
  ): Promise<void> {
    const p = this.paths(key);
    if (truth) await writeTruth(file.fd, truth, file.bytes);
    await rename(file.path, p.data);
    await writeHeader(p.header, headerOf({ batches: [...file.shapes], extractor, truth }));
    await this.evictDisk();
  }

  /** Remove least recently used entries until the directory is within its byte limit. */
  private async evictDisk(): Promise<void> {
    const dir = this.opts.dir;
    if (!dir) return;
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    const entries: { key: string; bytes: number; used: number }[] = [];
    for (const n of names) {
      const key = n.slice(0, -5);
      try {
        const [h, d] = await Promise.all([stat(join(dir, n)), stat(join(dir, `${key}.bin`))]);
        entries.push({ key, bytes: h.size + d.size, used: h.mtimeMs });
      } catch {
        // half-written or concurrently removed entry
      }
    }
    let total = entries.reduce((s, x) => s + x.bytes, 0);
    entries.sort((a, b) => a.used - b.used);
    for (const x of entries) {
      if (total <= this.opts.diskBytes) break;
      const p = this.paths(x.key);
      await rm(p.header, { force: true });
      await rm(p.data, { force: true });
      total -= x.bytes;
    }
  }
}
