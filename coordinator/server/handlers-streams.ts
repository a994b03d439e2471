/** The streaming RPCs: StreamProgress (client stream, deduped by sequence number) and Control (server stream). */
import type * as grpc from '@grpc/grpc-js';
import type { ControlMessage } from '../../proto/gen/wepadim/v1/ControlMessage.js';
import type { ControlRequest__Output } from '../../proto/gen/wepadim/v1/ControlRequest.js';
import type { ProgressAck } from '../../proto/gen/wepadim/v1/ProgressAck.js';
import type { ProgressBatch__Output } from '../../proto/gen/wepadim/v1/ProgressBatch.js';
import type { ServerDeps } from './deps.js';
import { authorize, checkDecoded, toServiceError, type InvalidMessage } from './guard.js';
import * as v from './validate.js';

export function streamHandlers(d: ServerDeps) {
  const { store, scheduler, commit, hub, events, guard } = d;

  const StreamProgress: grpc.handleClientStreamingCall<ProgressBatch__Output, ProgressAck> = (call, callback) => {
    let finished = false;
    const finish = (err: unknown, ack?: ProgressAck): void => {
      if (finished) return;
      finished = true;
      if (err !== null) callback(toServiceError(guard, 'StreamProgress', err));
      else callback(null, ack);
    };
    try {
      authorize(guard, call.metadata);
    } catch (err) {
      finish(err);
      return;
    }
    let applied = 0;
    let duplicates = 0;
    let rejected = 0;
    const lastSeq = new Map<string, number>();
    // batches are applied in arrival order (group-committed with other calls); the ack waits for all of them
    let applying: Promise<void> = Promise.resolve();
    const count = (
      workerId: string,
      updates: ReturnType<typeof v.progress>[],
      results: ReturnType<typeof store.appendProgress>,
    ): void => {
      results.forEach((r, i) => {
        const u = updates[i];
        if (r.outcome === 'stale') {
          rejected++;
          return;
        }
        if (r.outcome === 'duplicate') duplicates++;
        else {
          applied++;
          events.emit('progress', {
            workerId,
            trialKey: r.trialKey ?? '',
            phase: u.phase,
            done: u.done,
            total: u.total,
            ...(Object.keys(u.values).length ? { values: u.values } : {}),
          });
        }
        lastSeq.set(u.leaseId, Math.max(lastSeq.get(u.leaseId) ?? 0, u.seq));
      });
    };
    call.on('data', (raw: ProgressBatch__Output | InvalidMessage) => {
      if (finished) return;
      try {
        const batch = checkDecoded(raw);
        const workerId = v.workerId(batch.worker_id);
        const updates = v.list(batch.updates, 'updates').map(v.progress);
        applying = applying.then(async () => {
          if (finished) return;
          count(workerId, updates, await commit.run(() => store.appendProgress(workerId, updates, scheduler.now())));
        });
        applying.catch((err: unknown) => finish(err));
      } catch (err) {
        finish(err);
      }
    });
    call.on('end', () => {
      applying.then(
        () => finish(null, { applied, duplicates, rejected, last_seq: Object.fromEntries(lastSeq) }),
        (err: unknown) => finish(err),
      );
    });
    call.on('error', () => {
      finished = true;
    });
  };

  const Control: grpc.handleServerStreamingCall<ControlRequest__Output, ControlMessage> = (call) => {
    try {
      authorize(guard, call.metadata);
      const req = checkDecoded(call.request as ControlRequest__Output | InvalidMessage);
      const workerId = v.workerId(req.worker_id);
      if (d.isShuttingDown()) {
        call.end();
        return;
      }
      hub.attach(workerId, call);
      if (store.getWorker(workerId)?.state === 'draining') hub.drain(workerId, 'drain requested');
    } catch (err) {
      call.emit('error', toServiceError(guard, 'Control', err));
    }
  };

  return { StreamProgress, Control };
}
