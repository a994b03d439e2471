/**
 * The local result spool: finished attempts are written to disk (file fsync'd, renamed into place,
 * directory fsync'd) before they are delivered, and forgotten only after the coordinator answered for
 * them (accepted, or rejected for good). A coordinator outage or a worker restart therefore loses no
 * result. Attempts that finish together are written as one batch file (group commit: one fsync for the
 * batch); a batch file is deleted once every attempt in it is settled.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrialOutcome } from '../objective-types.js';

export interface SpooledResult {
  trialId: number;
  key: string;
  leaseId: string;
  fencingToken: number;
  outcome: TrialOutcome;
  finishedAt: number;
  /** the worker id that held the lease (a restarted worker delivers under the old id) */
  workerId: string;
}

const SUFFIX = '.results.json';

function isSpooledResult(v: unknown): v is SpooledResult {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  const out = o.outcome as Record<string, unknown> | undefined;
  return (
    typeof o.trialId === 'number' &&
    typeof o.key === 'string' &&
    typeof o.leaseId === 'string' &&
    typeof o.fencingToken === 'number' &&
    typeof o.workerId === 'string' &&
    !!out &&
    typeof out.ok === 'boolean'
  );
}

export class ResultSpool {
  /** batch file -> lease ids in it not yet settled */
  private readonly open = new Map<string, Set<string>>();
  private readonly fileOf = new Map<string, string>();
  private seq = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Durably record finished attempts as one batch. Resolves with the file path once it is on disk. */
  async putBatch(results: readonly SpooledResult[]): Promise<string | null> {
    if (results.length === 0) return null;
    const name = `${Date.now()}-${process.pid}-${++this.seq}${SUFFIX}`;
    const final = join(this.dir, name);
    const tmp = join(this.dir, `.${name}.tmp`);
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(JSON.stringify(results));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    this.track(final, results);
    return final;
  }

  private track(file: string, results: readonly SpooledResult[]): void {
    const ids = new Set(results.map((r) => r.leaseId));
    this.open.set(file, ids);
    for (const id of ids) this.fileOf.set(id, file);
  }

  /** Forget a delivered (or definitively rejected) attempt; its batch file goes when all of it is settled. */
  async remove(leaseId: string): Promise<void> {
    const file = this.fileOf.get(leaseId);
    if (!file) return;
    this.fileOf.delete(leaseId);
    const left = this.open.get(file);
    left?.delete(leaseId);
    if (left && left.size === 0) {
      this.open.delete(file);
      // unlink, not rm: rm({ force }) runs a synchronous lstat on the event loop first
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }

  /** Every spooled attempt on disk, oldest first; unreadable files are reported in `corrupt` and left alone. */
  list(): { results: SpooledResult[]; corrupt: string[] } {
    const results: SpooledResult[] = [];
    const corrupt: string[] = [];
    for (const f of readdirSync(this.dir).sort()) {
      if (!f.endsWith(SUFFIX) || f.startsWith('.')) continue;
      const path = join(this.dir, f);
      try {
        const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
        if (!Array.isArray(v) || !v.every(isSpooledResult)) {
          corrupt.push(path);
          continue;
        }
        const fresh = v.filter((r) => !this.fileOf.has(r.leaseId) || this.fileOf.get(r.leaseId) === path);
        if (!this.open.has(path)) this.track(path, fresh);
        results.push(...fresh);
      } catch {
        corrupt.push(path);
      }
    }
    results.sort((a, b) => a.finishedAt - b.finishedAt);
    return { results, corrupt };
  }

  /** Delete leftovers of writes that never completed (temporary files). */
  cleanTemporaries(): void {
    for (const f of readdirSync(this.dir))
      if (f.startsWith('.') && f.endsWith('.tmp')) rmSync(join(this.dir, f), { force: true });
  }
}
