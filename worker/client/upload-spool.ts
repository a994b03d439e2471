/**
 * The artifact upload spool: for each finished trial with artifacts, one small job file listing its files
 * (name, kind, mime, path on this machine, sha256 and size hashed when the job is made). Jobs are written
 * (fsync'd) BEFORE the trial's result is spooled, so a result never waits in the spool without its upload
 * job; a job is deleted once every file was stored or refused for good. The files themselves stay where
 * the objective wrote them.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { ArtifactRef } from '../../shared/result.js';

export interface UploadFile {
  name: string;
  kind: string;
  mime: string;
  path: string;
  sha256: string;
  size: number;
}

export interface UploadJob {
  trialKey: string;
  leaseId: string;
  fencingToken: number;
  /** the worker id that held the lease */
  workerId: string;
  files: UploadFile[];
}

const SUFFIX = '.upload.json';

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.jpg': 'image/jpeg',
};

export function mimeOf(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** sha256 (hex) and size of a file, read as a stream. */
export function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let size = 0;
    createReadStream(path)
      .on('data', (b) => {
        h.update(b as Buffer);
        size += (b as Buffer).length;
      })
      .on('end', () => resolve({ sha256: h.digest('hex'), size }))
      .on('error', reject);
  });
}

/** The files of a trial's artifact list, hashed (a file that cannot be read is left out and reported). */
export async function uploadFiles(
  refs: readonly ArtifactRef[],
  missing: (path: string, error: string) => void,
): Promise<UploadFile[]> {
  const out: UploadFile[] = [];
  const names = new Set<string>();
  for (const a of refs) {
    try {
      const { sha256, size } = await hashFile(a.path);
      let name = basename(a.path).replace(/[^\w.+=,@-]/g, '_');
      if (!/^\w/.test(name)) name = `f${name}`;
      for (let i = 2; names.has(name); i++) name = `${i}-${name}`;
      names.add(name);
      out.push({ name: name.slice(0, 200), kind: a.kind, mime: mimeOf(a.path), path: a.path, sha256, size });
    } catch (err) {
      missing(a.path, (err as Error).message);
    }
  }
  return out;
}

function isJob(v: unknown): v is UploadJob {
  const o = v as Record<string, unknown> | null;
  return (
    !!o &&
    typeof o.trialKey === 'string' &&
    typeof o.leaseId === 'string' &&
    typeof o.fencingToken === 'number' &&
    typeof o.workerId === 'string' &&
    Array.isArray(o.files)
  );
}

export class UploadSpool {
  private seq = 0;
  private readonly fileOf = new Map<string, string>();

  /** the folder is made on the first job */
  constructor(readonly dir: string) {
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir))
      if (f.startsWith('.') && f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
  }

  /** Durably record upload jobs (each its own file; one folder fsync for all). */
  async put(jobs: readonly UploadJob[]): Promise<void> {
    if (jobs.length === 0) return;
    mkdirSync(this.dir, { recursive: true });
    for (const job of jobs) {
      const name = `${Date.now()}-${process.pid}-${++this.seq}${SUFFIX}`;
      const tmp = join(this.dir, `.${name}.tmp`);
      const fh = await open(tmp, 'w');
      try {
        await fh.writeFile(JSON.stringify(job));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(this.dir, name));
      this.fileOf.set(job.leaseId, join(this.dir, name));
    }
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }

  /** Forget a settled job. */
  async remove(leaseId: string): Promise<void> {
    const file = this.fileOf.get(leaseId);
    if (!file) return;
    this.fileOf.delete(leaseId);
    await unlink(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /** Every job on disk, oldest first; unreadable job files are reported in `corrupt` and left alone. */
  list(): { jobs: UploadJob[]; corrupt: string[] } {
    const jobs: UploadJob[] = [];
    const corrupt: string[] = [];
    if (!existsSync(this.dir)) return { jobs, corrupt };
    for (const f of readdirSync(this.dir).sort()) {
      if (!f.endsWith(SUFFIX) || f.startsWith('.')) continue;
      const path = join(this.dir, f);
      try {
        const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
        if (!isJob(v)) {
          corrupt.push(path);
          continue;
        }
        this.fileOf.set(v.leaseId, path);
        jobs.push(v);
      } catch {
        corrupt.push(path);
      }
    }
    return { jobs, corrupt };
  }
}
