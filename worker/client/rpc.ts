/**
 * Promise-shaped calls to the coordinator over the wepadim.v1 proto: credentials (TLS or insecure),
 * the bearer token on every call, deadlines, keepalive. No retry logic here; the worker loop decides.
 */
import * as grpc from '@grpc/grpc-js';
import { createReadStream, readFileSync } from 'node:fs';
import { coordinatorClientCtor, KEEPALIVE_OPTIONS, type CoordinatorClient } from '../../proto/load.js';
import type { ArtifactHeader } from '../../proto/gen/wepadim/v1/ArtifactHeader.js';
import type { UploadArtifactResponse__Output } from '../../proto/gen/wepadim/v1/UploadArtifactResponse.js';
import type { AcquireRequest } from '../../proto/gen/wepadim/v1/AcquireRequest.js';
import type { AcquireResponse__Output } from '../../proto/gen/wepadim/v1/AcquireResponse.js';
import type { CompleteRequest } from '../../proto/gen/wepadim/v1/CompleteRequest.js';
import type { ControlMessage__Output } from '../../proto/gen/wepadim/v1/ControlMessage.js';
import type { FailRequest } from '../../proto/gen/wepadim/v1/FailRequest.js';
import type { FinishResponse__Output } from '../../proto/gen/wepadim/v1/FinishResponse.js';
import type { HeartbeatRequest } from '../../proto/gen/wepadim/v1/HeartbeatRequest.js';
import type { HeartbeatResponse__Output } from '../../proto/gen/wepadim/v1/HeartbeatResponse.js';
import type { ProgressAck__Output } from '../../proto/gen/wepadim/v1/ProgressAck.js';
import type { ProgressBatch } from '../../proto/gen/wepadim/v1/ProgressBatch.js';
import type { RegisterRequest } from '../../proto/gen/wepadim/v1/RegisterRequest.js';
import type { RegisterResponse__Output } from '../../proto/gen/wepadim/v1/RegisterResponse.js';

export interface AuthOptions {
  token: string | null;
  tls: { ca?: string; cert?: string; key?: string } | null;
  insecure: boolean;
}

/** gRPC status codes that mean "the coordinator is not reachable right now": retry with backoff. */
export function isTransient(err: unknown): boolean {
  const code = (err as { code?: number } | null)?.code;
  return (
    code === grpc.status.UNAVAILABLE ||
    code === grpc.status.DEADLINE_EXCEEDED ||
    code === grpc.status.CANCELLED ||
    code === grpc.status.RESOURCE_EXHAUSTED ||
    code === grpc.status.ABORTED ||
    code === grpc.status.INTERNAL ||
    code === grpc.status.UNKNOWN
  );
}

/** gRPC status codes that retrying cannot fix: the token or certificate is wrong. */
export function isAuthFailure(err: unknown): boolean {
  const code = (err as { code?: number } | null)?.code;
  return code === grpc.status.UNAUTHENTICATED || code === grpc.status.PERMISSION_DENIED;
}

function credentialsFor(auth: AuthOptions): grpc.ChannelCredentials {
  if (auth.insecure || !auth.tls) return grpc.credentials.createInsecure();
  const read = (p?: string): Buffer | null => (p ? readFileSync(p) : null);
  return grpc.credentials.createSsl(read(auth.tls.ca), read(auth.tls.key), read(auth.tls.cert));
}

/** A call interceptor that reports when the response message has arrived (before the call's callback runs). */
function noteAnswer(arrived: () => void): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start: (metadata, _listener, next) =>
        next(metadata, {
          onReceiveMessage: (message: unknown, nextMessage: (m: unknown) => void) => {
            arrived();
            nextMessage(message);
          },
        }),
    });
}

export class CoordinatorRpc {
  private readonly client: CoordinatorClient;
  private readonly meta: grpc.Metadata;

  constructor(address: string, auth: AuthOptions) {
    const Ctor = coordinatorClientCtor();
    this.client = new Ctor(address, credentialsFor(auth), {
      ...KEEPALIVE_OPTIONS,
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
      'grpc.enable_retries': 0,
    });
    this.meta = new grpc.Metadata();
    if (auth.token) this.meta.set('authorization', `Bearer ${auth.token}`);
  }

