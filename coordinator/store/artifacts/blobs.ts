/**
 * Content-addressed files under the database's folder: `<db dir>/artifacts/sha256/ab/cdef....ext`. A file is
 * received into `artifacts/tmp/`, hashed as it arrives, checked against the sha256 and size its sender
 * declared, fsync'd and renamed into place (its folder fsync'd), so a crash leaves either the whole file
 * or a temporary that the next start deletes. The same content is kept once.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, relative, sep } from 'node:path';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The artifacts folder of a database file (`:memory:` databases need an explicit folder). */
export function artifactsRootOf(dbPath: string): string {
  if (dbPath === ':memory:') return join(tmpdir(), `wepadim-artifacts-${process.pid}`);
  return join(dirname(dbPath), 'artifacts');
}

export class BlobMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlobMismatch';
  }
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/** The file extension kept on a stored file (readers derive its content type from it): `.png`, or '' when odd. */
export function extensionOf(name: string): string {
  const e = extname(name).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(e) ? e : '';
}

export class BlobDir {
  /** `dbDir`: stored paths are relative to it (the database's folder); null: absolute */
  constructor(
    readonly root: string,
    readonly dbDir: string | null = null,
  ) {}

  /** As stored in artifacts.path: relative to the database's folder when the root is inside it. */
  relative(sha: string, ext: string): string {
    const file = this.pathOf(sha, ext);
    if (!this.dbDir) return file;
    const rel = relative(this.dbDir, file);
    return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
  }

  /** `<root>/sha256/ab/cdef….ext` (the extension kept so readers know the type) */
  pathOf(sha: string, ext: string): string {
    return join(this.root, 'sha256', sha.slice(0, 2), sha.slice(2) + ext);
  }

  has(sha: string, ext: string): boolean {
    return SHA256_HEX.test(sha) && existsSync(this.pathOf(sha, ext));
  }

  /** Delete temporaries of receives that never finished (call once at start). */
  cleanTemporaries(): void {
    const tmp = join(this.root, 'tmp');
    if (!existsSync(tmp)) return;
    for (const f of readdirSync(tmp)) rmSync(join(tmp, f), { force: true });
  }

  async receive(): Promise<BlobReceiver> {
    const tmpDir = join(this.root, 'tmp');
    mkdirSync(tmpDir, { recursive: true });
    const tmp = join(tmpDir, `${process.pid}-${randomUUID()}`);
    return new BlobReceiver(this, tmp, await open(tmp, 'w'));
  }
}

/** One file being received: write() its bytes in order, then commit() or abort(). */
export class BlobReceiver {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  private closed = false;

  constructor(
    private readonly dir: BlobDir,
    private readonly tmp: string,
    private readonly fh: FileHandle,
  ) {}

  get received(): number {
    return this.bytes;
  }

  async write(data: Buffer): Promise<void> {
    this.hash.update(data);
    this.bytes += data.length;
    await this.fh.write(data);
  }

  /** Check sha256 and size, then move the file into place; throws BlobMismatch (and deletes it) when they differ. */
  async commit(sha256: string, size: number, ext: string): Promise<void> {
    const got = this.hash.digest('hex');
    try {
      if (this.bytes !== size)
        throw new BlobMismatch(`size mismatch: header says ${size} bytes, received ${this.bytes}`);
      if (got !== sha256)
        throw new BlobMismatch(`sha256 mismatch: header says ${sha256}, the received bytes hash to ${got}`);
      await this.fh.sync();
      await this.fh.close();
      this.closed = true;
      const final = this.dir.pathOf(sha256, ext);
      if (existsSync(final)) {
        await unlink(this.tmp);
        return;
      }
      mkdirSync(dirname(final), { recursive: true });
      await rename(this.tmp, final);
      await syncDir(dirname(final));
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.tmp).catch(() => undefined);
  }
}
