/**
 * Feature cache in two layers: an in-memory LRU bounded in bytes, and an on-disk directory bounded in
 * bytes (least recently used entries evicted). An entry is the backbone output of one split of one
 * class (one FeatureBatch per tap), the extractor's identity, and for the test split the ground truth.
 * Entries are immutable: a key names everything that determines its content.
 */
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { featureBatch, type FeatureBatch } from '../engine/feature-batch.js';
import type { TestTruth } from '../engine/types.js';
import type { ExtractorInfo } from './ports.js';

export interface FeatureEntry {
  batches: FeatureBatch[];
  extractor: ExtractorInfo & { weightsId: string };
  truth: TestTruth | null;
}

export type CacheLayer = 'memory' | 'disk';

export interface FeatureCacheOptions {
  memoryBytes: number;
  dir: string | null;
  diskBytes: number;
}

interface DiskHeader {
  format: 1;
  extractor: FeatureEntry['extractor'];
  batches: { n: number; c: number; h: number; w: number }[];
  truth: { n: number; defects: string[] } | null;
}

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
    const m = this.mem.get(key);
    if (m) {
      this.mem.delete(key); // re-insert: most recently used last
      this.mem.set(key, m);
      this.hits.memory++;
      return { entry: m.entry, layer: 'memory' };
    }
    const d = await this.readDisk(key);
    if (d) {
      this.remember(key, d);
      this.hits.disk++;
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

  private async readDisk(key: string): Promise<FeatureEntry | null> {
    if (!this.opts.dir) return null;
    const p = this.paths(key);
    let header: DiskHeader;
    let buf: Buffer;
    try {
      header = JSON.parse(await readFile(p.header, 'utf8')) as DiskHeader;
      buf = await readFile(p.data);
    } catch {
      return null;
    }
    if (header.format !== 1) return null;
    const expected =
      header.batches.reduce((s, b) => s + b.n * b.c * b.h * b.w * 4, 0) +
      (header.truth ? header.truth.n + header.truth.n * 224 * 224 : 0);
    if (buf.byteLength !== expected) {
      await rm(p.header, { force: true });
      await rm(p.data, { force: true });
      return null;
    }
    // copy into a fresh, aligned, shared buffer (the engine thread reads it without a copy)
    const ab = new SharedArrayBuffer(buf.byteLength);
    new Uint8Array(ab).set(buf);
    let off = 0;
    const batches = header.batches.map((b) => {
      const len = b.n * b.c * b.h * b.w;
      const fb = featureBatch(b.n, b.c, b.h, b.w, new Float32Array(ab, off, len));
      off += len * 4;
      return fb;
    });
    let truth: TestTruth | null = null;
    if (header.truth) {
      const n = header.truth.n;
      const labels = new Uint8Array(ab, off, n);
      off += n;
      const masks = new Uint8Array(ab, off, n * 224 * 224);
      truth = { labels, masks, defects: header.truth.defects };
    }
    const now = new Date();
    await utimes(p.header, now, now).catch(() => undefined);
    return { batches, extractor: header.extractor, truth };
  }

  private async writeDisk(key: string, e: FeatureEntry): Promise<void> {
    if (!this.opts.dir) return;
    const bytes = entryBytes(e);
    if (bytes > this.opts.diskBytes) return;
    await mkdir(this.opts.dir, { recursive: true });
    const p = this.paths(key);
    const tmp = `${p.data}.tmp-${process.pid}`;
    const parts: Uint8Array[] = e.batches.map(
      (b) => new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength),
    );
    if (e.truth) parts.push(e.truth.labels, e.truth.masks);
    await writeFile(tmp, parts);
    await rename(tmp, p.data);
    const header: DiskHeader = {
      format: 1,
      extractor: e.extractor,
      batches: e.batches.map(({ n, c, h, w }) => ({ n, c, h, w })),
      truth: e.truth ? { n: e.truth.labels.length, defects: e.truth.defects } : null,
    };
    await writeFile(`${p.header}.tmp-${process.pid}`, JSON.stringify(header));
    await rename(`${p.header}.tmp-${process.pid}`, p.header); // the header marks a complete entry
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