  private unary<Req, Res>(
    method: (
      req: Req,
      meta: grpc.Metadata,
      opts: grpc.CallOptions,
      cb: grpc.requestCallback<Res>,
    ) => grpc.ClientUnaryCall,
    req: Req,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      // once the answer has arrived it is taken, not cancelled: a lease in it is held, never dropped
      let answered = false;
      const onAbort = (): void => {
        if (!answered) call.cancel();
      };
      const opts: grpc.CallOptions = { deadline: Date.now() + timeoutMs };
      if (signal) opts.interceptors = [noteAnswer(() => (answered = true))];
      const call = method.call(this.client, req, this.meta, opts, (err, res) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else if (res === undefined) reject(new Error('empty response'));
        else resolve(res);
      });
      // aborting cancels the call: it fails with CANCELLED at once (the coordinator sees the cancel too)
      if (signal?.aborted) call.cancel();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** `signal` cancels the call (a drain while the coordinator is unreachable must not wait out the deadline) */
  register(req: RegisterRequest, timeoutMs = 10_000, signal?: AbortSignal): Promise<RegisterResponse__Output> {
    return this.unary(this.client.Register.bind(this.client), req, timeoutMs, signal);
  }
  /**
   * A long-polled Acquire; `signal` cancels it (a drain or a stop must not wait out the long poll). The
   * coordinator hands back a group it granted to a call that was cancelled before the answer went out.
   */
  acquire(req: AcquireRequest, timeoutMs: number, signal?: AbortSignal): Promise<AcquireResponse__Output> {
    return this.unary(this.client.Acquire.bind(this.client), req, timeoutMs, signal);
  }
  heartbeat(req: HeartbeatRequest, timeoutMs = 5_000): Promise<HeartbeatResponse__Output> {
    return this.unary(this.client.Heartbeat.bind(this.client), req, timeoutMs);
  }
  complete(req: CompleteRequest, timeoutMs = 10_000): Promise<FinishResponse__Output> {
    return this.unary(this.client.Complete.bind(this.client), req, timeoutMs);
  }
  fail(req: FailRequest, timeoutMs = 10_000): Promise<FinishResponse__Output> {
    return this.unary(this.client.Fail.bind(this.client), req, timeoutMs);
  }

  /** One progress stream call carrying `batches`; resolves with the server's ack when it closes. */
  progress(batches: ProgressBatch[], timeoutMs = 10_000): Promise<ProgressAck__Output> {
    return new Promise((resolve, reject) => {
      const call = this.client.StreamProgress(this.meta, { deadline: Date.now() + timeoutMs }, (err, ack) => {
        if (err) reject(err);
        else if (!ack) reject(new Error('empty progress ack'));
        else resolve(ack);
      });
      for (const b of batches) call.write(b);
      call.end();
    });
  }

  /**
   * Upload one file: the header, then its bytes in 256 KiB messages (waiting on flow control). The deadline
   * grows with the size (at least 1 MB/s). Rejects with the gRPC error, or the file's read error.
   */
  uploadArtifact(header: ArtifactHeader, path: string): Promise<UploadArtifactResponse__Output> {
    const size = Number(header.size ?? 0);
    const timeoutMs = 30_000 + Math.ceil(size / 1000);
    return new Promise((resolve, reject) => {
      const call = this.client.UploadArtifact(this.meta, { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(err);
        else if (!res) reject(new Error('empty upload answer'));
        else resolve(res);
      });
      call.write({ header });
      const rs = createReadStream(path, { highWaterMark: 256 * 1024 });
      rs.on('data', (b) => {
        if (!call.write({ data: b })) {
          rs.pause();
          call.once('drain', () => rs.resume());
        }
      });
      rs.on('end', () => call.end());
      rs.on('error', (err) => {
        call.cancel();
        reject(err);
      });
    });
  }

  /** Open the control stream; the caller handles 'data', 'error' and 'end'. */
  control(workerId: string): grpc.ClientReadableStream<ControlMessage__Output> {
    return this.client.Control({ worker_id: workerId }, this.meta);
  }

  close(): void {
    this.client.close();
  }
}
