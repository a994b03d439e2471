/**
 * Lease policy: which pending group a worker gets. A worker with a warm feature cache gets more of the
 * same feature_key (no backbone pass); otherwise the largest pending group (ties: submitted first), so
 * groups stay big and caches get reused. The store asks this inside acquire's transaction.
 */
import type { GroupPolicy } from '../store/lease-types.js';

export const warmCachesFirst: GroupPolicy = {
  pick(caches, pending) {
    for (const c of caches) if (pending.hasPending(c)) return c;
    return pending.largest();
  },
};
