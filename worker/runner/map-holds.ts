/**
 * Which trials of one class in a lease are held back for anomaly maps: per stage, the best `perMetric` by each
 * metric of MAP_METRICS, ranked as the coordinator ranks its winners (higher value first, ties to the lower trial
 * id, non-finite values never). A lease that holds its share of every stage's winners leaves the coordinator no
 * maps job to queue: the class's winner by each metric is the best of the lease that ran it.
 */
import { MAP_METRICS, type TrialResult } from '../../shared/result.js';
import type { LeasedTrial } from '../objective-types.js';

export interface Held {
  trial: LeasedTrial;
  result: TrialResult;
}

interface Entry extends Held {
  score: number;
}

/** true when `a` ranks before `b` */
const before = (a: Entry, b: Entry): boolean =>
  a.score > b.score || (a.score === b.score && a.trial.trialId < b.trial.trialId);

export class MapHolds {
  /** per (stage, metric): the held entries, best first */
  private readonly slots = new Map<string, Entry[]>();
  /** how many slots hold each trial (by key) */
  private readonly holders = new Map<string, number>();
  private readonly order: Held[] = [];

  constructor(private readonly perMetric: number) {}

  /**
   * Offer a finished trial. Returns the trials no slot holds any longer: the offered one when it ranks in no slot,
   * and any it pushed out of every slot that held them. Their results can be reported now.
   */
  offer(trial: LeasedTrial, result: TrialResult): Held[] {
    const released: Held[] = [];
    let kept = false;
    for (const metric of this.perMetric > 0 ? MAP_METRICS : []) {
      const score = result.metrics[metric];
      if (score === undefined || !Number.isFinite(score)) continue;
      const entry: Entry = { trial, result, score };
      const slot = `${trial.stage ?? ''}\u0000${metric}`;
      const list = this.slots.get(slot) ?? [];
      this.slots.set(slot, list);
      let at = list.findIndex((e) => before(entry, e));
      if (at < 0) at = list.length;
      if (at >= this.perMetric) continue;
      list.splice(at, 0, entry);
      kept = true;
      this.holders.set(trial.key, (this.holders.get(trial.key) ?? 0) + 1);
      if (list.length > this.perMetric) {
        const out = list.pop() as Entry;
        const left = (this.holders.get(out.trial.key) ?? 1) - 1;
        this.holders.set(out.trial.key, left);
        if (left === 0) released.push({ trial: out.trial, result: out.result });
      }
    }
    if (kept) this.order.push({ trial, result });
    else released.push({ trial, result });
    return released;
  }

  /** the trials still held, in the order they were first held: they get their maps when the class is done */
  held(): Held[] {
    return this.order.filter((h) => (this.holders.get(h.trial.key) ?? 0) > 0);
  }
}
