/**
 * Artifact RPCs: UploadArtifact (client stream of one file: header, then bytes; fenced by lease id and
 * token; sha256 and size verified before the file is recorded), and for `wepadim artifacts` ListArtifacts and
 * DownloadArtifact (server stream of the stored bytes). All behind the same bearer token as every call.
 */
import * as grpc from '@grpc/grpc-js';
import { createReadStream } from 'node:fs';
import type { ArtifactChunk__Output } from '../../proto/gen/wepadim/v1/ArtifactChunk.js';
import type { ArtifactData } from '../../proto/gen/wepadim/v1/ArtifactData.js';
import type { ArtifactHeader__Output } from '../../proto/gen/wepadim/v1/ArtifactHeader.js';
import type { DownloadArtifactRequest__Output } from '../../proto/gen/wepadim/v1/DownloadArtifactRequest.js';
import type { ListArtifactsRequest__Output } from '../../proto/gen/wepadim/v1/ListArtifactsRequest.js';
import type { ListArtifactsResponse } from '../../proto/gen/wepadim/v1/ListArtifactsResponse.js';
import type { UploadArtifactResponse } from '../../proto/gen/wepadim/v1/UploadArtifactResponse.js';
import {
  ArtifactRefused,
  BlobMismatch,
  extensionOf,
  type BlobReceiver,
  type UploadHeader,
  type UploadTarget,
} from '../store/artifacts/index.js';
import type { ServerDeps } from './deps.js';
import {
  authorize,
  checkDecoded,
  invalidArgument,
  RpcError,
  toServiceError,
  unary,
  type InvalidMessage,
} from './guard.js';
import * as v from './validate.js';

/** bytes per DownloadArtifact message */
const CHUNK = 256 * 1024;

function rpcErrorOf(err: unknown): unknown {
  if (err instanceof ArtifactRefused) {
    const code =
      err.why === 'lease'
        ? grpc.status.FAILED_PRECONDITION
        : err.why === 'limit'
          ? grpc.status.OUT_OF_RANGE
          : grpc.status.INVALID_ARGUMENT;
    return new RpcError(code, err.message);
  }
  if (err instanceof BlobMismatch) return invalidArgument(err.message);
  return err;
}

function headerOf(h: ArtifactHeader__Output): UploadHeader {
  if (!h.lease_id) throw invalidArgument('header.lease_id is required');
  return {
    leaseId: h.lease_id,
    fencingToken: Number(h.fencing_token),
    name: h.name,
    kind: h.kind || 'file',
    mime: h.mime || 'application/octet-stream',
    sha256: h.sha256,
    size: Number(h.size),
    sourcePath: h.source_path ?? '',
  };
}

export function artifactHandlers(d: ServerDeps) {
  const { artifacts, commit, scheduler, events, guard } = d;

  const UploadArtifact: grpc.handleClientStreamingCall<ArtifactChunk__Output, UploadArtifactResponse> = (
    call,
    callback,
  ) => {
    let finished = false;
    let receiver: BlobReceiver | null = null;
    let head: { h: UploadHeader; t: UploadTarget; workerId: string; duplicate: string | null } | null = null;
    const finish = (err: unknown, res?: UploadArtifactResponse): void => {
      if (finished) return;
      finished = true;
      if (err !== null) {
        // the temporary is gone before the caller hears of the refusal
        const answer = (): void => callback(toServiceError(guard, 'UploadArtifact', rpcErrorOf(err)));
        if (receiver) void receiver.abort().finally(answer);
        else answer();
      } else callback(null, res);
    };
    try {
      authorize(guard, call.metadata);
    } catch (err) {
      finish(err);
      return;
    }
    let chain: Promise<void> = Promise.resolve();
    const onMessage = async (raw: ArtifactChunk__Output | InvalidMessage): Promise<void> => {
      const msg = checkDecoded(raw);
      if (!head) {
        if (!msg.header) throw invalidArgument('the first UploadArtifact message must carry the header');
        const workerId = v.workerId(msg.header.worker_id);
        const h = headerOf(msg.header);
        const t = artifacts.target(workerId, h.leaseId, h.fencingToken, scheduler.now());
        const { duplicate } = artifacts.check(t, h);
        head = { h, t, workerId, duplicate };
        if (!duplicate) receiver = await artifacts.blobs.receive();
      }
      const data = msg.data;
      if (receiver && data && data.length) {
        if (receiver.received + data.length > head.h.size)
          throw invalidArgument(`artifact ${head.h.name}: more bytes than the ${head.h.size} its header declares`);
        await receiver.write(data);
      }
    };
    call.on('data', (raw: ArtifactChunk__Output | InvalidMessage) => {
      if (finished) return;
      call.pause(); // one message at a time reaches the disk; the sender waits meanwhile (flow control)
      chain = chain
        .then(() => (finished ? undefined : onMessage(raw)))
        .then(
          () => void call.resume(),
          (err: unknown) => finish(err),
        );
    });
    call.on('end', () => {
      chain
        .then(async () => {
          if (finished) return;
          if (!head) throw invalidArgument('UploadArtifact: no header received');
          const { h, workerId } = head;
          if (head.duplicate !== null) {
            const t = head.t;
            await commit.run(() => artifacts.dropReported(t, h.sourcePath));
          }
          if (head.duplicate !== null)
            return finish(null, { stored: true, duplicate: true, trial_key: head.t.trialKey, path: head.duplicate });
          await receiver?.commit(h.sha256, h.size, extensionOf(h.name));
          receiver = null;
          const r = await commit.run(() => artifacts.record(h, scheduler.now()), { durable: true });
          events.emit('artifact', {
            workerId,
            trialKey: r.target.trialKey,
            name: h.name,
            kind: h.kind,
            sha256: h.sha256,
            size: h.size,
            duplicate: r.duplicate,
          });
          finish(null, { stored: true, duplicate: r.duplicate, trial_key: r.target.trialKey, path: r.path });
        })
        .catch((err: unknown) => finish(err));
    });
    call.on('error', () => {
      finished = true;
      void receiver?.abort();
    });
  };

  const ListArtifacts = unary<ListArtifactsRequest__Output, ListArtifactsResponse>(guard, 'ListArtifacts', (req) => {
    if (!req.trial || req.trial.length > 512)
      throw invalidArgument('trial: a trial key or id is required (at most 512 characters)');
    const ids = artifacts.trials(req.trial);
    return {
      trials: ids.length,
      artifacts: artifacts.list(ids).map((a) => ({ ...a, created_at_ms: a.created_at })),
    };
  });

  const DownloadArtifact: grpc.handleServerStreamingCall<DownloadArtifactRequest__Output, ArtifactData> = (call) => {
    const fail = (err: unknown): void => {
      call.emit('error', toServiceError(guard, 'DownloadArtifact', err));
    };
    try {
      authorize(guard, call.metadata);
      const req = checkDecoded(call.request as DownloadArtifactRequest__Output | InvalidMessage);
      const file = artifacts.fileOf(req.sha256);
      if (!file) throw new RpcError(grpc.status.NOT_FOUND, `no stored artifact with sha256 ${req.sha256}`);
      const rs = createReadStream(file, { highWaterMark: CHUNK });
      rs.on('data', (b) => {
        if (!call.write({ data: b })) {
          rs.pause();
          call.once('drain', () => rs.resume());
        }
      });
      rs.on('end', () => call.end());
      rs.on('error', (err) => fail(err));
      call.on('cancelled', () => rs.destroy());
    } catch (err) {
      fail(err);
    }
  };

  return { UploadArtifact, ListArtifacts, DownloadArtifact };
}
