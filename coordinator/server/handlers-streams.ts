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
  const { store, scheduler, hub, events, guard } = d;

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
    call.on('data', (raw: ProgressBatch__Output | InvalidMessage) => {
      if (finished) return;
      try {
        const batch = checkDecoded(raw);
        const workerId = v.workerId(batch.worker_id);
        const updates = v.list(batch.updates, 'updates').map(v.progress);
        const results = store.appendProgress(workerId, updates, scheduler.now());
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
      } catch (err) {
        finish(err);
      }
    });
    call.on('end', () => finish(null, { applied, duplicates, rejected, last_seq: Object.fromEntries(lastSeq) }));
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
