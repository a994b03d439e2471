/**
 * Uploads the artifact files of finished trials to the coordinator, one file per UploadArtifact stream,
 * from the jobs in the upload spool (./upload-spool.ts). A job survives restarts and outages: it is
 * deleted only when each of its files was stored (a duplicate counts: uploads are idempotent by trial,
 * name and sha256) or refused for good (stale lease, checksum or size limit: the coordinator's message
 * is reported). Transport errors keep the job for the next round.
 */
import * as grpc from '@grpc/grpc-js';
import type { ArtifactHeader } from '../../proto/gen/wepadim/v1/ArtifactHeader.js';
import type { UploadArtifactResponse__Output } from '../../proto/gen/wepadim/v1/UploadArtifactResponse.js';
import { errText } from './failures.js';
import type { UploadFile, UploadJob, UploadSpool } from './upload-spool.js';
import type { WorkerEvent } from './types.js';

export interface ArtifactTransport {
  uploadArtifact(header: ArtifactHeader, path: string): Promise<UploadArtifactResponse__Output>;
}

/** Answers that retrying cannot change: the lease is stale, the bytes or size are wrong, the file is gone. */
export function isFinalRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES';
  return (
    code === grpc.status.FAILED_PRECONDITION ||
    code === grpc.status.INVALID_ARGUMENT ||
    code === grpc.status.OUT_OF_RANGE ||
    code === grpc.status.NOT_FOUND
  );
}

interface Open {
  job: UploadJob;
  left: UploadFile[];
  stored: number;
  bytes: number;
  refused: number;
}

export class Uploader {
  private readonly queue = new Map<string, Open>();
  private writing = 0;

  constructor(
    readonly spool: UploadSpool,
    private readonly emit: (e: WorkerEvent) => void,
    /** called when a new job is ready to upload */
    private readonly onReady: () => void,
  ) {
    const { jobs, corrupt } = spool.list();
    for (const j of jobs) this.track(j);
    for (const c of corrupt)
      emit({
        type: 'upload-refused',
        leaseId: '',
        key: '',
        name: c,
        error: 'unreadable upload job file (left in place)',
      });
  }

  private track(job: UploadJob): void {
    this.queue.set(job.leaseId, { job, left: [...job.files], stored: 0, bytes: 0, refused: 0 });
  }

  /** Durably record jobs (before their results are spooled), then offer them for upload. */
  async add(jobs: readonly UploadJob[]): Promise<void> {
    const real = jobs.filter((j) => j.files.length > 0);
    if (real.length === 0) return;
    this.writing++;
    try {
      await this.spool.put(real);
      for (const j of real) this.track(j);
    } finally {
      this.writing--;
    }
    this.onReady();
  }

  /** jobs not yet settled (on disk or being written) */
  get pending(): number {
    return this.queue.size + this.writing;
  }

  /** Upload every open job once through; throws the first transport error (the job stays). */
  async pass(t: ArtifactTransport): Promise<void> {
    for (const o of [...this.queue.values()]) {
      while (o.left.length > 0) {
        const f = o.left[0];
        const header: ArtifactHeader = {
          worker_id: o.job.workerId,
          lease_id: o.job.leaseId,
          fencing_token: o.job.fencingToken,
          name: f.name,
          kind: f.kind,
          mime: f.mime,
          sha256: f.sha256,
          size: f.size,
          source_path: f.path,
        };
        try {
          await t.uploadArtifact(header, f.path);
          o.stored++;
          o.bytes += f.size;
        } catch (err) {
          if (!isFinalRefusal(err)) throw err;
          o.refused++;
          this.emit({
            type: 'upload-refused',
            leaseId: o.job.leaseId,
            key: o.job.trialKey,
            name: f.name,
            error: errText(err),
          });
        }
        o.left.shift();
      }
      this.queue.delete(o.job.leaseId);
      await this.spool.remove(o.job.leaseId);
      this.emit({
        type: 'uploaded',
        leaseId: o.job.leaseId,
        key: o.job.trialKey,
        files: o.stored,
        bytes: o.bytes,
        refused: o.refused,
      });
    }
  }
}
