/**
 * The local result spool: a finished trial's outcome is written to disk (fsync'd file, then fsync'd
 * directory) before it is delivered, and deleted only after the coordinator acknowledged it (or
 * rejected it for good). A coordinator outage or a worker restart therefore loses no result.
 *
 * One JSON file per attempt, named by lease id, so a re-run of the same trial never overwrites the
 * record of an earlier attempt.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialOutcome } from '../objective.js';

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

const SUFFIX = '.result.json';

function safeName(leaseId: string): string {
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(leaseId)) throw new Error(`spool: lease id not usable as a file name: ${JSON.stringify(leaseId)}`);
  return leaseId + SUFFIX;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

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
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Durably record a finished attempt. Returns the file path. */
  put(r: SpooledResult): string {
    const name = safeName(r.leaseId);
    const final = join(this.dir, name);
    const tmp = join(this.dir, `.${name}.${process.pid}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(r));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
    fsyncDir(this.dir);
    return final;
  }

  /** Forget a delivered (or definitively rejected) attempt. */
  remove(leaseId: string): void {
    rmSync(join(this.dir, safeName(leaseId)), { force: true });
  }

  /** Every spooled attempt, oldest first. Unreadable files are reported in `corrupt` and left in place. */
  list(): { results: SpooledResult[]; corrupt: string[] } {
    const results: SpooledResult[] = [];
    const corrupt: string[] = [];
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith(SUFFIX) || f.startsWith('.')) continue;
      const path = join(this.dir, f);
      try {
        const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
        if (isSpooledResult(v)) results.push(v);
        else corrupt.push(path);
      } catch {
        corrupt.push(path);
      }
    }
    results.sort((a, b) => a.finishedAt - b.finishedAt);
    return { results, corrupt };
  }

  get size(): number {
    return this.list().results.length;
  }
}
